"""An S3 key counts as a local package only when a regular file is there: tried against the
scan root, then the declaring file's folder, by string, as pathlib would spell the paths."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

import pytest

from fnguard.collect.package import locate
from fnguard.collect.package._locate import _candidates
from fnguard.model import Function, Inventory, Location, PackageRef, Provider

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "svc" / "build").mkdir(parents=True)
    (tmp_path / "svc" / "build" / "f.zip").write_bytes(b"PK")
    (tmp_path / "root.zip").write_bytes(b"PK")
    (tmp_path / "svc" / "beside.zip").write_bytes(b"PK")
    (tmp_path / "svc" / "a-folder.zip").mkdir()
    (tmp_path / "svc" / "link.zip").symlink_to(tmp_path / "root.zip")
    (tmp_path / "svc" / "dangling.zip").symlink_to(tmp_path / "gone.zip")
    (tmp_path / "a-file").write_text("not a folder\n")
    return tmp_path


_KEYS = [
    "root.zip",
    "beside.zip",
    "build/f.zip",
    "./build/f.zip",
    "build//f.zip",
    "a-folder.zip",
    "link.zip",
    "dangling.zip",
    "missing/f.zip",
    "a-file/f.zip",
    "../root.zip",
    "svc/beside.zip",
]


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


@pytest.mark.parametrize("key", _KEYS)
def test_an_s3_key_is_found_where_pathlib_finds_it(tree: Path, key: str) -> None:
    where = Location("svc/template.yaml", 3)
    fn = Function(
        address="fn",
        provider=Provider.AWS,
        location=where,
        runtime="python3.12",
        package=PackageRef(s3_bucket="b", s3_key=key),
    )
    targets, gaps = locate(Inventory(functions=(fn,)), tree)
    expected = next((c for c in _candidates(key, where, tree) if _regular(c)), None)
    assert [t.path for t in targets] == ([expected] if expected is not None else [])
    assert gaps == []  # an S3 object not built locally is not a missing package
