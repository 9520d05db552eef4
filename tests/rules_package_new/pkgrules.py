"""Builders for the artifact-rule tests: hand-built packages beside rulekit's functions.

Imported as ``rules_package_new.pkgrules``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnguard.model import ArtifactKind, CollectionGap, Location, Package
from fnguard.rules.package import ARTIFACT_RULES, RULES

if TYPE_CHECKING:
    from fnguard.rules import Rule

ALL: tuple[Rule, ...] = (*RULES, *ARTIFACT_RULES)


def pkg(path: str = "build/api.zip", *functions: str, **kwargs: Any) -> Package:
    values: dict[str, Any] = {
        "location": Location(path),
        "path": path,
        "kind": ArtifactKind.ZIP,
        "functions": functions or ("aws_lambda_function.api",),
        "sha256_hex": "ab" * 32,
        "compressed_size": 1000,
        "uncompressed_size": 4000,
        "file_count": 3,
    }
    values.update(kwargs)
    return Package(address=f"package:{path}", **values)


def package_gap(package: Package, reason: str = "limit hit") -> CollectionGap:
    return CollectionGap(package.location, reason, package.address, "package")


def missing(address: str = "aws_lambda_function.api") -> CollectionGap:
    return CollectionGap(Location("main.tf", 1), "deployment package not found", address, "package")
