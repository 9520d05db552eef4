"""What a native binary needs, from its ELF header and GNU version needs (pyelftools).

A member is streamed once (its zip CRC is checked on the way); only its first and last
``KEEP`` bytes are kept. The ELF header, ``.dynstr`` and ``.gnu.version_r`` sit at the start of
a shared object and the section headers at its end, so a huge library is understood without
holding it in memory. A read that falls in the dropped middle leaves ``glibc`` unknown.
"""

from __future__ import annotations

import io
import itertools
import re
import struct
from typing import IO, TYPE_CHECKING, cast

from fnguard.model import ElfFile

if TYPE_CHECKING:
    from collections.abc import Iterable

    from elftools.elf.elffile import ELFFile

__all__ = ["ELF_MAGIC", "KEEP", "Sparse", "machine_name", "read_elf"]

ELF_MAGIC = b"\x7fELF"
KEEP = 8 * 1024 * 1024
_GLIBC = re.compile(r"^GLIBC_(\d+)\.(\d+)")
_MACHINES = {"EM_X86_64": "x86_64", "EM_AARCH64": "arm64"}
_SHT_GNU_VERNEED = 0x6FFFFFFE
_MAX_VERSIONS = 4096
# pyelftools raises its own error for malformed files (``ELFError``, added where pyelftools is
# imported: only once a package holds an ELF member, ~20 ms saved on every other scan), but a
# hostile header also surfaces as struct / construct errors, bad offsets or absurd counts.
_OTHER_PARSE_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    KeyError,
    IndexError,
    OverflowError,
    AssertionError,
    struct.error,
)


class _GapError(ValueError):
    """The parser asked for bytes that were not kept."""


class Sparse(io.RawIOBase):
    """A read-only view of a file of which only the head and the tail were kept."""

    def __init__(self, head: bytes, tail: bytes, size: int) -> None:
        self._head = head
        self._tail = tail
        self._size = size
        self._tail_start = size - len(tail)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        if start >= end:
            return b""
        self._pos = end
        if end <= len(self._head):
            return self._head[start:end]
        if start >= self._tail_start:
            return self._tail[start - self._tail_start : end - self._tail_start]
        raise _GapError(f"bytes {start}-{end} were not kept")


def machine_name(e_machine: object) -> str:
    """'x86_64' / 'arm64' for Lambda's architectures, else the ELF name ('EM_386')."""
    name = str(e_machine)
    return _MACHINES.get(name, name)


def _verneed_index(elf: ELFFile, stream: Sparse) -> int | None:
    """The index of the SHT_GNU_verneed section, from each header's sh_type alone.

    pyelftools' name lookup builds every section with its name (most of the time spent on a
    package); the type is a 4-byte field at offset 4 of each section header.
    """
    offset, size, count = elf["e_shoff"], elf["e_shentsize"], elf["e_shnum"]
    if not offset or size < 8:
        return None
    stream.seek(offset)
    table = stream.read(size * count)
    order = "<I" if elf.little_endian else ">I"
    for index in range(count):
        if struct.unpack_from(order, table, index * size + 4)[0] == _SHT_GNU_VERNEED:
            return index
    return None


def _newest_glibc(elf: ELFFile, stream: Sparse) -> tuple[int, int] | None:
    index = _verneed_index(elf, stream)
    if index is None:
        return None
    section = elf.get_section(index)
    from elftools.elf.gnuversions import GNUVerNeedSection

    if not isinstance(section, GNUVerNeedSection):
        return None
    newest: tuple[int, int] | None = None
    # The counts and links come from the file: a hostile one loops or claims billions of
    # entries. Real binaries need a few libraries with a few dozen versions each.
    budget = _MAX_VERSIONS
    for _verneed, auxiliaries in itertools.islice(section.iter_versions(), _MAX_VERSIONS):
        for aux in itertools.islice(auxiliaries, budget):
            budget -= 1
            match = _GLIBC.match(str(aux.name))
            if match:
                version = (int(match.group(1)), int(match.group(2)))
                newest = version if newest is None or version > newest else newest
        if budget <= 0:
            break
    return newest


def read_elf(path: str, chunks: Iterable[bytes]) -> ElfFile | None:
    """The ELF facts of a member whose bytes are ``chunks`` (None: not a parsable ELF).

    The caller has seen the magic; reading errors from ``chunks`` propagate (an integrity
    problem of the package), parse errors mean "not an ELF fnguard understands".
    """
    head = bytearray()
    tail = bytearray()
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if len(head) < KEEP:
            room = KEEP - len(head)
            head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            tail += chunk
            if len(tail) > 2 * KEEP:
                del tail[: len(tail) - KEEP]
    stream = Sparse(bytes(head), bytes(tail[-KEEP:] if len(tail) > KEEP else tail), size)
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    parse_errors: tuple[type[Exception], ...] = (ELFError, *_OTHER_PARSE_ERRORS)
    try:
        elf = ELFFile(cast("IO[bytes]", stream))
        machine = machine_name(elf.header["e_machine"])
    except parse_errors:
        return None
    try:
        glibc = _newest_glibc(elf, stream)
    except parse_errors:
        glibc = None
    return ElfFile(path=path, machine=machine, glibc=glibc)
