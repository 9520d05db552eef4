"""Container images: OCI layout folder, OCI archive, docker save; whiteouts; hostile layers."""

from __future__ import annotations

import json
import tarfile
from typing import TYPE_CHECKING

import pytest
from package.pkgkit import (
    EM_AARCH64,
    Image,
    LayerFile,
    NullInspector,
    docker_save,
    elf,
    oci_archive,
    oci_layout,
)

from fnguard import limits
from fnguard.artifact import open_artifact
from fnguard.collect.package import PackageEnricher
from fnguard.errors import InputError
from fnguard.model import (
    ArtifactKind,
    ElfFile,
    FileIssue,
    FileIssueKind,
    Function,
    Inventory,
    Location,
    PackageRef,
    PackageType,
    Provider,
)

if TYPE_CHECKING:
    from pathlib import Path

BASE = [
    LayerFile("var/", kind=tarfile.DIRTYPE, mode=0o755),
    LayerFile("var/task/app.py", b"print('v1')\n"),
    LayerFile("var/task/old.py", b"old\n"),
    LayerFile("var/task/cache/a.bin", b"a"),
    LayerFile("var/task/cache/b.bin", b"b"),
    LayerFile("opt/lib/native.so", elf(EM_AARCH64, ("2.34",))),
    LayerFile("usr/bin/tool", b"#!/bin/sh\n", 0o4755),
]
TOP = [
    LayerFile("var/task/app.py", b"print('v2')\n"),  # replaces the lower file
    LayerFile("var/task/.wh.old.py"),  # deletes old.py
    LayerFile("var/task/cache/.wh..wh..opq"),  # hides the lower cache/ content
    LayerFile("var/task/cache/c.bin", b"c"),  # kept: same layer as the opaque marker
    LayerFile("lib/libc.so", kind=tarfile.SYMTYPE, link="/usr/lib/libc.so.6"),
]
EXPECTED = {
    "var/task/app.py": b"print('v2')\n",
    "var/task/cache/c.bin": b"c",
    "lib/libc.so": b"",
    "opt/lib/native.so": None,
    "usr/bin/tool": b"#!/bin/sh\n",
}


def _contents(path: Path) -> dict[str, bytes]:
    artifact = open_artifact(path)
    try:
        assert artifact.kind is ArtifactKind.IMAGE
        found = {e.member.name: e.read() for e in artifact.walk()}
        assert artifact.problems == []
        return found
    finally:
        artifact.close()


@pytest.mark.parametrize("build", [oci_layout, oci_archive, docker_save])
def test_layers_merge_with_whiteouts_and_opaque_folders(tmp_path: Path, build: object) -> None:
    target = tmp_path / ("image" if build is oci_layout else "image.tar")
    if build is oci_layout:
        target.mkdir()
    build(target, Image([BASE, TOP]))  # type: ignore[operator]
    found = _contents(target)
    assert sorted(found) == sorted(EXPECTED)
    assert {k: v for k, v in found.items() if EXPECTED[k] is not None} == {
        k: v for k, v in EXPECTED.items() if v is not None
    }


def test_image_package_for_an_image_function(tmp_path: Path) -> None:
    docker_save(tmp_path / "fn.tar", Image([BASE, TOP]))
    fn = Function(
        "aws_lambda_function.img",
        Provider.AWS,
        Location("main.tf", 1),
        package_type=PackageType.IMAGE,
        runtime=None,
        package=PackageRef(image_uri="docker-archive:fn.tar:fn:latest"),
    )
    out = PackageEnricher(NullInspector()).enrich(Inventory(functions=(fn,)), tmp_path)
    [package] = out.packages
    assert package.kind is ArtifactKind.IMAGE and package.path == "fn.tar"
    assert package.file_count == 5 and package.functions == (fn.address,)
    assert package.elf_files == (ElfFile("opt/lib/native.so", "arm64", (2, 34)),)
    # An absolute link is inside the image's own root: not an escape. The setuid tool is.
    assert package.file_issues == (FileIssue("usr/bin/tool", FileIssueKind.SETUID, "mode 4755"),)
    assert out.gaps == () and package.errors == ()


