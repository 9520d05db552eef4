"""PKG002 (glibc and wheel platform), PKG004 (corrupt), PKG005 (risky files), PKG006 (size)."""

from __future__ import annotations

from rules_network.rulekit import fn, rule, run
from rules_package_new.pkgrules import ALL, missing, package_gap, pkg

from fnguard.model import (
    Architecture,
    ElfFile,
    FileIssue,
    FileIssueKind,
    FindingStatus,
    Inventory,
    PackageRef,
    WheelTag,
)
from fnguard.rules._pkg_artifact import UNZIPPED_LIMIT, ZIPPED_LIMIT

PKG002 = rule(ALL, "PKG002")
PKG004 = rule(ALL, "PKG004")
PKG005 = rule(ALL, "PKG005")
PKG006 = rule(ALL, "PKG006")

NEW = ElfFile("lib/_speedups.so", "x86_64", (2, 28))
OLD = ElfFile("lib/_ok.so", "x86_64", (2, 17))


def _wheel(*tags: str, dist: str = "numpy") -> WheelTag:
    return WheelTag(f"{dist}-1.0.dist-info/WHEEL", dist, tags)


# --------------------------------------------------------------------------- PKG002


def test_pkg002_glibc_newer_than_amazon_linux_2() -> None:
    f = fn(runtime="python3.11")
    [finding] = run(PKG002, Inventory(functions=(f,), packages=(pkg(elf_files=(NEW, OLD)),)))
    assert finding.impact == 7 and "needs GLIBC_2.28" in finding.message
    assert (
        "Amazon Linux 2 (glibc 2.26)" in finding.message and "lib/_speedups.so" in finding.message
    )
    assert "_ok.so" not in finding.message


def test_pkg002_same_binary_fits_amazon_linux_2023() -> None:
    f = fn(runtime="python3.12")
    assert run(PKG002, Inventory(functions=(f,), packages=(pkg(elf_files=(NEW,)),))) == []
    at_limit = ElfFile("lib/x.so", "x86_64", (2, 34))
    assert run(PKG002, Inventory(functions=(f,), packages=(pkg(elf_files=(at_limit,)),))) == []


def test_pkg002_other_machine_binaries_are_left_to_pkg001() -> None:
    arm = ElfFile("lib/arm.so", "arm64", (2, 38))
    f = fn(runtime="python3.12")
    assert run(PKG002, Inventory(functions=(f,), packages=(pkg(elf_files=(arm,)),))) == []


def test_pkg002_macos_musl_and_wrong_abi_wheels() -> None:
    f = fn(runtime="python3.12")
    wheels = (
        _wheel("cp312-cp312-macosx_11_0_arm64"),
        _wheel("cp312-cp312-musllinux_1_1_x86_64", dist="orjson"),
        _wheel("cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64", dist="pydantic_core"),
    )
    [finding] = run(PKG002, Inventory(functions=(f,), packages=(pkg(wheels=wheels),)))
    assert "3 wheel(s) built for another platform" in finding.message
    why = {e.label: e.value for e in finding.evidence}
    assert "macosx_11_0_arm64" in why["numpy-1.0.dist-info/WHEEL"]
    assert "musllinux_1_1_x86_64" in why["orjson-1.0.dist-info/WHEEL"]
    assert "cp311-cp311" in why["pydantic_core-1.0.dist-info/WHEEL"]


def test_pkg002_fitting_wheels_are_quiet() -> None:
    f = fn(runtime="python3.12")
    wheels = (
        _wheel("py3-none-any", dist="requests"),
        _wheel("cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"),
        _wheel("cp38-abi3-manylinux_2_28_x86_64", dist="cryptography"),
        _wheel("cp312-cp312-manylinux_2_34_x86_64", dist="edge"),
    )
    assert run(PKG002, Inventory(functions=(f,), packages=(pkg(wheels=wheels),))) == []


def test_pkg002_wheel_for_a_newer_glibc_or_other_arch() -> None:
    al2 = fn(runtime="python3.11")
    too_new = _wheel("cp311-cp311-manylinux_2_28_x86_64")
    [finding] = run(PKG002, Inventory(functions=(al2,), packages=(pkg(wheels=(too_new,)),)))
    assert "glibc <= 2.26" in finding.evidence[1].value
    arm = fn(runtime="python3.12", architectures=(Architecture.ARM64,))
    x86 = _wheel("cp312-cp312-manylinux_2_17_x86_64")
    assert len(run(PKG002, Inventory(functions=(arm,), packages=(pkg(wheels=(x86,)),)))) == 1
    aarch = _wheel("cp312-cp312-manylinux_2_17_aarch64")
    assert run(PKG002, Inventory(functions=(arm,), packages=(pkg(wheels=(aarch,)),))) == []


def test_pkg002_unknown_runtime_or_unread_package() -> None:
    custom = fn(runtime="python9.9")
    [finding] = run(PKG002, Inventory(functions=(custom,), packages=(pkg(elf_files=(NEW,)),)))
    assert finding.status is FindingStatus.UNKNOWN and "python9.9" in finding.message
    plain = fn(runtime="python3.12")
    assert run(PKG002, Inventory(functions=(custom,), packages=(pkg(),))) == []
    partial = pkg()
    inv = Inventory(functions=(plain,), packages=(partial,), gaps=(package_gap(partial),))
    [cut] = run(PKG002, inv)
    assert cut.status is FindingStatus.UNKNOWN


