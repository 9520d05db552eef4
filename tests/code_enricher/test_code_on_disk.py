"""The code stage skips a code path below a folder that is not there; whatever the path and
the tree hold (files posing as folders, links, "..", odd parts, absolute paths), the answer
is the one ``_code_path(fn, root).exists()`` gives."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from fnguard.code import _code_path, _OnDisk, _site
from fnguard.model import Function, Location, PackageRef, PackageType, Provider


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "src" / "fn").mkdir(parents=True)
    (tmp_path / "src" / "fn" / "handler.py").write_text("x = 1\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "fn.zip").write_bytes(b"PK")
    (tmp_path / "a-file").write_text("not a folder\n")
    (tmp_path / "to-src").symlink_to(tmp_path / "src")
    (tmp_path / "to-nowhere").symlink_to(tmp_path / "gone")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    return tmp_path


_NAMES = ["src", "fn", "handler.py", "build", "fn.zip", "a-file", "to-src", "to-nowhere"]
_NAMES += ["loop", "..", ".", "", "missing"]


def _raws(tree: Path) -> list[str]:
    found = []
    for depth in (1, 2, 3):
        for parts in itertools.product(_NAMES, repeat=depth):
            raw = "/".join(parts)
            found.extend((raw, f"{raw}/", f"./{raw}", f"{tree}/{raw}"))
    return found


def _fn(raw: str, field: str, kind: PackageType = PackageType.ZIP) -> Function:
    return Function(
        address="f",
        provider=Provider.AWS,
        location=Location("t.yaml", 1),
        runtime="python3.12",
        handler="app.handler",
        package=PackageRef(**{field: raw}),
        package_type=kind,
    )


def _there(fn: Function, root: Path | None) -> bool:
    path = _code_path(fn, root)
    return path is not None and path.exists()


@pytest.mark.parametrize("where", ["absolute", "relative", "here", "none"])
def test_every_code_path_is_answered_as_exists_answers(
    tree: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root: Path | None = tree
    if where == "relative":
        monkeypatch.chdir(tree.parent)
        root = Path(tree.name)
    elif where == "here":
        monkeypatch.chdir(tree)
        root = Path()
    elif where == "none":
        monkeypatch.chdir(tree)
        root = None
    on_disk = _OnDisk(root)
    sites: dict[Path, object] = {}
    for raw, field in itertools.product(_raws(tree), ("source_dir", "path")):
        fn = _fn(raw, field)
        site = _site(fn, root, on_disk, sites)  # type: ignore[arg-type]
        assert (site is not None) == _there(fn, root), raw
    image = _fn("src/fn", "source_dir", PackageType.IMAGE)
    assert _site(image, root, on_disk, sites) is None  # type: ignore[arg-type]


def test_paths_below_a_missing_folder_cost_no_question(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    real_stat = os.stat

    def counting(path: str, *args: object, **kwargs: object) -> os.stat_result:
        asked.append(str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    on_disk = _OnDisk(tree)
    sites: dict[Path, object] = {}
    monkeypatch.setattr(os, "stat", counting)
    for n in range(200):
        fn = _fn(f"service/src/fn_{n}/handler.py", "source_dir")
        assert _site(fn, tree, on_disk, sites) is None  # type: ignore[arg-type]
    # the missing service folder and the folders above it, each once: nothing per function
    assert len(asked) == len(set(asked))
    assert all(f"{tree}/service".startswith(folder) for folder in asked)


def test_a_folder_that_cannot_be_read_is_not_taken_for_missing(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_stat = os.stat
    locked = str(tree / "src")

    def refusing(path: str, *args: object, **kwargs: object) -> os.stat_result:
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", refusing)
    fn = _fn("src/fn", "source_dir")
    assert _site(fn, tree, _OnDisk(tree), {}) is not None  # asked about, and there
