"""Builders for fixture packages: hand-made ELF files, zips with modes and links, images.

Imported as ``package.pkgkit`` (``tests`` is on the path). Everything is built in the test's
own temporary folder; nothing is downloaded.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import shutil
import struct
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard.model import Dependency, FoundSecret

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

EM_X86_64 = 62
EM_AARCH64 = 183
EM_386 = 3
SHT_STRTAB = 3
SHT_GNU_VERNEED = 0x6FFFFFFE


def elf(machine: int = EM_X86_64, glibc: Sequence[str] = ("2.17",), pad: int = 0) -> bytes:
    """A minimal ELF64 shared object pyelftools parses: header, .dynstr, .gnu.version_r.

    ``glibc`` lists the GLIBC_x.y versions it needs from libc.so.6 (none: no version
    section); ``pad`` inserts random filler bytes between the header and the sections (big files).
    """
    names = [f"GLIBC_{v}" for v in glibc]
    dynstr = b"\0libc.so.6\0" + b"".join(n.encode() + b"\0" for n in names)
    offsets = []
    at = len(b"\0libc.so.6\0")
    for n in names:
        offsets.append(at)
        at += len(n) + 1
    verneed = b""
    if names:
        verneed = struct.pack("<HHIIII", 1, len(names), 1, 16, 0, 0)[:16]
        for i, off in enumerate(offsets):
            nxt = 16 if i < len(names) - 1 else 0
            verneed += struct.pack("<IHHII", 0x0D696910 + i, 0, 2 + i, off, nxt)
    shstrtab = b"\0.dynstr\0.gnu.version_r\0.shstrtab\0"
    body = bytearray(b"\0" * 64) + random.Random(pad).randbytes(pad)  # incompressible filler
    dynstr_off = len(body)
    body += dynstr
    verneed_off = len(body)
    body += verneed
    shstr_off = len(body)
    body += shstrtab
    while len(body) % 8:
        body += b"\0"
    shoff = len(body)

    def section(name: int, kind: int, off: int, size: int, link: int = 0, info: int = 0) -> bytes:
        return struct.pack("<IIQQQQIIQQ", name, kind, 0, 0, off, size, link, info, 1, 0)

    sections = [section(0, 0, 0, 0), section(1, SHT_STRTAB, dynstr_off, len(dynstr))]
    if names:
        sections.append(section(9, SHT_GNU_VERNEED, verneed_off, len(verneed), 1, 1))
    sections.append(section(24, SHT_STRTAB, shstr_off, len(shstrtab)))
    body += b"".join(sections)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH",
        3,
        machine,
        1,
        0,
        0,
        shoff,
        0,
        64,
        56,
        0,
        64,
        len(sections),
        len(sections) - 1,
    )
    body[:64] = header
    return bytes(body)


@dataclass
class Item:
    """One zip member: bytes, a Unix mode, or a symlink target."""

    name: str
    data: bytes = b""
    mode: int = 0o100644
    link: str | None = None


def write_zip(path: Path, items: Iterable[Item], *, compress: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compress) as archive:
        for item in items:
            info = zipfile.ZipInfo(item.name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.compress_type = compress
            if item.link is not None:
                info.external_attr = 0o120777 << 16
                archive.writestr(info, item.link)
            else:
                info.external_attr = item.mode << 16
                archive.writestr(info, item.data)
    return path


def corrupt_crc(path: Path, member: str) -> None:
    """Flip a byte of a stored member's data so that its CRC no longer matches."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    raw = bytearray(path.read_bytes())
    name_len, extra_len = struct.unpack(
        "<HH", raw[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    raw[start] ^= 0xFF
    path.write_bytes(bytes(raw))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def gcc_elf(tmp: Path) -> bytes | None:
    """A real x86-64 shared object from gcc, or None where gcc is missing."""
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    source = tmp / "m.c"
    source.write_text('#include <stdio.h>\nint f(void){return puts("x");}\n')
    out = tmp / "libm_fixture.so"
    subprocess.run([gcc, "-shared", "-fPIC", "-o", str(out), str(source)], check=True)
    return out.read_bytes()


# --------------------------------------------------------------------------- images


@dataclass
class LayerFile:
    name: str
    data: bytes = b""
    mode: int = 0o644
    kind: bytes = tarfile.REGTYPE
    link: str = ""


@dataclass
class Image:
    layers: list[list[LayerFile]] = field(default_factory=list)
    gzip_layers: bool = True


def layer_tar(files: Iterable[LayerFile], compress: bool) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for f in files:
            info = tarfile.TarInfo(f.name)
            info.mode = f.mode
            info.type = f.kind
            info.linkname = f.link
            if f.kind == tarfile.REGTYPE:
                info.size = len(f.data)
                tar.addfile(info, io.BytesIO(f.data))
            else:
                tar.addfile(info)
    data = raw.getvalue()
    return gzip.compress(data, mtime=0) if compress else data


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def docker_save(path: Path, image: Image) -> Path:
    """A ``docker save`` tar: manifest.json naming <id>/layer.tar files."""
    with tarfile.open(path, "w") as tar:
        names = []
        for i, files in enumerate(image.layers):
            blob = layer_tar(files, compress=False)
            name = f"{i:02d}{'a' * 62}/layer.tar"
            _add(tar, name, blob)
            names.append(name)
        config = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
        _add(tar, "config.json", config)
        manifest = [{"Config": "config.json", "RepoTags": ["fn:latest"], "Layers": names}]
        _add(tar, "manifest.json", json.dumps(manifest).encode())
    return path


def _oci_blobs(image: Image) -> tuple[dict[str, bytes], bytes]:
    blobs: dict[str, bytes] = {}
    layers = []
    for files in image.layers:
        blob = layer_tar(files, compress=image.gzip_layers)
        digest = _digest(blob)
        blobs[digest] = blob
        kind = "tar+gzip" if image.gzip_layers else "tar"
        layers.append(
            {
                "mediaType": f"application/vnd.oci.image.layer.v1.{kind}",
                "digest": digest,
                "size": len(blob),
            }
        )
    config = json.dumps({"architecture": "arm64", "os": "linux"}).encode()
    blobs[_digest(config)] = config
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": _digest(config),
                "size": len(config),
            },
            "layers": layers,
        }
    ).encode()
    blobs[_digest(manifest)] = manifest
    index = json.dumps(
        {
            "schemaVersion": 2,
            "manifests": [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": _digest(manifest),
                    "size": len(manifest),
                    "platform": {"architecture": "arm64", "os": "linux"},
                }
            ],
        }
    ).encode()
    return blobs, index


