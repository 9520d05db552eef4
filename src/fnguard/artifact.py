"""Read a deployment artifact (folder, zip, container image) member by member, never extracting.

Package rules and handler analysis see one shape whatever the artifact is: a list of members
with their modes and link targets, and a way to read one member's bytes. Everything is read
from the archive in place, so a hostile archive cannot write to disk through fnguard.

``walk()`` is the one-pass reader: it yields each member with a reader valid until the walk
moves on, and enforces ``fnguard.limits.active()``. What it could not read (a limit hit, a
broken header, an unreadable folder) is appended to ``problems`` rather than raised, so the
caller can record it and keep what was read. Container images share this surface; their
reader lives with the package collector (``fnguard.collect.package._image``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol

from fnguard import limits
from fnguard.errors import InputError
from fnguard.model import ArtifactKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

__all__ = [
    "Artifact",
    "Entry",
    "Member",
    "Problem",
    "code_sha256",
    "guard_limits",
    "open_artifact",
    "sha256_file",
    "source_tree",
]

_CHUNK = 1024 * 1024
# Members smaller than this cannot be a zip bomb whatever their ratio (1 MB of zeros
# compresses ~1000:1): the per-member ratio limit applies above it only.
_RATIO_FLOOR = 1024 * 1024
_LINK_TARGET_MAX = 4096
# What a corrupt or truncated member raises from zipfile / zlib / tarfile streams.
READ_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    zlib.error,
    zipfile.BadZipFile,
    RuntimeError,  # zipfile: encrypted member
    NotImplementedError,  # zipfile: unsupported compression method
    ValueError,
)
_LOOKUP_ERRORS: tuple[type[Exception], ...] = (KeyError, *READ_ERRORS)


@dataclass(frozen=True)
class Member:
    """One file of an artifact. ``name`` uses '/' and is relative to the artifact root.

    Names are kept as the archive writes them (an absolute or ``..`` name included) so that
    the package collector can report them; nothing ever resolves them against the disk.
    """

    name: str
    size: int  # uncompressed bytes
    mode: int = 0o644  # permission and type bits as the archive records them (0 when absent)
    link_target: str | None = None  # for symlinks (and hard links, see ``hardlink``)
    compressed_size: int | None = None  # bytes in the archive, when it records them
    hardlink: bool = False  # tar hard link: ``link_target`` is a path from the root

    @property
    def is_link(self) -> bool:
        return self.link_target is not None

    @property
    def is_special(self) -> bool:
        """A device, fifo or socket: never opened (a fifo would block the reader)."""
        kind = stat.S_IFMT(self.mode)
        return kind not in (0, stat.S_IFREG, stat.S_IFLNK, stat.S_IFDIR)


@dataclass(frozen=True)
class Problem:
    """Something ``walk`` could not read. ``limit`` names the ``Limits`` field when one was hit."""

    message: str
    limit: str | None = None


class Entry:
    """A member met during ``walk``: its bytes can be read until the walk moves on."""

    __slots__ = ("_open", "_where", "member")

    def __init__(self, member: Member, opener: Callable[[], IO[bytes]], where: str) -> None:
        self.member = member
        self._open = opener
        self._where = where

    def chunks(self, size: int = _CHUNK) -> Iterator[bytes]:
        """The member's bytes in pieces; integrity checks (zip CRC) run at the end."""
        if self.member.is_special or self.member.is_link:
            return
        try:
            with self._open() as handle:
                while block := handle.read(size):
                    yield block
        except READ_ERRORS as exc:
            raise InputError(
                self._where, 0, f"cannot read member {self.member.name!r} ({exc})"
            ) from exc

    def read(self, limit: int | None = None) -> bytes:
        """The member's bytes (at most ``limit`` of them; then no integrity check is done)."""
        if limit is None:
            return b"".join(self.chunks())
        if self.member.is_special or self.member.is_link:
            return b""
        try:
            with self._open() as handle:
                return handle.read(limit)
        except READ_ERRORS as exc:
            raise InputError(
                self._where, 0, f"cannot read member {self.member.name!r} ({exc})"
            ) from exc


class Artifact(Protocol):
    """An opened artifact. ``read`` raises ``InputError`` for a member that cannot be read."""

    path: Path
    kind: ArtifactKind
    problems: list[Problem]

    def members(self) -> Iterator[Member]: ...

    def walk(self) -> Iterator[Entry]:
        """Every member once, in one streaming pass, within the active limits."""
        ...

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The member's bytes (at most ``limit`` of them)."""
        ...

    def close(self) -> None: ...


