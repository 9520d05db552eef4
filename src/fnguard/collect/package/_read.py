"""One streaming pass over an artifact: sizes, native binaries, wheels, file issues, content.

Each member is read at most once, and only when something needs it: every zip member (its
CRC is the integrity check), the start of each file to spot ELF binaries, ``WHEEL`` records,
and what the content inspector asks for. Folders are only opened for the files that matter.
"""

from __future__ import annotations

import csv
import heapq
import posixpath
import stat
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from fnguard import limits
from fnguard.code import member_location
from fnguard.collect.package._elf import ELF_MAGIC, read_elf
from fnguard.errors import InputError
from fnguard.model import (
    ArtifactKind,
    Dependency,
    ElfFile,
    FileIssue,
    FileIssueKind,
    FoundSecret,
    WheelTag,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.artifact import Artifact, Entry, Member
    from fnguard.collect.package._content import ContentInspector

__all__ = ["Contents", "read_contents"]

LARGEST = 10
_WHEEL_MAX = 64 * 1024


@dataclass
class Contents:
    """What one pass found; ``limit_hits`` are limit messages (gaps), ``errors`` integrity."""

    file_count: int = 0
    uncompressed_size: int = 0
    largest: list[tuple[str, int]] = field(default_factory=list)
    elf_files: list[ElfFile] = field(default_factory=list)
    wheels: list[WheelTag] = field(default_factory=list)
    file_issues: list[FileIssue] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    limit_hits: list[str] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    secrets: list[FoundSecret] = field(default_factory=list)


def _unsafe(name: str) -> bool:
    return name.startswith("/") or "\\" in name or ".." in name.split("/") or name[1:3] == ":/"


def _link_escapes(member: Member, kind: ArtifactKind) -> bool:
    target = member.link_target or ""
    if target.startswith("/"):
        # In an image "/" is the image's own root; in a zip or folder it is outside.
        return kind is not ArtifactKind.IMAGE
    if kind is ArtifactKind.FOLDER:
        # A folder is the source of a zip: packagers (archive_file, sam build, serverless)
        # copy what a relative link points at, as in a monorepo's shared code. Only an
        # absolute link, which would copy the build host's own file, is reported.
        return False
    base = "" if member.hardlink else posixpath.dirname(member.name)
    resolved = posixpath.normpath(posixpath.join(base, target)) if target else ""
    return resolved == ".." or resolved.startswith("../")


def file_issues(member: Member, kind: ArtifactKind) -> Iterator[FileIssue]:
    """What is wrong with a member's name, mode or link target (PKG005)."""
    if _unsafe(member.name):
        yield FileIssue(member.name, FileIssueKind.UNSAFE_PATH, "absolute or '..' member name")
    mode = member.mode
    if member.is_special:
        yield FileIssue(member.name, FileIssueKind.SPECIAL, f"mode {stat.filemode(mode)}")
        return
    if member.is_link and not member.hardlink:
        if _link_escapes(member, kind):
            yield FileIssue(member.name, FileIssueKind.LINK_ESCAPES, f"-> {member.link_target}")
        return
    if member.hardlink and _link_escapes(member, kind):
        yield FileIssue(
            member.name, FileIssueKind.LINK_ESCAPES, f"hard link to {member.link_target}"
        )
    if mode & stat.S_ISUID:
        yield FileIssue(member.name, FileIssueKind.SETUID, f"mode {mode & 0o7777:04o}")
    if mode & stat.S_ISGID:
        yield FileIssue(member.name, FileIssueKind.SETGID, f"mode {mode & 0o7777:04o}")
    if mode & stat.S_IWOTH:
        yield FileIssue(member.name, FileIssueKind.WORLD_WRITABLE, f"mode {mode & 0o7777:04o}")


def _wheel(name: str, data: bytes) -> WheelTag | None:
    # here, not at the top: the email package (and socket with it) is ~9 ms to import, and a
    # scan whose packages are not built never reads a WHEEL file
    from email.parser import BytesHeaderParser

    headers = BytesHeaderParser().parsebytes(data)
    tags = tuple(str(t).strip() for t in headers.get_all("Tag") or () if str(t).strip())
    folder = posixpath.basename(posixpath.dirname(name))
    distribution = folder.removesuffix(".dist-info").split("-", 1)[0]
    return WheelTag(path=name, distribution=distribution, tags=tags) if tags else None


_DIST_METADATA = (".dist-info/METADATA", ".egg-info/PKG-INFO")
_RECORD_MAX = 8 * 1024 * 1024


def _installed_files(artifact: Artifact) -> frozenset[str]:
    """Members that ``pip install`` put there, from each ``*.dist-info/RECORD``.

    Their secrets are a library's test fixtures and examples, not the function's; searching
    them costs most of a package scan and yields only noise. Zips and folders list their
    members up front; an image's layers stream once, so they are searched whole.
    """
    if artifact.kind is ArtifactKind.IMAGE:
        return frozenset()
    records = [
        m.name
        for m in artifact.members()
        if m.name.endswith(".dist-info/RECORD") and not m.is_link and m.size <= _RECORD_MAX
    ]
    installed: set[str] = set()
    for record in records:
        base = posixpath.dirname(posixpath.dirname(record))
        try:
            text = artifact.read(record, _RECORD_MAX).decode("utf-8", "replace")
        except InputError:
            continue  # the main pass reports the unreadable member
        for row in csv.reader(text.splitlines()):
            if row and row[0] and not row[0].startswith(("/", "..")):
                installed.add(posixpath.normpath(posixpath.join(base, row[0])))
    return frozenset(installed)


class _Reader:
    def __init__(
        self, artifact: Artifact, inspector: ContentInspector | None, skipped: frozenset[str]
    ) -> None:
        self.artifact = artifact
        self.skipped = skipped
        self.inspector = inspector
        self.out = Contents()
        # Zip members are all read: the CRC of each is the integrity check. Image layers are
        # tar streams passed through anyway. A folder's files are opened only when needed.
        self.read_all = artifact.kind is not ArtifactKind.FOLDER
        self.max_file = limits.active().max_file_bytes
        self.installed = _installed_files(artifact)

    def _wants(self, member: Member) -> tuple[bool, bool]:
        """(a WHEEL record, a member the content inspector asks for)."""
        wheel = member.name.endswith(".dist-info/WHEEL") and member.size <= _WHEEL_MAX
        inspect = self.inspector is not None and self.inspector.wants(member.name, member.size)
        if inspect and member.name in self.installed:
            # A distribution's own files (third-party code): only its metadata is of interest.
            inspect = member.name.endswith(_DIST_METADATA)
        return wheel, inspect

    def _whole(self, entry: Entry, first: bytes, rest: Iterator[bytes]) -> bytes | None:
        member = entry.member
        if member.size > self.max_file:
            message = f"{member_location(self.artifact, member.name)}: not inspected"
            self.out.limit_hits.append(
                limits.limit_message("max_file_bytes", self.max_file, message)
            )
            for _ in rest:
                pass
            return None
        return first + b"".join(rest)

    def _content(self, name: str, data: bytes, wheel: bool, inspect: bool) -> None:
        if wheel:
            record = _wheel(name, data)
            if record is not None:
                self.out.wheels.append(record)
        if inspect and self.inspector is not None:
            facts = self.inspector.inspect(name, data, member_location(self.artifact, name))
            self.out.dependencies.extend(facts.dependencies)
            self.out.secrets.extend(facts.secrets)

    def member(self, entry: Entry) -> None:
        member = entry.member
        self.out.file_issues.extend(file_issues(member, self.artifact.kind))
        if member.is_link or member.is_special:
            return
        wheel, inspect = self._wants(member)
        wanted = wheel or inspect
        if self.read_all:
            chunks = entry.chunks()
            first = next(chunks, b"")
        else:
            first = entry.read(len(ELF_MAGIC)) if member.size >= len(ELF_MAGIC) else b""
            if not (wanted or first.startswith(ELF_MAGIC)):
                return
            chunks = entry.chunks()
            first = next(chunks, b"")
        if wanted:
            data = self._whole(entry, first, chunks)
            if data is None:
                return
            self._content(member.name, data, wheel, inspect)
            first, chunks = data, iter(())
        if first.startswith(ELF_MAGIC):
            elf = read_elf(member.name, chain((first,), chunks))
            if elf is not None:
                self.out.elf_files.append(elf)
            return
        for _ in chunks:  # the rest of the member, for its integrity check
            pass

    def run(self) -> Contents:
        sizes: list[tuple[int, str]] = []
        for entry in self.artifact.walk():
            member = entry.member
            if self.skipped and member.name.split("/", 1)[0] in self.skipped:
                continue
            self.out.file_count += 1
            self.out.uncompressed_size += member.size
            sizes.append((member.size, member.name))
            try:
                self.member(entry)
            except InputError as exc:
                self.out.errors.append(exc.expected)
        for problem in self.artifact.problems:
            (self.out.limit_hits if problem.limit else self.out.errors).append(problem.message)
        top = heapq.nsmallest(LARGEST, sizes, key=lambda item: (-item[0], item[1]))
        self.out.largest = [(name, size) for size, name in top]
        return self.out


def read_contents(
    artifact: Artifact, inspector: ContentInspector | None, skipped: frozenset[str] = frozenset()
) -> Contents:
    """Read ``artifact`` once; read errors become ``errors``, limit hits ``limit_hits``.

    Members under a top-level name in ``skipped`` are not part of the deployed package.
    """
    return _Reader(artifact, inspector, skipped).run()
