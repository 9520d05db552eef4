import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from fnguard.collect import Collector
from fnguard.discover import discover
from fnguard.model import Inventory


class SuffixCollector(Collector):
    def __init__(self, name: str, suffix: str) -> None:
        self.name = name
        self.suffix = suffix

    def claims(self, path: Path) -> bool:
        return path.name.endswith(self.suffix)

    def collect(self, paths: Sequence[Path], root: Path) -> Inventory:
        return Inventory(sources=tuple(p.relative_to(root).as_posix() for p in paths))


def test_files_go_to_the_collector_that_claims_them(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text("")
    (tmp_path / "b.tf").write_text("")
    (tmp_path / "readme.md").write_text("")
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "cached.tf").write_text("")
    found = discover(tmp_path, [SuffixCollector("terraform", ".tf")])
    assert found.claimed == {"terraform": [tmp_path / "b.tf", tmp_path / "a" / "main.tf"]}
    assert found.gaps == ()


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "x.tf").write_text("")
    os.symlink(tmp_path, tmp_path / "m" / "loop")
    found = discover(tmp_path, [SuffixCollector("terraform", ".tf")])
    assert found.claimed == {"terraform": [tmp_path / "m" / "x.tf"]}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_unreadable_folder_is_a_gap(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        found = discover(tmp_path, [SuffixCollector("terraform", ".tf")])
    finally:
        locked.chmod(0o755)
    assert [g.field for g in found.gaps] == ["file"]
    assert "cannot read folder" in found.gaps[0].reason


def test_single_file_target(tmp_path: Path) -> None:
    path = tmp_path / "only.tf"
    path.write_text("")
    found = discover(path, [SuffixCollector("terraform", ".tf")])
    assert found.root == tmp_path
    assert found.claimed == {"terraform": [path]}
