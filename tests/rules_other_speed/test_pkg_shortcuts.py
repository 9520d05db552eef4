"""The package rules' per-inventory shortcuts answer as the plain computations they skip.

``concerned`` (the functions a package rule can say anything about), the first package gap
of a function or a package, the packages no function deploys and PKG006's "nothing can come
near a limit" are each compared with the question asked of every function and package, over
generated inventories holding the near misses: duplicate function and package addresses,
packages naming absent functions, gaps of no field and of other fields.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_network.rulekit import TODAY, FakeChecker

from fnguard.config import Thresholds
from fnguard.errors import RuleError
from fnguard.model import (
    ArtifactKind,
    CollectionGap,
    ElfFile,
    FindingStatus,
    Function,
    Inventory,
    Location,
    Package,
    Provider,
)
from fnguard.rules import RuleContext
from fnguard.rules._pkg_artifact import (
    RULES as ARTIFACT_RULES,
)
from fnguard.rules._pkg_artifact import (
    UNZIPPED_LIMIT,
    ZIPPED_LIMIT,
    _all_within,
    _size_verdict,
)
from fnguard.rules._pkg_common import concerned, function_gap, package_gap, unused

_FUNCTIONS = ("fn.a", "fn.b", "fn.c")
_PACKAGES = ("package:p", "package:q", "fn.a")
_GAP_FIELDS = ("", "package", "advisories", "code")
_MIB = 1024 * 1024

functions = st.lists(st.sampled_from(_FUNCTIONS), max_size=4).map(
    lambda addresses: tuple(
        Function(address=a, provider=Provider.AWS, location=Location("main.tf", i))
        for i, a in enumerate(addresses)
    )
)
packages = st.lists(
    st.builds(
        lambda address, users, kind, unzipped, zipped, elf: Package(
            address=address,
            location=Location(address),
            path=address,
            kind=kind,
            functions=tuple(users),
            uncompressed_size=unzipped,
            compressed_size=zipped,
            elf_files=(ElfFile("x.so", "arm64"),) if elf else (),
        ),
        st.sampled_from(_PACKAGES),
        st.lists(st.sampled_from((*_FUNCTIONS, "ghost")), max_size=3),
        st.sampled_from(tuple(ArtifactKind)),
        st.sampled_from((0, 1, 120 * _MIB, 226 * _MIB, 260 * _MIB, -5)),
        st.sampled_from((None, 0, 10, 46 * _MIB, 51 * _MIB)),
        st.booleans(),
    ),
    max_size=3,
)
gaps = st.lists(
    st.builds(
        lambda resource, field, n: CollectionGap(Location("x.tf", n), f"r{n}", resource, field),
        st.sampled_from((*_FUNCTIONS, *_PACKAGES, "")),
        st.sampled_from(_GAP_FIELDS),
        st.integers(0, 9),
    ),
    max_size=4,
)
inventories = st.builds(
    lambda f, p, g: Inventory(functions=f, packages=p, gaps=g), functions, packages, gaps
)


def _first(found: tuple[CollectionGap, ...]) -> CollectionGap | None:
    return found[0] if found else None


@settings(max_examples=300, deadline=None)
@given(inventories)
def test_first_gaps_are_the_inventorys(inv: Inventory) -> None:
    for fn in inv.functions:
        plain = [g for g in inv.gaps_for(fn.address, "package") if g.field == "package"]
        assert function_gap(inv, fn) == _first(tuple(plain))
    for pkg in inv.packages:
        assert package_gap(inv, pkg) == _first(inv.gaps_for(pkg.address, "package"))


@settings(max_examples=300, deadline=None)
@given(inventories)
def test_concerned_are_the_functions_with_a_gap_or_a_judged_package(inv: Inventory) -> None:
    def judged(pkg: Package) -> bool:
        return bool(pkg.elf_files)

    plain = [
        fn
        for fn in inv.functions
        if function_gap(inv, fn) is not None or any(judged(p) for p in inv.packages_of(fn))
    ]
    assert list(concerned(inv, judged)) == plain


@settings(max_examples=300, deadline=None)
@given(inventories)
def test_unused_packages_are_those_no_function_deploys(inv: Inventory) -> None:
    deployed = {p.address for fn in inv.functions for p in inv.packages_of(fn)}
    assert unused(inv) == tuple(p for p in inv.packages if p.address not in deployed)


@settings(max_examples=300, deadline=None)
@given(inventories, st.sampled_from((0, 1, 50, 90, 100, 150)))
def test_all_within_means_no_function_has_a_size_verdict(inv: Inventory, near: int) -> None:
    if not _all_within(inv, near):
        return
    for fn in inv.functions:
        deployed = [p for p in inv.packages_of(fn) if p.kind is not ArtifactKind.IMAGE]
        code = next((p for p in deployed if not p.is_layer), None)
        assert _size_verdict(fn, code, deployed, near) is None


def test_all_within_holds_for_small_packages_only() -> None:
    small = Package(
        "package:p", Location("p"), "p", ArtifactKind.ZIP, ("fn.a",), False, None, 10, 20
    )
    assert _all_within(Inventory(packages=(small,)), 90)
    assert not _all_within(Inventory(packages=(small,)), 0)  # every size is "near" then
    shared = Package(
        "package:p", Location("p"), "p", ArtifactKind.ZIP, ("fn.a",) * 3, False, None, 10, 80 * _MIB
    )
    assert not _all_within(Inventory(packages=(shared,)), 90)  # counted once per naming
    at = Package("package:z", Location("z"), "z", ArtifactKind.ZIP, ("fn.a",), False, None, 1, 1)
    assert _all_within(Inventory(packages=(replace(at, compressed_size=ZIPPED_LIMIT),)), 150)
    over = replace(at, compressed_size=ZIPPED_LIMIT + 1)
    assert not _all_within(Inventory(packages=(over,)), 150)  # over, whatever "near" says
    image = Package(
        "package:i",
        Location("i"),
        "i",
        ArtifactKind.IMAGE,
        ("fn.a",),
        False,
        None,
        1,
        UNZIPPED_LIMIT,
    )
    assert _all_within(Inventory(packages=(image,)), 90)  # images are not sized here


def test_artifact_rules_report_an_unread_layer_of_every_function_and_a_lone_one() -> None:
    a = Function("fn.a", Provider.AWS, Location("main.tf", 1))
    twin = Function("fn.a", Provider.AWS, Location("main.tf", 9))  # same address
    layer = Package("package:l", Location("l"), "l", ArtifactKind.ZIP, ("fn.a", "ghost"), True)
    lone = Package("package:m", Location("m"), "m", ArtifactKind.ZIP, ("ghost",), errors=("crc",))
    unread = CollectionGap(Location("x.tf"), "limit hit", "package:l")  # no field: counts
    inv = Inventory(functions=(a, twin), packages=(layer, lone), gaps=(unread,))
    ctx = RuleContext(thresholds=Thresholds(), permissions=FakeChecker(), today=TODAY)
    found = {r.meta.id: list(r.check(inv, ctx)) for r in ARTIFACT_RULES}
    # a package names its users by address: the first function of that address
    assert [(f.resource, f.status) for f in found["PKG004"]] == [
        ("fn.a", FindingStatus.UNKNOWN),
        ("package:m", FindingStatus.FAIL),
    ]
    assert [f.location for f in found["PKG006"]] == [a.location, twin.location]


def test_pkg002_fails_on_a_malformed_os_table_whenever_a_platform_is_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fnguard.rules import _pkg_native, _pkg_platform

    monkeypatch.setattr(_pkg_platform, "shipped_document", lambda: {"runtimes": []})
    _pkg_platform._table.cache_clear()
    try:
        pkg002 = next(r for r in _pkg_native.RULES if r.meta.id == "PKG002")
        ctx = RuleContext(thresholds=Thresholds(), permissions=FakeChecker(), today=TODAY)
        asks = Function("fn.a", Provider.AWS, Location("main.tf", 1), runtime="python3.12")
        with pytest.raises(RuleError, match="operating_systems"):
            list(pkg002.check(Inventory(functions=(asks,)), ctx))  # no package: still judged
        silent = replace(asks, runtime=None)
        assert list(pkg002.check(Inventory(functions=(silent,)), ctx)) == []
    finally:
        _pkg_platform._table.cache_clear()
