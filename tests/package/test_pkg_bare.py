"""A bare artifact from the command line becomes a synthetic function the rules can judge."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from package.pkgkit import EM_X86_64, Image, Item, LayerFile, docker_save, elf, write_zip
from rules_network.rulekit import ctx

from fnguard.collect.package import PackageEnricher, artifact_inventory
from fnguard.content import inspect, wants
from fnguard.errors import InputError, UsageError
from fnguard.model import Architecture, FindingStatus, PackageType
from fnguard.rules.package import ARTIFACT_RULES

if TYPE_CHECKING:
    from pathlib import Path


class _RealContent:
    """The real fnguard.content module behind the inspector protocol."""

    wants = staticmethod(wants)
    inspect = staticmethod(inspect)


def test_zip_given_on_the_command_line_with_arch_and_runtime(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "fn.zip",
        [
            Item("lib/fast.so", elf(EM_X86_64, ("2.28",))),
            Item("requirements.txt", b"flask==0.12\n"),
        ],
    )
    inv = artifact_inventory(path, "arm64", "python3.11")
    [fn] = inv.functions
    assert fn.architectures == (Architecture.ARM64,) and fn.runtime == "python3.11"
    assert fn.package.path == str(path) and fn.package.hash_declared
    full = inv.merge(PackageEnricher(_RealContent()).enrich(inv, None))
    [package] = full.packages
    assert package.functions == (fn.address,)
    assert [(d.name, d.version) for d in package.dependencies] == [("flask", "0.12")]
    found = {f.rule_id for r in ARTIFACT_RULES for f in r.check(full, ctx())}
    assert found == {"PKG001"}  # glibc 2.28 is judged only for binaries of the right machine


def test_without_an_architecture_pkg001_is_unknown(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fn.zip", [Item("lib/fast.so", elf(EM_X86_64))])
    inv = artifact_inventory(path, None, None)
    full = inv.merge(PackageEnricher(_RealContent()).enrich(inv, None))
    [pkg001] = [f for r in ARTIFACT_RULES if r.meta.id == "PKG001" for f in r.check(full, ctx())]
    assert pkg001.status is FindingStatus.UNKNOWN and "architecture" in pkg001.message


def test_image_archive_and_bad_input(tmp_path: Path) -> None:
    archive = docker_save(tmp_path / "img.tar", Image([[LayerFile("var/task/a.py", b"x")]]))
    [fn] = artifact_inventory(archive, "x86_64", None).functions
    assert fn.package_type is PackageType.IMAGE and fn.package.path == str(archive)
    full = artifact_inventory(archive, "x86_64", None)
    [package] = full.merge(PackageEnricher(_RealContent()).enrich(full, None)).packages
    assert package.file_count == 1
    with pytest.raises(UsageError, match="--function-arch must be one of"):
        artifact_inventory(archive, "sparc", None)
    with pytest.raises(InputError, match="no such file"):
        artifact_inventory(tmp_path / "gone.zip", None, None)
