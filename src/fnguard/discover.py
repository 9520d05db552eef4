"""Find the files of each source format under the paths a user asked to scan.

The walk never follows symbolic links to folders (no loops, no escaping the tree), skips
tool caches (.terraform, .git, node_modules, virtualenvs), and records every folder or file it
cannot open as a gap: an unreadable source is never silently treated as an empty one.

Before a collector sees a file: only regular files are offered (a FIFO would block the read,
``/dev/zero`` behind a symlink would never end), and a claimed file larger than the
``max-file-bytes`` limit is a gap naming the limit instead of a read.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fnguard import limits
from fnguard.model import CollectionGap, Location

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.collect import Collector

__all__ = ["Discovery", "discover"]

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        ".terragrunt-cache",
        ".serverless",
        ".aws-sam",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".bench",
    }
)


@dataclass(frozen=True)
class Discovery:
    """Files claimed by each collector under one scan root, and what could not be opened."""

    root: Path
    claimed: dict[str, list[Path]] = field(default_factory=dict)  # collector name -> files
    gaps: tuple[CollectionGap, ...] = ()

    @property
    def file_count(self) -> int:
        return sum(len(paths) for paths in self.claimed.values())


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


def discover(target: Path, collectors: Sequence[Collector]) -> Discovery:
    """Walk ``target`` (a folder or one file) and hand each file to the first collector
    that claims it."""
    root = target if target.is_dir() else target.parent
    claimed: dict[str, list[Path]] = {}
    gaps: list[CollectionGap] = []

    max_bytes = limits.active().max_file_bytes

    def offer(path: Path) -> None:
        try:
            info = os.stat(path)  # noqa: PTH116 - one syscall, following links like open()
        except OSError:
            info = None  # a dangling link: the collector that claims it reports the failure
        if info is not None and not stat.S_ISREG(info.st_mode):
            if not stat.S_ISDIR(info.st_mode):
                gaps.append(
                    CollectionGap(
                        Location(_relative(path, root)),
                        "not a regular file (a device, FIFO or socket): not read",
                        field="file",
                    )
                )
            return
        for collector in collectors:
            try:
                taken = collector.claims(path)
            except OSError as exc:
                gaps.append(
                    CollectionGap(
                        Location(_relative(path, root)),
                        f"cannot read file: {exc.strerror or exc}",
                        field="file",
                    )
                )
                return
            if taken:
                if info is not None and info.st_size > max_bytes:
                    size = f"{info.st_size:,} bytes"
                    gaps.append(
                        limits.limit_gap(
                            Location(_relative(path, root)), "max_file_bytes", f"file of {size}"
                        )
                    )
                    return
                claimed.setdefault(collector.name, []).append(path)
                return

    if target.is_file():
        offer(target)
        return Discovery(root, claimed, tuple(gaps))

    def on_error(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        gaps.append(
            CollectionGap(
                Location(_relative(where, root)),
                f"cannot read folder: {exc.strerror or exc}",
                field="file",
            )
        )

    for folder, dirnames, filenames in os.walk(target, onerror=on_error, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        base = Path(folder)
        for name in sorted(filenames):
            offer(base / name)
    return Discovery(root, claimed, tuple(gaps))
