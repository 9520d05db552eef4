"""PKG001 (architecture of native binaries) and PKG003 (recorded hash vs the artifact)."""

from __future__ import annotations

import base64

from rules_network.rulekit import failures, fn, rule, run, unknowns
from rules_package_new.pkgrules import ALL, missing, package_gap, pkg

from fnguard.model import Architecture, ElfFile, FindingStatus, Inventory, PackageRef

PKG001 = rule(ALL, "PKG001")
PKG003 = rule(ALL, "PKG003")

ARM = ElfFile("lib/_native.so", "arm64", (2, 17))
X86 = ElfFile("lib/_other.so", "x86_64", (2, 17))


def test_pkg001_arm_binary_on_x86_function() -> None:
    f = fn(package=PackageRef(path="build/api.zip"))
    [finding] = run(PKG001, Inventory(functions=(f,), packages=(pkg(elf_files=(ARM, X86)),)))
    assert finding.status is FindingStatus.FAIL and finding.impact == 8
    assert finding.resource == f.address and finding.function == f.address
    assert (
        "runs on x86_64" in finding.message and "built for arm64: lib/_native.so" in finding.message
    )
    assert ("binary", "lib/_native.so (arm64)") in [(e.label, e.value) for e in finding.evidence]


def test_pkg001_near_miss_matching_architecture_is_quiet() -> None:
    f = fn(architectures=(Architecture.ARM64,))
    assert run(PKG001, Inventory(functions=(f,), packages=(pkg(elf_files=(ARM,)),))) == []
    other = ElfFile("lib/i386.so", "EM_386")
    [finding] = run(PKG001, Inventory(functions=(f,), packages=(pkg(elf_files=(ARM, other)),)))
    assert "built for EM_386" in finding.message


def test_pkg001_layer_binaries_against_each_function_using_it() -> None:
    arm_fn = fn("aws_lambda_function.arm", architectures=(Architecture.ARM64,))
    x86_fn = fn("aws_lambda_function.x86")
    layer = pkg("layers/deps.zip", arm_fn.address, x86_fn.address, is_layer=True, elf_files=(X86,))
    findings = run(PKG001, Inventory(functions=(arm_fn, x86_fn), packages=(layer,)))
    [finding] = findings
    assert finding.function == arm_fn.address and "layer layers/deps.zip" in finding.message


def test_pkg001_unknown_when_not_found_partly_read_or_architecture_unknown() -> None:
    f = fn()
    [gone] = run(PKG001, Inventory(functions=(f,), gaps=(missing(),)))
    assert gone.status is FindingStatus.UNKNOWN
    partial = pkg(elf_files=())
    [cut] = run(
        PKG001, Inventory(functions=(f,), packages=(partial,), gaps=(package_gap(partial),))
    )
    assert cut.status is FindingStatus.UNKNOWN and "not fully read" in cut.message
    bare = fn(architectures=())
    [arch] = run(PKG001, Inventory(functions=(bare,), packages=(pkg(elf_files=(ARM,)),)))
    assert arch.status is FindingStatus.UNKNOWN and "architecture" in arch.message
    # A mismatch found in what was read is reported even when the rest was not read.
    found = pkg(elf_files=(ARM,))
    inv = Inventory(functions=(f,), packages=(found,), gaps=(package_gap(found),))
    assert len(failures(run(PKG001, inv))) == 1 and unknowns(run(PKG001, inv)) == []


HEX = "ab" * 32
B64 = base64.b64encode(bytes.fromhex(HEX)).decode()


def test_pkg003_recorded_hash_matches_in_either_form() -> None:
    for recorded in (B64, HEX, HEX.upper()):
        f = fn(package=PackageRef(path="build/api.zip", recorded_hash=recorded, hash_declared=True))
        assert run(PKG003, Inventory(functions=(f,), packages=(pkg(sha256_hex=HEX),))) == []


def test_pkg003_recorded_hash_differs_from_artifact() -> None:
    other = base64.b64encode(b"\x01" * 32).decode()
    f = fn(package=PackageRef(path="build/api.zip", recorded_hash=other, hash_declared=True))
    [finding] = run(PKG003, Inventory(functions=(f,), packages=(pkg(sha256_hex=HEX),)))
    assert finding.impact == 8 and "does not match build/api.zip" in finding.message
    evidence = dict((e.label, e.value) for e in finding.evidence)
    assert evidence["artifact sha256 (base64, CodeSha256)"] == B64
    assert evidence["artifact sha256 (hex)"] == HEX and evidence["recorded hash"] == other
    garbage = fn(package=PackageRef(path="x.zip", recorded_hash="not-a-hash", hash_declared=True))
    [bad] = run(PKG003, Inventory(functions=(garbage,), packages=(pkg("x.zip", garbage.address),)))
    assert "(not a SHA-256)" in bad.message


def test_pkg003_keeps_its_behaviour_without_a_readable_artifact() -> None:
    computed = fn(package=PackageRef(path="build/api.zip", hash_declared=True))
    assert run(PKG003, Inventory(functions=(computed,), packages=(pkg(sha256_hex=HEX),))) == []
    folder = pkg("src", sha256_hex=None)
    declared = fn(package=PackageRef(path="src", recorded_hash=B64, hash_declared=True))
    assert run(PKG003, Inventory(functions=(declared,), packages=(folder,))) == []
    bare = fn(package=PackageRef(path="build/api.zip"))
    [finding] = run(PKG003, Inventory(functions=(bare,)))
    assert finding.impact == 5 and "no recorded hash" in finding.message
    layer_only = pkg(is_layer=True, sha256_hex="cd" * 32)
    hashed = fn(package=PackageRef(path="a.zip", recorded_hash=B64, hash_declared=True))
    assert run(PKG003, Inventory(functions=(hashed,), packages=(layer_only,))) == []
