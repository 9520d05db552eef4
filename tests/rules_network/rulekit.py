"""Builders and a fake permission checker shared by the NET/LOG/LIM/PKG/RUN rule tests.

Imported as ``rules_network.rulekit`` (``tests`` is on the path; the folder is a namespace
package). The fake answers from canned grants, the house style for injected services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from fnguard.config import Thresholds
from fnguard.iam import Decision
from fnguard.model import (
    Finding,
    FindingStatus,
    Function,
    Inventory,
    Location,
    Policy,
    PolicyKind,
    Provider,
    Role,
)
from fnguard.rules import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

TODAY = dt.date(2026, 11, 25)


def loc(line: int = 1, file: str = "main.tf") -> Location:
    return Location(file, line)


@dataclass
class FakeChecker:
    """Allows exactly the canned (action, resource glob) pairs; records every question."""

    grants: tuple[tuple[str, str], ...] = ()
    conditional: bool = False
    asked: list[tuple[str, str]] = field(default_factory=list)

    def identity_allows(
        self, policies: Sequence[Policy], action: str, resource: str = "*"
    ) -> Decision:
        self.asked.append((action, resource))
        for granted_action, pattern in self.grants:
            if granted_action == action and fnmatchcase(resource, pattern):
                return Decision(True, (f"fake#{granted_action}",), self.conditional)
        return Decision(False)

    def resource_allows_anonymous(
        self, statements: Sequence[Mapping[str, Any]], action: str, resource: str = "*"
    ) -> Decision:
        return Decision(False)

    def expand_action(self, pattern: str) -> tuple[str, ...]:
        return (pattern,)

    def access_level(self, action: str) -> str | None:
        return None


def ctx(
    checker: Any = None, *, today: dt.date = TODAY, thresholds: Thresholds | None = None
) -> RuleContext:
    return RuleContext(
        thresholds=thresholds or Thresholds(),
        permissions=checker if checker is not None else FakeChecker(),
        today=today,
    )


def fn(address: str = "aws_lambda_function.api", **kwargs: Any) -> Function:
    values: dict[str, Any] = {
        "provider": Provider.AWS,
        "location": loc(),
        "name": address.rsplit(".", 1)[-1],
        "runtime": "python3.13",
    }
    values.update(kwargs)
    return Function(address=address, **values)


def role(
    address: str = "aws_iam_role.fn",
    statements: Iterable[Mapping[str, Any]] = (),
    *,
    unreadable: Iterable[str] = (),
) -> Role:
    policies = [
        Policy(
            "inline", PolicyKind.INLINE, {"Version": "2012-10-17", "Statement": list(statements)}
        )
    ]
    policies += [Policy(name, PolicyKind.AWS_MANAGED, None) for name in unreadable]
    return Role(address=address, provider=Provider.AWS, location=loc(), policies=tuple(policies))


def run(rule: Rule, inv: Inventory, context: RuleContext | None = None) -> list[Finding]:
    return list(rule.check(inv, context or ctx()))


def failures(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.status is FindingStatus.FAIL]


def unknowns(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.status is FindingStatus.UNKNOWN]


def rule(rules: Iterable[Rule], rule_id: str) -> Rule:
    return next(r for r in rules if r.meta.id == rule_id)