# --------------------------------------------------------------------------- PKG004


def test_pkg004_corrupt_package_per_function_and_unused_layer() -> None:
    a, b = fn("aws_lambda_function.a"), fn("aws_lambda_function.b")
    shared = pkg("layer.zip", a.address, b.address, is_layer=True, errors=("bad CRC", "cut"))
    lonely = pkg("spare.zip", is_layer=True, functions=(), errors=("truncated",))
    findings = run(PKG004, Inventory(functions=(a, b), packages=(shared, lonely)))
    assert [(f.resource, f.function) for f in findings] == [
        (a.address, a.address),
        (b.address, b.address),
        ("package:spare.zip", None),
    ]
    assert (
        findings[0].message == "layer layer.zip of a is corrupt or unreadable: bad CRC (and 1 more)"
    )


def test_pkg004_intact_is_quiet_missing_or_partial_is_unknown() -> None:
    f = fn()
    assert run(PKG004, Inventory(functions=(f,), packages=(pkg(),))) == []
    [gone] = run(PKG004, Inventory(functions=(f,), gaps=(missing(),)))
    assert gone.status is FindingStatus.UNKNOWN
    partial = pkg()
    [cut] = run(
        PKG004, Inventory(functions=(f,), packages=(partial,), gaps=(package_gap(partial),))
    )
    assert cut.status is FindingStatus.UNKNOWN and "not fully read" in cut.message


# --------------------------------------------------------------------------- PKG005


def test_pkg005_setuid_writable_and_escaping_link() -> None:
    issues = (
        FileIssue("bin/tool", FileIssueKind.SETUID, "mode 4755"),
        FileIssue("data", FileIssueKind.LINK_ESCAPES, "-> ../../etc/passwd"),
        FileIssue("app.py", FileIssueKind.WORLD_WRITABLE, "mode 0666"),
    )
    f = fn()
    [finding] = run(PKG005, Inventory(functions=(f,), packages=(pkg(file_issues=issues),)))
    assert finding.impact == 5
    assert "3 risky file(s) (link-escapes, setuid, world-writable)" in finding.message
    assert ("setuid", "bin/tool mode 4755") in [(e.label, e.value) for e in finding.evidence]


def test_pkg005_clean_package_is_quiet() -> None:
    assert run(PKG005, Inventory(functions=(fn(),), packages=(pkg(),))) == []


# --------------------------------------------------------------------------- PKG006


def test_pkg006_over_unzipped_with_layers_lists_largest() -> None:
    f = fn(layers=("aws_lambda_layer_version.deps",))
    code = pkg(uncompressed_size=100 * 2**20, largest=(("app/model.bin", 90 * 2**20),))
    layer = pkg(
        "layers/deps.zip",
        is_layer=True,
        uncompressed_size=160 * 2**20,
        largest=(("python/torch/lib.so", 150 * 2**20),),
    )
    [finding] = run(PKG006, Inventory(functions=(f,), packages=(code, layer)))
    assert finding.impact == 4
    assert finding.message == "api is over the deployment limits: 250 MB unzipped with layers"
    large = [e.value for e in finding.evidence if e.label == "large file"]
    assert large == ["layers/deps.zip!/python/torch/lib.so (150.0 MB)", "app/model.bin (90.0 MB)"]


def test_pkg006_near_is_lower_and_under_is_quiet() -> None:
    f = fn()
    near = pkg(compressed_size=int(ZIPPED_LIMIT * 0.95), uncompressed_size=10)
    [finding] = run(PKG006, Inventory(functions=(f,), packages=(near,)))
    assert finding.impact == 2 and "near the deployment limits: 50 MB zipped" in finding.message
    under = pkg(compressed_size=int(ZIPPED_LIMIT * 0.85), uncompressed_size=UNZIPPED_LIMIT // 2)
    assert run(PKG006, Inventory(functions=(f,), packages=(under,))) == []


def test_pkg006_zip_quota_only_for_direct_upload() -> None:
    s3 = fn(package=PackageRef(s3_bucket="artifacts", s3_key="fn.zip", path="fn.zip"))
    big_zip = pkg(compressed_size=ZIPPED_LIMIT + 1, uncompressed_size=10)
    assert run(PKG006, Inventory(functions=(s3,), packages=(big_zip,))) == []
    direct = fn()
    [finding] = run(PKG006, Inventory(functions=(direct,), packages=(big_zip,)))
    assert finding.impact == 4


def test_pkg006_unknown_when_not_found_or_partly_read() -> None:
    f = fn()
    [gone] = run(PKG006, Inventory(functions=(f,), gaps=(missing(),)))
    assert gone.status is FindingStatus.UNKNOWN
    partial = pkg()
    [cut] = run(
        PKG006, Inventory(functions=(f,), packages=(partial,), gaps=(package_gap(partial),))
    )
    assert cut.status is FindingStatus.UNKNOWN


def test_pkg006_near_share_is_a_threshold() -> None:
    from rules_network.rulekit import ctx

    from fnguard.config import Thresholds

    f = fn()
    at_85 = pkg(compressed_size=int(ZIPPED_LIMIT * 0.85), uncompressed_size=10)
    inventory = Inventory(functions=(f,), packages=(at_85,))
    assert run(PKG006, inventory) == []
    [finding] = run(PKG006, inventory, ctx(thresholds=Thresholds(package_near_percent=80)))
    assert finding.impact == 2 and "near" in finding.message