def test_registry_image_is_not_looked_for_but_a_missing_archive_is_a_gap(tmp_path: Path) -> None:
    remote = Function(
        "R",
        Provider.AWS,
        Location("main.tf", 1),
        package_type=PackageType.IMAGE,
        package=PackageRef(image_uri="1.dkr.ecr.eu-west-1.amazonaws.com/app:1"),
    )
    local = Function(
        "L",
        Provider.AWS,
        Location("main.tf", 5),
        package_type=PackageType.IMAGE,
        package=PackageRef(image_uri="oci-archive:build/app.tar"),
    )
    out = PackageEnricher(NullInspector()).enrich(Inventory(functions=(remote, local)), tmp_path)
    assert out.packages == ()
    [gap] = out.gaps
    assert gap.resource == "L" and "build/app.tar" in gap.reason


def test_malicious_layer_paths_are_recorded_not_followed(tmp_path: Path) -> None:
    evil = [
        LayerFile("../../../etc/cron.d/evil", b"* * * * * root sh\n"),
        LayerFile("var/task/out", kind=tarfile.SYMTYPE, link="../../../../../etc/shadow"),
        LayerFile("dev/null", kind=tarfile.CHRTYPE),
    ]
    archive = docker_save(tmp_path / "fn.tar", Image([evil]))
    fn = Function(
        "F",
        Provider.AWS,
        Location("main.tf", 1),
        package_type=PackageType.IMAGE,
        package=PackageRef(image_uri=str(archive)),
    )
    [package] = (
        PackageEnricher(NullInspector()).enrich(Inventory(functions=(fn,)), tmp_path).packages
    )
    kinds = {(i.path, i.kind) for i in package.file_issues}
    assert kinds == {
        ("../../../etc/cron.d/evil", FileIssueKind.UNSAFE_PATH),
        ("var/task/out", FileIssueKind.LINK_ESCAPES),
        ("dev/null", FileIssueKind.SPECIAL),
    }
    assert not (tmp_path.parent / "etc").exists()


def test_hostile_index_digest_is_refused(tmp_path: Path) -> None:
    layout = tmp_path / "image"
    layout.mkdir()
    oci_layout(layout, Image([BASE]))
    (layout / "index.json").write_text(
        '{"manifests": [{"digest": "sha256:../../../../etc/passwd"}]}'
    )
    with pytest.raises(InputError, match="invalid blob digest"):
        open_artifact(layout)


def test_truncated_layer_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    layout = tmp_path / "image"
    layout.mkdir()
    oci_layout(layout, Image([BASE, TOP], gzip_layers=True))
    blobs = layout / "blobs" / "sha256"
    index = json.loads((layout / "index.json").read_text())
    manifest = json.loads((blobs / index["manifests"][0]["digest"][7:]).read_text())
    base = blobs / manifest["layers"][0]["digest"][7:]
    base.write_bytes(base.read_bytes()[:200])
    artifact = open_artifact(layout)
    names = [e.member.name for e in artifact.walk()]
    assert "var/task/app.py" in names  # the top layer still read
    [problem] = artifact.problems
    assert "layer 1" in problem.message and problem.limit is None
    assert "truncated or corrupt layer" in problem.message


def test_tampered_layer_fails_its_digest(tmp_path: Path) -> None:
    layout = tmp_path / "image"
    layout.mkdir()
    oci_layout(layout, Image([BASE], gzip_layers=False))
    blobs = layout / "blobs" / "sha256"
    index = json.loads((layout / "index.json").read_text())
    manifest = json.loads((blobs / index["manifests"][0]["digest"][7:]).read_text())
    layer = blobs / manifest["layers"][0]["digest"][7:]
    raw = layer.read_bytes()
    at = raw.index(b"print('v1')")
    layer.write_bytes(raw[:at] + b"print('v9')" + raw[at + 11 :])
    artifact = open_artifact(layout)
    contents = {e.member.name: e.read() for e in artifact.walk()}
    assert contents["var/task/app.py"] == b"print('v9')\n"
    [problem] = artifact.problems
    assert "does not match its sha256 digest" in problem.message


def test_layer_ratio_limit(tmp_path: Path) -> None:
    zeros = [LayerFile("big.bin", b"\0" * (4 * 1024 * 1024))]
    layout = tmp_path / "image"
    layout.mkdir()
    oci_layout(layout, Image([zeros], gzip_layers=True))
    artifact = open_artifact(layout)
    with limits.use(limits.Limits(max_archive_ratio=10)):
        assert [e.member.name for e in artifact.walk()] == []
    [problem] = artifact.problems
    assert problem.limit == "max_archive_ratio"


def test_not_an_image_tar(tmp_path: Path) -> None:
    path = tmp_path / "plain.tar"
    with tarfile.open(path, "w") as tar:
        tar.add(__file__, arcname="x.py")
    with pytest.raises(InputError, match="not a container image"):
        open_artifact(path)
