"""Hand-built inventories for the dependency and package-secret rules."""

from __future__ import annotations

from typing import Any

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import ArtifactKind, Finding, Function, Inventory, Location, Package, Provider
from fnguard.rules import Rule, RuleContext

CTX = RuleContext(thresholds=Thresholds(), permissions=default_checker())
FN = "aws_lambda_function.api"


def fn(address: str = FN, **extra: Any) -> Function:
    return Function(
        address=address, provider=Provider.AWS, location=Location("main.tf", 1), **extra
    )


def pkg(path: str, functions: tuple[str, ...] = (FN,), **extra: Any) -> Package:
    return Package(
        address=f"package:{path}",
        location=Location(path),
        path=path,
        kind=ArtifactKind.ZIP,
        functions=functions,
        **extra,
    )


def run(rules: tuple[Rule, ...], inv: Inventory) -> list[Finding]:
    (rule,) = rules
    return list(rule.check(inv, CTX))