def oci_layout(path: Path, image: Image) -> Path:
    """An OCI image layout folder (oci-layout, index.json, blobs/sha256/...)."""
    blobs, index = _oci_blobs(image)
    (path / "blobs" / "sha256").mkdir(parents=True)
    (path / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    (path / "index.json").write_bytes(index)
    for digest, data in blobs.items():
        (path / "blobs" / "sha256" / digest.split(":")[1]).write_bytes(data)
    return path


def oci_archive(path: Path, image: Image) -> Path:
    """The same layout as one tar (``oci-archive:``)."""
    blobs, index = _oci_blobs(image)
    with tarfile.open(path, "w") as tar:
        _add(tar, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
        _add(tar, "index.json", index)
        for digest, data in blobs.items():
            _add(tar, "blobs/sha256/" + digest.split(":")[1], data)
    return path


# --------------------------------------------------------------------------- a fake inspector


@dataclass(frozen=True)
class Facts:
    dependencies: tuple[Dependency, ...] = ()
    secrets: tuple[FoundSecret, ...] = ()


@dataclass
class FakeInspector:
    """Stands in for ``fnguard.content``: wants requirements files and .env files only."""

    seen: list[tuple[str, bytes, str]] = field(default_factory=list)

    def wants(self, name: str, size: int) -> bool:
        return name.endswith(("requirements.txt", ".env"))

    def inspect(self, name: str, data: bytes, location: str) -> Facts:
        self.seen.append((name, data, location))
        if name.endswith(".env"):
            return Facts(secrets=(FoundSecret(location, 1, ".env file", "AKIA************"),))
        deps = []
        for number, line in enumerate(data.decode().splitlines(), 1):
            dist, _, version = line.partition("==")
            deps.append(Dependency("PyPI", dist, version, location, number))
        return Facts(dependencies=tuple(deps))


class NullInspector:
    def wants(self, name: str, size: int) -> bool:
        return False

    def inspect(self, name: str, data: bytes, location: str) -> Facts:
        raise AssertionError("nothing is wanted")
