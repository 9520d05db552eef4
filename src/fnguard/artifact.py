"""Read a deployment artifact (folder, zip, container image) member by member, never extracting.

Package rules and handler analysis see one shape whatever the artifact is: a list of members
with their modes and link targets, and a way to read one member's bytes. Everything is read
from the archive in place, so a hostile archive cannot write to disk through fnguard.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fnguard.errors import InputError
from fnguard.model import ArtifactKind

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["Artifact", "Member", "open_artifact"]


@dataclass(frozen=True)
class Member:
    """One file of an artifact. ``name`` uses '/' and is relative to the artifact root."""

    name: str
    size: int  # uncompressed bytes
    mode: int = 0o644  # permission and type bits as the archive records them (0 when absent)
    link_target: str | None = None  # for symlinks

    @property
    def is_link(self) -> bool:
        return self.link_target is not None


class Artifact(Protocol):
    """An opened artifact. ``read`` raises ``InputError`` for a member that cannot be read."""

    path: Path
    kind: ArtifactKind

    def members(self) -> Iterator[Member]: ...

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The member's bytes (at most ``limit`` of them)."""
        ...

    def close(self) -> None: ...


class _Folder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = ArtifactKind.FOLDER

    def members(self) -> Iterator[Member]:
        for item in sorted(self.path.rglob("*")):
            info = item.lstat()
            name = item.relative_to(self.path).as_posix()
            if stat.S_ISLNK(info.st_mode):
                yield Member(name, 0, info.st_mode, str(item.readlink()))
            elif stat.S_ISREG(info.st_mode):
                yield Member(name, info.st_size, info.st_mode)

    def read(self, name: str, limit: int | None = None) -> bytes:
        target = self.path / name
        try:
            with target.open("rb") as handle:
                return handle.read(-1 if limit is None else limit)
        except OSError as exc:
            raise InputError(str(target), 0, f"cannot read ({exc.strerror})") from exc

    def close(self) -> None:
        return None


class _Zip:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = ArtifactKind.ZIP
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise InputError(str(path), 0, f"expected a zip archive ({exc})") from exc

    def members(self) -> Iterator[Member]:
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            mode = info.external_attr >> 16
            target = None
            if stat.S_ISLNK(mode):
                target = self._zip.read(info).decode("utf-8", "replace")
            yield Member(info.filename, info.file_size, mode, target)

    def read(self, name: str, limit: int | None = None) -> bytes:
        try:
            with self._zip.open(name) as handle:
                return handle.read(-1 if limit is None else limit)
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise InputError(str(self.path), 0, f"cannot read member {name!r} ({exc})") from exc

    def close(self) -> None:
        self._zip.close()


def open_artifact(path: Path) -> Artifact:
    """Open a folder or zip archive (container images: see the package collector)."""
    if path.is_dir():
        return _Folder(path)
    if not path.exists():
        raise InputError(str(path), 0, "no such file or folder")
    return _Zip(path)
