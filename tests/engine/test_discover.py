import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from unprivileged import permission_honouring_prefix

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


def test_unreadable_folder_is_a_gap(tmp_path: Path) -> None:
    prefix = permission_honouring_prefix()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    (tmp_path / "ok.tf").write_text("")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.tf").write_text("")
    locked.chmod(0)
    code = (
        "import sys, pathlib; from fnguard.discover import discover; "
        "from test_discover import SuffixCollector; "
        "d = discover(pathlib.Path(sys.argv[1]), [SuffixCollector('terraform', '.tf')]); "
        "print(len(d.claimed['terraform'])); print(d.gaps[0].location.file, d.gaps[0].field); "
        "print(d.gaps[0].reason)"
    )
    here = Path(__file__).parent
    env = {**os.environ, "PYTHONPATH": f"{here}{os.pathsep}{here.parent}"}
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", code, str(tmp_path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        locked.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["1", "locked file", "cannot read folder: Permission denied"]


def test_single_file_target(tmp_path: Path) -> None:
    path = tmp_path / "only.tf"
    path.write_text("")
    found = discover(path, [SuffixCollector("terraform", ".tf")])
    assert found.root == tmp_path
    assert found.claimed == {"terraform": [path]}
