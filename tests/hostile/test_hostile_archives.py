"""Hostile deployment packages read by the package reader (``artifact_inventory``), each in a
bounded child: zip bombs (ratio and total size), zip-slip and absolute member names, symbolic
links in archives, truncated and fake archives, duplicate members, and container image
archives whose manifest or layers name paths outside the image.

Nothing is ever extracted: the cases also check that no file appeared outside the archive.
"""

from __future__ import annotations

import io
import json
import stat
import tarfile
import warnings
import zipfile
from typing import TYPE_CHECKING, Any

import pytest
from hostile.hostile_sandbox import run_in_child

from fnguard import limits

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

MB = 1024 * 1024


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # a duplicate member name is one of the cases
        for name, data in members:
            archive.writestr(name, data)
    return path


def _link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _tar(members: list[tuple[str, bytes | str]]) -> bytes:
    """A tar; a ``str`` payload makes a symbolic link to it."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if isinstance(data, str):
                info.type, info.linkname = tarfile.SYMTYPE, data
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _image(path: Path, layer_name: str, layer: bytes) -> Path:
    manifest = [{"Config": "config.json", "RepoTags": ["x:1"], "Layers": [layer_name]}]
    config = {"architecture": "amd64", "os": "linux", "config": {}}
    path.write_bytes(
        _tar(
            [
                (layer_name, layer),
                ("manifest.json", json.dumps(manifest).encode()),
                ("config.json", json.dumps(config).encode()),
            ]
        )
    )
    return path


HANDLER = ("handler.py", b"def handler(event, context):\n    return 1\n")


def _read(path: Path, bound: limits.Limits, label: str) -> dict[str, Any]:
    """The package as the reader saw it: errors, limit gaps, risky files, members read."""

    def job() -> tuple[int, str, str]:
        from fnguard.collect.package import PackageEnricher, artifact_inventory

        with limits.use(bound):
            inventory = artifact_inventory(path, "x86_64", "python3.12")
            inventory = inventory.merge(PackageEnricher().enrich(inventory, path.parent))
        package = inventory.packages[0] if inventory.packages else None
        facts = {
            "gaps": [g.reason for g in inventory.gaps],
            "errors": list(package.errors) if package else [],
            "issues": sorted((i.kind.value, i.path) for i in package.file_issues)
            if package
            else [],
            "files": package.file_count if package else 0,
        }
        return 0, json.dumps(facts), ""

    outcome = run_in_child(job, label)
    assert not outcome.timed_out and outcome.code == 0, outcome.stderr
    facts: dict[str, Any] = outcome.report()
    return facts


Case = tuple[str, "Callable[[Path], Path]", limits.Limits, "Callable[[dict[str, Any]], bool]"]
DEFAULT = limits.Limits()


def _text(facts: dict[str, Any]) -> str:
    return " ".join(facts["gaps"] + facts["errors"])


CASES: list[Case] = [
    (
        "zip_bomb_ratio",
        lambda d: _zip(d / "p.zip", [HANDLER, ("zeros.bin", b"\0" * (50 * MB))]),
        DEFAULT,
        lambda f: (
            "member 'zeros.bin' expands 1028:1, not read: exceeds the max-archive-ratio "
            "limit (250); raise it with --limit max-archive-ratio=N" in _text(f)
        ),
    ),
    (
        "zip_bomb_total_size",
        lambda d: _zip(
            d / "p.zip", [HANDLER] + [(f"b{i}.bin", bytes(range(256)) * 8192) for i in range(4)]
        ),
        limits.Limits(max_archive_bytes=4 * MB),
        lambda f: "exceeds the max-archive-bytes limit (4MB)" in _text(f),
    ),
    (
        "zip_too_many_members",
        lambda d: _zip(d / "p.zip", [HANDLER] + [(f"m{i}.txt", b"x") for i in range(300)]),
        limits.Limits(max_archive_members=100),
        lambda f: "exceeds the max-archive-members limit (100)" in _text(f),
    ),
    (
        "zip_slip",
        lambda d: _zip(d / "p.zip", [HANDLER, ("../../evil.py", b"x = 1\n")]),
        DEFAULT,
        lambda f: f["issues"] == [["unsafe-path", "../../evil.py"]],
    ),
    (
        "zip_absolute_path",
        lambda d: _zip(d / "p.zip", [HANDLER, ("/etc/cron.d/evil", b"* * * * * root x\n")]),
        DEFAULT,
        lambda f: f["issues"] == [["unsafe-path", "/etc/cron.d/evil"]],
    ),
    (
        "zip_symlink_out",
        lambda d: _zip(d / "p.zip", [HANDLER, _link("shadow", "/etc/shadow")]),
        DEFAULT,
        lambda f: f["issues"] == [["link-escapes", "shadow"]],
    ),
    (
        "zip_symlink_up",
        lambda d: _zip(d / "p.zip", [HANDLER, _link("up", "../../../root")]),
        DEFAULT,
        lambda f: f["issues"] == [["link-escapes", "up"]],
    ),
    (
        "zip_truncated",
        lambda d: _truncated(_zip(d / "p.zip", [HANDLER, ("b.bin", bytes(range(256)) * 100)])),
        DEFAULT,
        lambda f: "truncated or damaged zip archive" in _text(f),
    ),
    (
        "zip_not_a_zip",
        lambda d: _write(d / "p.zip", b"PK\x03\x04 but nothing else"),
        DEFAULT,
        lambda f: "zip" in _text(f) and f["files"] == 0,
    ),
    (
        "zip_duplicate_members",
        lambda d: _zip(d / "p.zip", [HANDLER, HANDLER, ("handler.py", b"import os\n")]),
        DEFAULT,
        lambda f: f["files"] >= 1,
    ),
    (
        "image_layer_path_escapes",
        lambda d: _image(d / "i.tar", "../../evil-layer.tar", _tar([HANDLER])),
        DEFAULT,
        # the layer is looked up as a member of the image archive, never as a path on disk
        lambda f: f["files"] == 1 and not f["errors"] and not f["gaps"],
    ),
    (
        "image_layer_members_escape",
        lambda d: _image(
            d / "i.tar",
            "layer.tar",
            _tar(
                [("../../../tmp/evil", b"x"), ("/etc/passwd", b"x"), ("var/task/l", "/etc/shadow")]
            ),
        ),
        DEFAULT,
        # absolute links are ordinary inside an image's file system; escaping names are not
        lambda f: (
            f["issues"] == [["unsafe-path", "../../../tmp/evil"], ["unsafe-path", "/etc/passwd"]]
        ),
    ),
    (
        "image_manifest_not_json",
        lambda d: _write(d / "i.tar", _tar([("manifest.json", b"{nope")])),
        DEFAULT,
        lambda f: bool(f["errors"]) or "manifest" in _text(f),
    ),
]


def _truncated(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "bound", "expect"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_archive(
    tmp_path: Path,
    request: pytest.FixtureRequest,
    make: Callable[[Path], Path],
    bound: limits.Limits,
    expect: Callable[[dict[str, Any]], bool],
) -> None:
    box = tmp_path / "box" / "deep" / "er"
    box.mkdir(parents=True)
    archive = make(box)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    facts = _read(archive, bound, request.node.name)
    assert expect(facts), facts
    assert (
        sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    )  # nothing extracted
