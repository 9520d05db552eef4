"""The locator skips asking about a candidate below a folder that is not there; whatever the
tree holds (files posing as folders, links, "..", unreadable folders), the answer is the one a
plain ``lstat`` of the candidate gives."""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING

import pytest

from fnguard.collect.package._locate import _Folders, _present

if TYPE_CHECKING:
    from pathlib import Path


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
    locked = tmp_path / "locked"
    (locked / "inner").mkdir(parents=True)
    (locked / "inner" / "f").write_text("")
    return tmp_path


_NAMES = [
    "src",
    "fn",
    "handler.py",
    "build",
    "fn.zip",
    "a-file",
    "to-src",
    "to-nowhere",
    "loop",
    "locked",
    "inner",
    "f",
    "..",
    "missing",
    "dist",
]


def _candidates(base: str) -> list[str]:
    found = []
    for depth in (1, 2, 3):
        for parts in itertools.product(_NAMES, repeat=depth):
            found.append("/".join((base, *parts)))
    return found


@pytest.mark.parametrize("relative", [False, True])
def test_every_candidate_is_answered_as_lstat_answers(
    tree: Path, relative: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = str(tree)
    if relative:
        monkeypatch.chdir(tree.parent)
        base = tree.name
    folders = _Folders()
    for candidate in _candidates(base):
        assert folders.present(candidate) == _present(candidate), candidate


def test_a_folder_that_cannot_be_read_is_not_taken_for_missing(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # stat refused (as for a folder without search permission, which root would not see):
    # the locator must not decide from that, and asks for the candidate itself
    import fnguard.collect.package._locate as locate

    real_stat = os.stat
    locked = str(tree / "locked")

    def refusing(path: str, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).startswith(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(locate.os, "stat", refusing)
    folders = _Folders()
    for candidate in _candidates(locked):
        assert folders.present(candidate) == _present(candidate), candidate
    assert folders.present(f"{locked}/inner/f")  # there, and found by asking for it


def test_candidates_below_a_missing_folder_cost_no_question(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fnguard.collect.package._locate as locate

    asked: list[str] = []
    real_present = locate._present

    def counting(path: str) -> bool:
        asked.append(path)
        return real_present(path)

    monkeypatch.setattr(locate, "_present", counting)
    folders = _Folders()
    for n in range(200):
        assert not folders.present(f"{tree}/dist/fn_{n}.zip")
        assert not folders.present(f"{tree}/src/fn_{n}/handler.js")
    assert asked == []
    assert folders.present(f"{tree}/build/fn.zip")
    assert asked == [f"{tree}/build/fn.zip"]
