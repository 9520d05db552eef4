"""Folder packages are sources: links inside the scanned tree are read as what they point to."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from fnguard.artifact import open_artifact, source_tree

if TYPE_CHECKING:
    from pathlib import Path


def _tree(tmp_path: Path) -> Path:
    shared = tmp_path / "shared" / "src"
    shared.mkdir(parents=True)
    (shared / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    service = tmp_path / "service"
    service.mkdir()
    (service / "src").symlink_to("../shared/src")
    (service / "loop").symlink_to(".")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text("not yours")
    (service / "away").symlink_to(outside)
    return service


def test_links_inside_the_tree_are_followed_once_and_links_out_stay_links(
    tmp_path: Path,
) -> None:
    service = _tree(tmp_path)
    artifact = open_artifact(service, follow_within=tmp_path)
    members = {m.name: m for m in artifact.members()}
    assert "src/handler.py" in members and not members["src/handler.py"].is_link
    assert artifact.read("src/handler.py").startswith(b"def handler")
    assert members["away"].is_link  # out of the tree: listed, never read through
    assert not any(name.startswith("away/") for name in members)
    assert sum(name.endswith("handler.py") for name in members) <= 2  # the loop ends
    # Every reader of the artifact (each analyser) sees the same listing.
    assert {m.name for m in artifact.members()} == set(members)


def test_without_a_tree_nothing_is_followed(tmp_path: Path) -> None:
    service = _tree(tmp_path)
    members = {m.name: m for m in open_artifact(service).members()}
    assert members["src"].is_link and "src/handler.py" not in members


def test_the_tree_is_the_repository_holding_the_scanned_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    assert source_tree(inner) == tmp_path.resolve()
    assert source_tree(None) is None
    assert os.fspath(source_tree(tmp_path / "a")) == os.fspath(tmp_path.resolve())


def test_a_folder_is_listed_once_when_read_to_the_end(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a = 1\n")
    artifact = open_artifact(tmp_path)
    first = [m.name for m in artifact.members()]
    (tmp_path / "b.py").write_text("b = 1\n")  # after the listing: one scan, one listing
    assert [m.name for m in artifact.members()] == first == ["a.py"]
    assert [e.member.name for e in artifact.walk()] == first


def test_a_listing_stopped_early_is_not_kept(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a = 1\n")
    (tmp_path / "c.py").write_text("c = 1\n")
    artifact = open_artifact(tmp_path)
    assert next(iter(artifact.members())).name == "a.py"
    (tmp_path / "b.py").write_text("b = 1\n")
    assert [m.name for m in artifact.members()] == ["a.py", "b.py", "c.py"]


def test_a_folder_over_the_member_limit_is_listed_afresh_each_time(tmp_path: Path) -> None:
    from fnguard import limits

    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text("x = 1\n")
    with limits.use(limits.Limits(max_archive_members=2)):
        artifact = open_artifact(tmp_path)
        assert len(list(artifact.members())) == 3  # members() lists all; walk() stops
        (tmp_path / "d.py").write_text("x = 1\n")
        assert len(list(artifact.members())) == 4
