"""Container images (OCI layout folder, OCI archive tar, ``docker save`` tar) as one artifact.

The image's filesystem is the union of its layers with whiteouts applied. Layers are walked
from the top down so that one streaming pass suffices: a member is visible when no upper
layer wrote the same path, deleted it (``.wh.name``), replaced one of its folders with a file,
or made one of its folders opaque (``.wh..wh..opq``). Layer tars are read as streams inside
the image (gzip, bzip2, xz or plain); nothing is extracted, and names coming from the image's
own JSON are only ever used as keys, never as paths on disk (digests are validated first).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import lzma
import posixpath
import re
import stat
import tarfile
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

from fnguard import limits
from fnguard.artifact import READ_ERRORS, Entry, Member, Problem, guard_limits
from fnguard.collect.package._image import INDEX as _INDEX
from fnguard.errors import InputError
from fnguard.model import ArtifactKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

__all__ = ["open_image"]


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


_DIGEST = re.compile(r"^(sha256|sha512):([a-f0-9]{32,128})$")
_JSON_MAX = 4 * 1024 * 1024
_INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
_CHUNK = 1024 * 1024
_XZ_MAGIC = b"\xfd7zXZ\x00"


# Compressed layers are unwrapped with the modules that raise EOFError on a cut stream
# (tarfile's own stream reader stops quietly there).
def _gunzip(raw: IO[bytes]) -> _Readable:
    return gzip.GzipFile(fileobj=raw, mode="rb")


def _bunzip(raw: IO[bytes]) -> _Readable:
    return bz2.BZ2File(raw)


def _unxz(raw: IO[bytes]) -> _Readable:
    return lzma.LZMAFile(raw)


_DECOMPRESSORS: dict[bytes, Callable[[IO[bytes]], _Readable]] = {
    b"\x1f\x8b": _gunzip,
    b"BZh": _bunzip,
    _XZ_MAGIC: _unxz,
}
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_WHITEOUT = ".wh."
_OPAQUE = ".wh..wh..opq"
_TAR_ERRORS: tuple[type[Exception], ...] = (tarfile.TarError, lzma.LZMAError, *READ_ERRORS)
_TYPE_BITS = {
    tarfile.REGTYPE: stat.S_IFREG,
    tarfile.AREGTYPE: stat.S_IFREG,
    tarfile.CONTTYPE: stat.S_IFREG,
    tarfile.LNKTYPE: stat.S_IFREG,
    tarfile.SYMTYPE: stat.S_IFLNK,
    tarfile.DIRTYPE: stat.S_IFDIR,
    tarfile.CHRTYPE: stat.S_IFCHR,
    tarfile.BLKTYPE: stat.S_IFBLK,
    tarfile.FIFOTYPE: stat.S_IFIFO,
}


@dataclass(frozen=True)
class _Layer:
    """One image layer as the manifest lists it: where its blob is, and the size it must have, so
    that a truncated or altered layer is reported rather than read as whole."""

    ref: str  # a digest (OCI) or a member name (docker save)
    size: int | None


class _Store(Protocol):
    def open(self, ref: str) -> IO[bytes]: ...

    def size(self, ref: str) -> int | None: ...

    def close(self) -> None: ...


class _FolderStore:
    """Blobs of an OCI layout folder, found by validated digest only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _blob(self, ref: str) -> Path:
        match = _DIGEST.match(ref)
        if ref == _INDEX:
            path = self.root / _INDEX
        elif match is None:
            raise InputError(str(self.root), 0, f"invalid blob digest {ref[:80]!r}")
        else:
            path = self.root / "blobs" / match.group(1) / match.group(2)
        try:
            if not stat.S_ISREG(path.lstat().st_mode):
                raise InputError(
                    str(path), 0, "blob is not a regular file (links are not followed)"
                )
        except OSError as exc:
            raise InputError(str(path), 0, f"blob {ref} missing ({exc.strerror})") from exc
        return path

    def open(self, ref: str) -> IO[bytes]:
        try:
            return self._blob(ref).open("rb")
        except OSError as exc:
            raise InputError(str(self.root), 0, f"blob {ref} unreadable ({exc.strerror})") from exc

    def size(self, ref: str) -> int | None:
        return self._blob(ref).stat().st_size

    def close(self) -> None:
        return None


