"""The artifact reader: folders and zips member by member, limits, unsafe names, damage."""

from __future__ import annotations

import os
import zipfile
from typing import TYPE_CHECKING

import pytest
from package.pkgkit import EM_AARCH64, Item, corrupt_crc, elf, write_zip

from fnguard import limits
from fnguard.artifact import code_sha256, open_artifact, sha256_file
from fnguard.errors import InputError
from fnguard.model import ArtifactKind

if TYPE_CHECKING:
    from pathlib import Path


def _names(path: Path) -> list[str]:
    artifact = open_artifact(path)
    try:
        return [e.member.name for e in artifact.walk()]
    finally:
        artifact.close()


def test_folder_lists_links_without_following_and_never_opens_fifos(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "lib").mkdir(parents=True)
    (root / "app.py").write_text("x = 1\n")
    (root / "lib" / "real.so").write_bytes(b"\x7fELF....")
    (root / "escape").symlink_to("/etc")  # a link to a folder is listed, not walked into
    os.mkfifo(root / "pipe")
    artifact = open_artifact(root)
    entries = {e.member.name: e for e in artifact.walk()}
    assert artifact.kind is ArtifactKind.FOLDER
    assert sorted(entries) == ["app.py", "escape", "lib/real.so", "pipe"]
    assert entries["escape"].member.link_target == "/etc" and entries["escape"].read() == b""
    assert entries["pipe"].member.is_special and entries["pipe"].read() == b""
    assert entries["app.py"].read() == b"x = 1\n"
    assert artifact.problems == []


def test_folder_read_refuses_links_and_names_leaving_it(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "secret").write_text("s")
    (tmp_path / "pkg" / "link").symlink_to(tmp_path / "secret")
    artifact = open_artifact(tmp_path / "pkg")
    with pytest.raises(InputError, match="links are not followed"):
        artifact.read("link")
    with pytest.raises(InputError, match="leaves the folder"):
        artifact.read("../secret")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "key.pem").write_text("k")
    (tmp_path / "pkg" / "dir").symlink_to(tmp_path / "outside")
    with pytest.raises(InputError, match="links are not followed"):
        artifact.read("dir/key.pem")


def test_zip_members_modes_links_and_streaming_reads(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "fn.zip",
        [
            Item("app.py", b"print(1)\n"),
            Item("bin/tool", b"#!/bin/sh\n", 0o104755),
            Item("ln", link="../outside"),
        ],
    )
    artifact = open_artifact(path)
    entries = {e.member.name: e for e in artifact.walk()}
    assert artifact.kind is ArtifactKind.ZIP
    assert entries["bin/tool"].member.mode == 0o104755
    assert entries["ln"].member.link_target == "../outside"
    assert b"".join(entries["app.py"].chunks(4)) == b"print(1)\n"
    assert artifact.read("app.py", 5) == b"print"


def test_zip_crc_mismatch_raises_on_read(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "fn.zip", [Item("a.txt", b"hello world")], compress=zipfile.ZIP_STORED
    )
    corrupt_crc(path, "a.txt")
    artifact = open_artifact(path)
    [entry] = list(artifact.walk())
    with pytest.raises(InputError, match="Bad CRC-32"):
        entry.read()


def test_truncated_zip_is_named_as_such(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fn.zip", [Item("a.txt", b"x" * 5000)])
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(InputError, match="truncated or damaged zip archive"):
        open_artifact(path)
    (tmp_path / "plain.zip").write_text("not a zip")
    with pytest.raises(InputError, match="expected a zip archive"):
        open_artifact(tmp_path / "plain.zip")


def test_member_limit_stops_the_walk_and_says_which_limit(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fn.zip", [Item(f"f{i}.txt", b"x") for i in range(5)])
    with limits.use(limits.Limits(max_archive_members=3)):
        artifact = open_artifact(path)
        assert _names_of(artifact) == ["f0.txt", "f1.txt", "f2.txt"]
    [problem] = artifact.problems
    assert problem.limit == "max_archive_members"
    assert "--limit max-archive-members=N" in problem.message


def _names_of(artifact: object) -> list[str]:
    return [e.member.name for e in artifact.walk()]  # type: ignore[attr-defined]


def test_expanded_size_limit(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fn.zip", [Item("a", b"x" * 600), Item("b", b"y" * 600)])
    with limits.use(limits.Limits(max_archive_bytes=1000)):
        artifact = open_artifact(path)
        assert _names_of(artifact) == ["a"]
    assert [p.limit for p in artifact.problems] == ["max_archive_bytes"]


def test_ratio_limit_skips_the_bomb_only(tmp_path: Path) -> None:
    bomb = b"\0" * (3 * 1024 * 1024)
    path = write_zip(tmp_path / "fn.zip", [Item("bomb.bin", bomb), Item("ok.py", b"x = 1\n")])
    artifact = open_artifact(path)
    assert _names_of(artifact) == ["ok.py"]
    [problem] = artifact.problems
    assert problem.limit == "max_archive_ratio" and "bomb.bin" in problem.message
    with limits.use(limits.Limits(max_archive_ratio=100_000)):
        assert _names_of(open_artifact(path)) == ["bomb.bin", "ok.py"]


def test_small_members_are_never_ratio_bombs(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fn.zip", [Item("zeros", b"\0" * 500_000)])
    artifact = open_artifact(path)
    assert _names_of(artifact) == ["zeros"] and artifact.problems == []


def test_unsafe_names_are_listed_as_written(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fn.zip", [Item("../../evil.py", b"x"), Item("/abs.py", b"y")])
    assert _names(path) == ["../../evil.py", "/abs.py"]


def test_hash_forms(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fn.zip", [Item("a.so", elf(EM_AARCH64))])
    digest = sha256_file(path)
    assert len(digest) == 64
    assert code_sha256("00" * 32) == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
