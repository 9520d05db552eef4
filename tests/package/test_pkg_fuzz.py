"""Hostile bytes never escape the package stage as an exception: they become errors or gaps."""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from package.pkgkit import (
    EM_AARCH64,
    Image,
    Item,
    LayerFile,
    NullInspector,
    docker_save,
    elf,
    write_zip,
)

from fnguard.collect.package import PackageEnricher
from fnguard.collect.package._elf import read_elf
from fnguard.model import Function, Inventory, Location, PackageRef, PackageType, Provider

_WORK = Path(tempfile.mkdtemp(prefix="fnguard-pkg-fuzz-"))
_ZIP = write_zip(
    _WORK / "seed.zip",
    [
        Item("app.py", b"def handler(e, c):\n    return 1\n"),
        Item("lib/a.so", elf(EM_AARCH64, ("2.17", "2.28"))),
        Item("x-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\nTag: py3-none-any\n"),
        Item("ln", link="../../etc/passwd"),
    ],
).read_bytes()
_TAR = docker_save(
    _WORK / "seed.tar",
    Image([[LayerFile("var/task/a.py", b"x = 1\n"), LayerFile("lib/b.so", elf())]]),
).read_bytes()


def _mutate(seed: bytes, cuts: list[tuple[int, int]], keep: float) -> bytes:
    data = bytearray(seed[: max(1, int(len(seed) * keep))])
    for at, value in cuts:
        data[at % len(data)] = value
    return bytes(data)


def _enrich(data: bytes, name: str, image: bool) -> None:
    folder = Path(tempfile.mkdtemp(dir=_WORK))
    (folder / name).write_bytes(data)
    ref = PackageRef(path=name)
    fn = Function(
        "F",
        Provider.AWS,
        Location("main.tf", 1),
        package_type=PackageType.IMAGE if image else PackageType.ZIP,
        package=ref,
    )
    out = PackageEnricher(NullInspector()).enrich(Inventory(functions=(fn,)), folder)
    assert len(out.packages) + len([g for g in out.gaps if g.field == "package"]) >= 1


_MUTATIONS = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=12)
_KEEP = st.floats(0.05, 1.0)
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_MUTATIONS, _KEEP)
def test_mutated_zips(cuts: list[tuple[int, int]], keep: float) -> None:
    _enrich(_mutate(_ZIP, cuts, keep), "fn.zip", image=False)


@_SETTINGS
@given(_MUTATIONS, _KEEP)
def test_mutated_image_tars(cuts: list[tuple[int, int]], keep: float) -> None:
    _enrich(_mutate(_TAR, cuts, keep), "fn.tar", image=True)


@settings(max_examples=300, deadline=None)
@given(_MUTATIONS, _KEEP)
def test_mutated_elf_headers(cuts: list[tuple[int, int]], keep: float) -> None:
    data = b"\x7fELF" + _mutate(elf(EM_AARCH64, ("2.17", "2.34")), cuts, keep)[4:]
    found = read_elf("lib/x.so", [data])
    assert found is None or found.path == "lib/x.so"


def test_version_needs_that_claim_billions_of_entries_are_bounded() -> None:
    data = bytearray(elf(EM_AARCH64, ("2.17", "2.34")))
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    verneed = shoff + 2 * 64  # the third section header
    struct.pack_into("<I", data, verneed + 44, 0xFFFFFFF0)  # sh_info: entries claimed
    entry = struct.unpack_from("<Q", data, verneed + 24)[0]
    struct.pack_into("<I", data, entry + 12, 0)  # vn_next 0: the walk stays on one entry
    found = read_elf("lib/x.so", [bytes(data)])
    assert found is not None and found.glibc == (2, 34)