class _TarStore:
    """Members of an image tar (docker save or OCI archive), by name or by digest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by close()
            self.members = {m.name.removeprefix("./"): m for m in self.tar.getmembers()}
        except _TAR_ERRORS as exc:
            raise InputError(str(path), 0, f"expected a container image tar ({exc})") from exc

    def _member(self, ref: str) -> tarfile.TarInfo:
        match = _DIGEST.match(ref)
        name = f"blobs/{match.group(1)}/{match.group(2)}" if match else ref
        info = self.members.get(name)
        if info is None or not info.isfile():
            raise InputError(str(self.path), 0, f"image member {ref[:120]!r} missing")
        return info

    def open(self, ref: str) -> IO[bytes]:
        handle = self.tar.extractfile(self._member(ref))
        if handle is None:
            raise InputError(str(self.path), 0, f"image member {ref[:120]!r} unreadable")
        return handle

    def size(self, ref: str) -> int | None:
        return self._member(ref).size

    def has(self, name: str) -> bool:
        return name in self.members

    def close(self) -> None:
        self.tar.close()


def _json(store: _Store, ref: str, where: str) -> Any:
    try:
        with store.open(ref) as handle:
            raw = handle.read(_JSON_MAX + 1)
    except _TAR_ERRORS as exc:
        raise InputError(where, 0, f"image file {ref[:120]!r} unreadable ({exc})") from exc
    if len(raw) > _JSON_MAX:
        raise InputError(where, 0, f"image file {ref[:120]!r} larger than {_JSON_MAX} bytes")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise InputError(where, 0, f"image file {ref[:120]!r} is not JSON ({exc})") from exc


def _pick(manifests: Any, where: str) -> dict[str, Any]:
    """The image of an index: the first one for Linux (attestations have os 'unknown')."""
    if not isinstance(manifests, list) or not manifests:
        raise InputError(where, 0, "image index lists no manifests")
    candidates = [m for m in manifests if isinstance(m, dict) and isinstance(m.get("digest"), str)]
    for item in candidates:
        platform = item.get("platform")
        if not isinstance(platform, dict) or platform.get("os") == "linux":
            return item
    if candidates:
        return candidates[0]
    raise InputError(where, 0, "image index has no usable manifest")


def _oci_layers(store: _Store, index: Any, where: str) -> list[_Layer]:
    for _ in range(4):  # index -> (nested index ->) manifest
        if not isinstance(index, dict):
            raise InputError(where, 0, "image index is not a JSON object")
        chosen = _pick(index.get("manifests"), where)
        document = _json(store, chosen["digest"], where)
        if chosen.get("mediaType") in _INDEX_TYPES or "manifests" in document:
            index = document
            continue
        layers = document.get("layers") if isinstance(document, dict) else None
        if not isinstance(layers, list):
            raise InputError(where, 0, "image manifest has no layer list")
        found = []
        for layer in layers:
            if not isinstance(layer, dict) or not isinstance(layer.get("digest"), str):
                raise InputError(where, 0, "image manifest has a layer without a digest")
            size = layer.get("size")
            found.append(_Layer(layer["digest"], size if isinstance(size, int) else None))
        return found
    raise InputError(where, 0, "image indexes nest too deeply")


def _docker_layers(store: _TarStore, where: str) -> list[_Layer]:
    manifest = _json(store, "manifest.json", where)
    if not isinstance(manifest, list) or not manifest or not isinstance(manifest[0], dict):
        raise InputError(where, 0, "manifest.json does not list an image")
    layers = manifest[0].get("Layers")
    if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
        raise InputError(where, 0, "manifest.json has no layer list")
    return [_Layer(name, store.size(name)) for name in layers]


class _StopLayerError(Exception):
    """A limit ended the layer early (the problem is already recorded)."""


class _Checked:
    """The raw layer blob, hashed and counted as it is read: truncation and tampering show."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._hash.update(data)
        self.count += len(data)
        return data

    def drain(self) -> None:
        while self.read(_CHUNK):
            pass

    def verify(self, layer: _Layer) -> list[str]:
        found = []
        if layer.size is not None and layer.size != self.count:
            found.append(f"{self.count} bytes where the manifest says {layer.size} (truncated?)")
        match = _DIGEST.match(layer.ref)
        if match and match.group(1) == "sha256" and match.group(2) != self._hash.hexdigest():
            found.append("content does not match its sha256 digest")
        return found


class _Prefixed:
    """A stream with its first bytes already read (to sniff the compression)."""

    def __init__(self, head: bytes, rest: _Readable) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


def _mode(info: tarfile.TarInfo) -> int | None:
    bits = _TYPE_BITS.get(info.type)
    return None if bits is None else bits | (info.mode & 0o7777)


def _normal(name: str) -> str:
    return posixpath.normpath("/" + name).lstrip("/")


class _Hidden:
    """What upper layers hide from the lower ones (whiteouts, replaced paths, opaque dirs)."""

    def __init__(self) -> None:
        self.present: set[str] = set()  # any path an upper layer wrote
        self.deleted: set[str] = set()  # the path and everything below it
        self.opaque: set[str] = set()  # everything below it

    def hides(self, path: str) -> bool:
        if path in self.present or path in self.deleted:
            return True
        parts = path.split("/")
        for depth in range(1, len(parts)):
            ancestor = "/".join(parts[:depth])
            if ancestor in self.deleted or ancestor in self.opaque:
                return True
        return False

    def add(self, other: _Hidden) -> None:
        self.present |= other.present
        self.deleted |= other.deleted
        self.opaque |= other.opaque


