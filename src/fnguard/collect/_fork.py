"""Independent files collected by this process and one forked child.

CloudFormation templates and serverless.yml services are collected file by file, each on its
own (pure Python, so threads would not help). With a second CPU, ``fnguard._fork.share`` lets
a forked child take files from the other end of the list and send back each file's pickled
inventory.

Errors stay exactly those of an in-process scan: ``share`` collects a file that raised, in
either process, again here in file order once the others are done, so the first broken file
in order raises its own error, as it would have without the child; a child that fails or dies
leaves its files to this process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard import _fork
from fnguard.collect._batch import collect_each, gc_paused
from fnguard.model import Inventory

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

__all__ = ["collect_shared"]

# Fewer files than this are not worth a fork (~10 ms with a large heap).
MIN_FILES = 4


def collect_shared(
    paths: Sequence[Path],
    root: Path,
    one: Callable[[Path, str, str], Inventory],
    min_files: int | None = None,
) -> Inventory:
    """``collect_each(paths, root, one)``, the files shared with a forked child when it helps."""
    jobs: list[tuple[Path, str, str]] = []

    def listed(path: Path, rel: str, prefix: str) -> Inventory:
        jobs.append((path, rel, prefix))
        return Inventory()

    collect_each(paths, root, listed)  # the same names and prefixes, in the same order
    if len(jobs) < (MIN_FILES if min_files is None else min_files) or not _fork.can_fork():
        return collect_each(paths, root, one)

    def ignore(_: int) -> None:
        return None

    with gc_paused():
        done = _fork.share(len(jobs), lambda i: one(*jobs[i]), ignore)
    return Inventory.combine(done)