def guard_limits(entries: Iterable[Entry], problems: list[Problem], what: str) -> Iterator[Entry]:
    """Pass entries through while the active limits hold; a hit is a ``Problem``, never a drop.

    Too many members or too many expanded bytes stop the walk (the rest is unread, and the
    problem says so); a member whose expansion ratio exceeds the limit is skipped alone.
    """
    bounds = limits.active()
    count = 0
    total = 0

    def hit(field: str, message: str) -> None:
        value = getattr(bounds, field)
        problems.append(Problem(limits.limit_message(field, value, f"{what}: {message}"), field))

    for entry in entries:
        member = entry.member
        count += 1
        if count > bounds.max_archive_members:
            hit(
                "max_archive_members",
                f"more than {bounds.max_archive_members} members, rest unread",
            )
            return
        total += member.size
        if total > bounds.max_archive_bytes:
            hit(
                "max_archive_bytes",
                f"expands past {bounds.max_archive_bytes} bytes at {member.name!r}",
            )
            return
        packed = max(member.compressed_size or 0, 1)
        bomb = member.compressed_size is not None and member.size > _RATIO_FLOOR
        if bomb and member.size > bounds.max_archive_ratio * packed:
            hit(
                "max_archive_ratio",
                f"member {member.name!r} expands {member.size // packed}:1, not read",
            )
            continue
        yield entry


class _Folder:
    """A folder read as a package source; fifos never opened.

    Links are listed, not followed, unless ``follow_within`` is given: then a link whose
    target resolves inside that folder (the scanned tree) is read as what it points to, as a
    packager copying the folder would (each real folder at most once: no loops). A link out
    of the tree stays a link (PKG005 reports it).
    """

    def __init__(self, path: Path, follow_within: Path | None = None) -> None:
        self.path = path
        self.kind = ArtifactKind.FOLDER
        self.problems: list[Problem] = []
        self._within = follow_within.resolve() if follow_within is not None else None
        self._visited: set[str] = {os.path.realpath(path)}  # a link back to the root: not again
        self._real = ""
        # The first whole listing, kept: a code folder is searched once per function sharing
        # it (a serverless service, node_modules included), and it does not change mid-scan.
        self._listing: list[tuple[Member, str]] | None = None

    def _followed(self, link: str) -> os.stat_result | None:
        """What a link stands for (its target's stat, real path in ``_real``) if followable."""
        if self._within is None:
            return None
        real = os.path.realpath(link)
        if not (real == str(self._within) or real.startswith(f"{self._within}/")):
            return None
        try:
            info = os.stat(real)  # noqa: PTH116 - a plain string path, as scandir gives
        except OSError:
            return None
        self._real = real
        return info

    def _scan(self, folder: str, prefix: str) -> Iterator[tuple[Member, str]]:
        try:
            with os.scandir(folder) as scan:
                items = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            shown = prefix.rstrip("/") or "."
            self.problems.append(Problem(f"folder {shown!r} unreadable ({exc.strerror})"))
            return
        for item in items:
            name = prefix + item.name
            try:
                info = item.stat(follow_symlinks=False)
            except OSError as exc:
                self.problems.append(Problem(f"member {name!r} unreadable ({exc.strerror})"))
                continue
            if stat.S_ISDIR(info.st_mode):
                yield from self._scan(item.path, name + "/")
            elif stat.S_ISLNK(info.st_mode):
                followed = self._followed(item.path)
                if followed is not None and stat.S_ISDIR(followed.st_mode):
                    if self._real not in self._visited:
                        self._visited.add(self._real)
                        yield from self._scan(self._real, name + "/")
                    continue
                if followed is not None and stat.S_ISREG(followed.st_mode):
                    yield Member(name, followed.st_size, followed.st_mode), self._real
                    continue
                try:
                    target = os.readlink(item.path)  # noqa: PTH115 - a DirEntry path
                except OSError as exc:
                    self.problems.append(Problem(f"link {name!r} unreadable ({exc.strerror})"))
                    continue
                yield Member(name, 0, info.st_mode, target), item.path
            elif stat.S_ISREG(info.st_mode):
                yield Member(name, info.st_size, info.st_mode), item.path
            else:
                yield Member(name, 0, info.st_mode), item.path

    def _top(self) -> Iterator[tuple[Member, str]]:
        """One whole listing; each listing follows each linked folder once (its own loops)."""
        if self._listing is not None:
            return iter(self._listing)
        self._visited = {os.path.realpath(self.path)}
        return self._kept(self._scan(str(self.path), ""))

    def _kept(self, listing: Iterator[tuple[Member, str]]) -> Iterator[tuple[Member, str]]:
        """Pass the listing through, keeping it once read to the end within the member limit
        (a folder over it is listed afresh each time, never held whole)."""
        bound = limits.active().max_archive_members
        kept: list[tuple[Member, str]] | None = []
        for item in listing:
            if kept is not None:
                kept.append(item)
                if len(kept) > bound:
                    kept = None
            yield item
        if kept is not None:
            self._listing = kept

    def members(self) -> Iterator[Member]:
        for member, _ in self._top():
            yield member

    def walk(self) -> Iterator[Entry]:
        where = str(self.path)

        def entries() -> Iterator[Entry]:
            for member, full in self._top():
                yield Entry(member, _file_opener(full), where)

        yield from guard_limits(entries(), self.problems, f"folder {where}")

    def read(self, name: str, limit: int | None = None) -> bytes:
        if name.startswith("/") or ".." in name.split("/"):
            raise InputError(str(self.path), 0, f"member name {name!r} leaves the folder")
        target = self.path / name
        try:
            info = target.lstat() if self._within is None else target.stat()
            resolved = target.resolve()
            inside = resolved.is_relative_to(self.path.resolve()) or (
                self._within is not None and resolved.is_relative_to(self._within)
            )
            if not stat.S_ISREG(info.st_mode) or not inside:
                raise InputError(str(target), 0, "not a regular file (links are not followed)")
            with target.open("rb") as handle:
                return handle.read(-1 if limit is None else limit)
        except OSError as exc:
            raise InputError(str(target), 0, f"cannot read ({exc.strerror})") from exc

    def close(self) -> None:
        return None