class _Image:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = ArtifactKind.IMAGE
        self.problems: list[Problem] = []
        where = str(path)
        store: _Store
        if path.is_dir():
            store = _FolderStore(path)
            self.layers = _oci_layers(store, _json(store, _INDEX, where), where)
        else:
            tar_store = _TarStore(path)
            store = tar_store
            try:
                if tar_store.has("manifest.json"):
                    self.layers = _docker_layers(tar_store, where)
                elif tar_store.has(_INDEX):
                    self.layers = _oci_layers(store, _json(store, _INDEX, where), where)
                else:
                    raise InputError(
                        where, 0, "not a container image (no manifest.json or index.json)"
                    )
            except InputError:
                tar_store.close()
                raise
        self._store = store

    def _layer_entries(
        self, number: int, layer: _Layer, hidden: _Hidden, problems: list[Problem]
    ) -> Iterator[Entry]:
        label = f"layer {number} ({layer.ref[:80]})"
        mine = _Hidden()
        try:
            blob = self._store.open(layer.ref)
        except InputError as exc:
            problems.append(Problem(f"{label}: {exc.expected}"))
            return
        checked = _Checked(blob)
        try:
            head = checked.read(6)
            if head[:4] == _ZSTD_MAGIC:
                problems.append(Problem(f"{label}: zstd-compressed layers are not supported"))
                return
            opener = next((f for m, f in _DECOMPRESSORS.items() if head.startswith(m)), None)
            raw = cast("IO[bytes]", _Prefixed(head, checked))
            data = opener(raw) if opener else raw
            stream = tarfile.open(fileobj=cast("IO[bytes]", data), mode="r|")  # noqa: SIM115
            yield from self._members(stream, layer, label, hidden, mine, problems)
            while data.read(_CHUNK):  # a compressed stream cut short raises EOFError here
                pass
            checked.drain()
            problems.extend(Problem(f"{label}: {p}") for p in checked.verify(layer))
        except _StopLayerError:
            return
        except _TAR_ERRORS as exc:
            problems.append(Problem(f"{label}: truncated or corrupt layer ({exc})"))
        finally:
            blob.close()
            hidden.add(mine)

    def _members(
        self,
        stream: tarfile.TarFile,
        layer: _Layer,
        label: str,
        hidden: _Hidden,
        mine: _Hidden,
        problems: list[Problem],
    ) -> Iterator[Entry]:
        where = str(self.path)
        bounds = limits.active()
        packed = layer.size or self._store.size(layer.ref) or 0
        expanded = 0
        while (info := stream.next()) is not None:
            expanded += info.size
            if expanded > bounds.max_archive_ratio * max(packed, 1) and expanded > 1 << 20:
                message = f"image {where}: {label} expands more than {bounds.max_archive_ratio}:1"
                problems.append(
                    Problem(
                        limits.limit_message(
                            "max_archive_ratio", bounds.max_archive_ratio, message
                        ),
                        "max_archive_ratio",
                    )
                )
                raise _StopLayerError
            entry = self._entry(info, stream, hidden, mine, where)
            if entry is not None:
                yield entry

    def _entry(
        self,
        info: tarfile.TarInfo,
        stream: tarfile.TarFile,
        hidden: _Hidden,
        mine: _Hidden,
        where: str,
    ) -> Entry | None:
        raw = info.name.removeprefix("./")
        path = _normal(raw)
        base = posixpath.basename(path)
        parent = posixpath.dirname(path)
        if base == _OPAQUE:
            mine.opaque.add(parent)
            return None
        if base.startswith(_WHITEOUT):
            mine.deleted.add(posixpath.join(parent, base[len(_WHITEOUT) :]))
            return None
        mode = _mode(info)
        if mode is None or hidden.hides(path) or path in mine.present:
            return None
        mine.present.add(path)
        if stat.S_ISDIR(mode):
            return None
        mine.deleted.add(path)  # a file here hides a lower folder of the same name
        target: str | None = None
        if info.issym() or info.islnk():
            target = info.linkname
        size = info.size if stat.S_ISREG(mode) and not info.islnk() else 0
        member = Member(raw, size, mode, target, hardlink=info.islnk())
        return Entry(member, _tar_opener(stream, info), where)

    def _entries(self, problems: list[Problem]) -> Iterator[Entry]:
        hidden = _Hidden()
        count = len(self.layers)
        for number in range(count, 0, -1):
            yield from self._layer_entries(number, self.layers[number - 1], hidden, problems)

    def members(self) -> Iterator[Member]:
        for entry in self._entries([]):
            yield entry.member

    def walk(self) -> Iterator[Entry]:
        yield from guard_limits(self._entries(self.problems), self.problems, f"image {self.path}")

    def read(self, name: str, limit: int | None = None) -> bytes:
        for entry in self._entries([]):
            if entry.member.name == name:
                return entry.read(limit)
        raise InputError(str(self.path), 0, f"no member {name!r} in the image")

    def close(self) -> None:
        self._store.close()


def _tar_opener(stream: tarfile.TarFile, info: tarfile.TarInfo) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        handle = stream.extractfile(info)
        if handle is None:
            raise OSError(f"{info.name} has no data")
        return handle

    return opener


def open_image(path: Path) -> _Image:
    """Open an OCI layout folder, an OCI archive or a docker-save tar."""
    return _Image(path)
