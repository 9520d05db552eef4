"""PackageEnricher: the exact Package for each artifact, layers linked, gaps for what is missing."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

import pytest
from package.pkgkit import (
    EM_AARCH64,
    EM_X86_64,
    FakeInspector,
    Item,
    NullInspector,
    corrupt_crc,
    elf,
    gcc_elf,
    sha256,
    write_zip,
)

from fnguard import limits
from fnguard.collect.package import PackageEnricher
from fnguard.model import (
    ArtifactKind,
    CollectionGap,
    Dependency,
    ElfFile,
    FileIssue,
    FileIssueKind,
    FoundSecret,
    Function,
    Inventory,
    Layer,
    Location,
    Package,
    PackageRef,
    Provider,
    WheelTag,
)

if TYPE_CHECKING:
    from pathlib import Path

MAC_WHEEL = b"Wheel-Version: 1.0\nGenerator: bdist_wheel\nRoot-Is-Purelib: false\n" + (
    b"Tag: cp312-cp312-macosx_11_0_arm64\n"
)


def _big(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _fn(address: str = "aws_lambda_function.api", **package: object) -> Function:
    return Function(
        address,
        Provider.AWS,
        Location("main.tf", 3),
        package=PackageRef(**package),  # type: ignore[arg-type]
    )


def _enrich(inv: Inventory, root: Path, inspector: object = None) -> Inventory:
    return PackageEnricher(inspector or NullInspector()).enrich(inv, root)  # type: ignore[arg-type]


def test_zip_with_both_architectures_setuid_link_wheel_and_content(tmp_path: Path) -> None:
    arm = elf(EM_AARCH64, ("2.17", "2.28"))
    x86 = elf(EM_X86_64, ("2.2.5", "2.14"))
    (tmp_path / "build").mkdir()
    items = [
        Item("handler.py", b"def handler(e, c):\n    return 1\n"),
        Item("lib/libarm.so", arm),
        Item("lib/libx86.so", x86, 0o100777),
        Item("bin/helper", b"#!/bin/sh\n", 0o104755),
        Item("data", link="../../etc/passwd"),
        Item("numpy-2.0.0.dist-info/WHEEL", MAC_WHEEL),
        Item("requirements.txt", b"requests==2.0.0\n"),
        Item(".env", b"AWS_SECRET=AKIAIOSFODNN7EXAMPLE\n"),
    ]
    path = write_zip(tmp_path / "build" / "api.zip", items)
    inspector = FakeInspector()
    fn = _fn(path="build/api.zip")
    out = _enrich(Inventory(functions=(fn,)), tmp_path, inspector)
    where = f"{path.as_posix()}!/"
    assert out.gaps == ()
    assert out.packages == (
        Package(
            address="package:build/api.zip",
            location=Location("build/api.zip"),
            path="build/api.zip",
            kind=ArtifactKind.ZIP,
            functions=(fn.address,),
            sha256_hex=sha256(path),
            compressed_size=path.stat().st_size,
            uncompressed_size=sum(
                i.file_size for i in zipfile.ZipFile(path).infolist() if not i.is_dir()
            ),
            file_count=8,
            largest=tuple(
                sorted(((i.name, len(i.data or (i.link or "").encode())) for i in items), key=_big)
            ),
            elf_files=(
                ElfFile("lib/libarm.so", "arm64", (2, 28)),
                ElfFile("lib/libx86.so", "x86_64", (2, 14)),
            ),
            wheels=(
                WheelTag(
                    "numpy-2.0.0.dist-info/WHEEL", "numpy", ("cp312-cp312-macosx_11_0_arm64",)
                ),
            ),
            file_issues=(
                FileIssue("lib/libx86.so", FileIssueKind.WORLD_WRITABLE, "mode 0777"),
                FileIssue("bin/helper", FileIssueKind.SETUID, "mode 4755"),
                FileIssue("data", FileIssueKind.LINK_ESCAPES, "-> ../../etc/passwd"),
            ),
            dependencies=(Dependency("PyPI", "requests", "2.0.0", where + "requirements.txt", 1),),
            secrets=(FoundSecret(where + ".env", 1, ".env file", "AKIA************"),),
        ),
    )
    assert [name for name, _, _ in inspector.seen] == ["requirements.txt", ".env"]


def test_gcc_built_shared_object_is_read(tmp_path: Path) -> None:
    built = gcc_elf(tmp_path)
    if built is None:
        pytest.skip("gcc is not installed")
    write_zip(tmp_path / "fn.zip", [Item("libfixture.so", built)])
    [package] = _enrich(Inventory(functions=(_fn(path="fn.zip"),)), tmp_path).packages
    [binary] = package.elf_files
    assert binary.machine == "x86_64" and binary.glibc is not None and binary.glibc >= (2, 2)


def test_big_binary_keeps_only_head_and_tail(tmp_path: Path) -> None:
    big = elf(EM_AARCH64, ("2.34",), pad=20 * 1024 * 1024)
    write_zip(tmp_path / "fn.zip", [Item("libbig.so", big)])
    [package] = _enrich(Inventory(functions=(_fn(path="fn.zip"),)), tmp_path).packages
    assert package.elf_files == (ElfFile("libbig.so", "arm64", (2, 34)),)


def test_folder_fallback_from_source_dir_and_missing_artifact_gap(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("x = 1\n")
    built_later = _fn("aws_lambda_function.a", path="build/a.zip", source_dir="src")
    missing = _fn("aws_lambda_function.b", path="build/b.zip")
    out = _enrich(Inventory(functions=(built_later, missing)), tmp_path)
    [package] = out.packages
    assert package.kind is ArtifactKind.FOLDER and package.path == "src"
    assert package.sha256_hex is None and package.compressed_size is None
    assert package.file_count == 1 and package.uncompressed_size == 6
    [gap] = out.gaps
    assert gap.resource == missing.address and gap.field == "package-source"
    assert "build/b.zip" in gap.reason and gap.location == missing.location


def test_paths_relative_to_the_declaring_file(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    write_zip(tmp_path / "infra" / "fn.zip", [Item("a.py", b"")])
    fn = Function(
        "F", Provider.AWS, Location("infra/template.yaml", 4), package=PackageRef(path="fn.zip")
    )
    [package] = _enrich(Inventory(functions=(fn,)), tmp_path).packages
    assert package.path == "infra/fn.zip"


def test_layers_shared_by_two_functions_make_one_package(tmp_path: Path) -> None:
    write_zip(tmp_path / "a.zip", [Item("a.py", b"")])
    write_zip(tmp_path / "layer.zip", [Item("python/lib.so", elf(EM_X86_64))])
    layer = Layer(
        "aws_lambda_layer_version.deps",
        Location("main.tf", 20),
        arn="arn:aws:lambda:eu-west-1:111122223333:layer:deps:1",
        package=PackageRef(path="layer.zip"),
    )
    a = Function(
        "A",
        Provider.AWS,
        Location("main.tf", 1),
        layers=(layer.address,),
        package=PackageRef(path="a.zip"),
    )
    b = Function(
        "B", Provider.AWS, Location("main.tf", 9), layers=(layer.arn or "",), package=PackageRef()
    )
    out = _enrich(Inventory(functions=(a, b), layers=(layer,)), tmp_path)
    code, deps = out.packages
    assert (code.path, code.is_layer, code.functions) == ("a.zip", False, ("A",))
    assert (deps.path, deps.is_layer, deps.functions) == ("layer.zip", True, ("A", "B"))
    inv = Inventory(functions=(a, b), layers=(layer,)).merge(out)
    assert [p.path for p in inv.packages_of(a)] == ["a.zip", "layer.zip"]


def test_missing_layer_and_unused_layer(tmp_path: Path) -> None:
    gone = Layer("L1", Location("main.tf", 5), package=PackageRef(path="gone.zip"))
    write_zip(tmp_path / "spare.zip", [Item("x", b"")])
    spare = Layer("L2", Location("main.tf", 7), package=PackageRef(path="spare.zip"))
    fn = Function("F", Provider.AWS, Location("main.tf", 1), layers=("L1",))
    out = _enrich(Inventory(functions=(fn,), layers=(gone, spare)), tmp_path)
    [package] = out.packages
    assert package.path == "spare.zip" and package.functions == () and package.is_layer
    [gap] = out.gaps
    assert (gap.resource, gap.field) == ("F", "package-source") and "layer L1" in gap.reason


def test_corrupt_and_truncated_zips_are_packages_with_errors(tmp_path: Path) -> None:
    bad = write_zip(tmp_path / "bad.zip", [Item("a.txt", b"hello")], compress=zipfile.ZIP_STORED)
    corrupt_crc(bad, "a.txt")
    cut = write_zip(tmp_path / "cut.zip", [Item("a.txt", b"x" * 4000)])
    cut.write_bytes(cut.read_bytes()[:50])
    fns = (_fn("A", path="bad.zip"), _fn("B", path="cut.zip"))
    out = _enrich(Inventory(functions=fns), tmp_path)
    bad_pkg, cut_pkg = out.packages
    [crc] = bad_pkg.errors
    assert "Bad CRC-32" in crc and "a.txt" in crc and bad_pkg.file_count == 1
    [trunc] = cut_pkg.errors
    assert trunc.startswith("truncated or damaged zip archive") and cut_pkg.file_count == 0
    assert cut_pkg.sha256_hex == sha256(cut) and out.gaps == ()


def test_limit_hit_is_a_gap_on_the_package(tmp_path: Path) -> None:
    write_zip(tmp_path / "fn.zip", [Item(f"f{i}", b"x") for i in range(4)])
    with limits.use(limits.Limits(max_archive_members=2)):
        out = _enrich(Inventory(functions=(_fn(path="fn.zip"),)), tmp_path)
    [package] = out.packages
    assert package.file_count == 2 and package.errors == ()
    [gap] = out.gaps
    assert gap == CollectionGap(Location("fn.zip"), gap.reason, "package:fn.zip", "package")
    assert "max-archive-members" in gap.reason


def test_inspector_files_over_the_file_limit_are_a_gap(tmp_path: Path) -> None:
    write_zip(tmp_path / "fn.zip", [Item("requirements.txt", b"a==1\n" * 100)])
    inspector = FakeInspector()
    with limits.use(limits.Limits(max_file_bytes=100)):
        out = _enrich(Inventory(functions=(_fn(path="fn.zip"),)), tmp_path, inspector)
    assert inspector.seen == [] and out.packages[0].dependencies == ()
    [gap] = out.gaps
    assert "max-file-bytes" in gap.reason and "requirements.txt" in gap.reason


def test_folder_links_only_absolute_ones_are_reported(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "src").symlink_to("../shared")  # a monorepo's shared code
    (tmp_path / "svc" / "creds").symlink_to("/root/.aws/credentials")
    (tmp_path / "svc" / "app.py").write_text("x = 1\n")
    [package] = _enrich(Inventory(functions=(_fn(path="svc"),)), tmp_path).packages
    assert package.file_issues == (
        FileIssue("creds", FileIssueKind.LINK_ESCAPES, "-> /root/.aws/credentials"),
    )