def _file_opener(full: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        # O_NOFOLLOW: a file swapped for a link between listing and reading is not followed.
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        return os.fdopen(fd, "rb")

    return opener


class _Zip:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = ArtifactKind.ZIP
        self.problems: list[Problem] = []
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise InputError(str(path), 0, _zip_damage(path, exc)) from exc
        except READ_ERRORS as exc:  # also unsupported versions (NotImplementedError)
            raise InputError(str(path), 0, f"expected a zip archive ({exc})") from exc

    def _member(self, info: zipfile.ZipInfo) -> Member:
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        target = None
        if stat.S_ISLNK(mode):
            try:
                with self._zip.open(info) as handle:
                    target = handle.read(_LINK_TARGET_MAX).decode("utf-8", "replace")
            except READ_ERRORS as exc:
                self.problems.append(Problem(f"link {info.filename!r} unreadable ({exc})"))
                target = ""
        return Member(info.filename, info.file_size, mode, target, info.compress_size)

    def members(self) -> Iterator[Member]:
        for info in self._zip.infolist():
            if not info.is_dir():
                yield self._member(info)

    def walk(self) -> Iterator[Entry]:
        where = str(self.path)

        def entries() -> Iterator[Entry]:
            for info in self._zip.infolist():
                if info.is_dir():
                    continue
                yield Entry(self._member(info), _zip_opener(self._zip, info), where)

        yield from guard_limits(entries(), self.problems, f"zip {where}")

    def read(self, name: str, limit: int | None = None) -> bytes:
        try:
            with self._zip.open(name) as handle:
                return handle.read(-1 if limit is None else limit)
        except _LOOKUP_ERRORS as exc:
            raise InputError(str(self.path), 0, f"cannot read member {name!r} ({exc})") from exc

    def close(self) -> None:
        self._zip.close()


def _zip_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        return archive.open(info)

    return opener


def _zip_damage(path: Path, exc: BaseException) -> str:
    """Why zipfile refused the file: a zip cut short reads as local headers with no end."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        head = b""
    if head == b"PK\x03\x04":
        return f"truncated or damaged zip archive: its central directory is missing ({exc})"
    return f"expected a zip archive ({exc})"


def source_tree(root: Path | None) -> Path | None:
    """The tree whose links a folder package may follow: the repository holding ``root``.

    A repository under review links between its own folders (a service's ``src`` pointing at
    shared code); links out of it are not followed. Without a ``.git`` above, the scanned
    folder itself is the tree.
    """
    if root is None:
        return None
    start = root.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def open_artifact(path: Path, follow_within: Path | None = None) -> Artifact:
    """Open a folder, a zip, or a container image (OCI layout folder, OCI or docker-save tar).

    ``follow_within`` (the scanned tree) lets a folder's links that stay inside it be read as
    what they point to; archives keep their links as links whatever it says.
    """
    from fnguard.collect.package import _image  # images: the package collector's reader

    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(str(path), 0, "no such file or folder") from None
    except OSError as exc:
        raise InputError(str(path), 0, f"cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        if _image.is_oci_layout(path):
            return _image.open_image(path)
        return _Folder(path, follow_within)
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise InputError(str(path), 0, f"cannot read ({exc.strerror})") from exc
    if head[:2] != b"PK" and _image.looks_like_tar(head):
        return _image.open_image(path)
    return _Zip(path)


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes in hex (``OSError`` if it cannot be read)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def code_sha256(hex_digest: str) -> str:
    """The same digest as Lambda's ``CodeSha256`` and Terraform's ``filebase64sha256`` give it."""
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")
