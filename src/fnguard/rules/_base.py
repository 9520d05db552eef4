"""What a rule is: typed metadata beside a small pure function ``(inventory, ctx) -> findings``.

A rule never parses files or calls cloud APIs; it reads the normalised inventory only, so the
same function declared in any format (or found live) gets the same verdict.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard.model import (
    Evidence,
    Finding,
    FindingStatus,
    Function,
    Inventory,
    Location,
    Provider,
    Remediation,
    Severity,
)

if TYPE_CHECKING:
    from fnguard.config import Thresholds
    from fnguard.iam import PermissionChecker

__all__ = ["Check", "Mappings", "Rule", "RuleContext", "RuleMeta"]


@dataclass(frozen=True)
class Mappings:
    """Controls a rule maps to. Values are identifiers such as "A.8.2" or "SAS-4"."""

    iso27001: tuple[str, ...] = ()  # ISO/IEC 27001:2022 Annex A
    cis: tuple[str, ...] = ()  # CIS AWS Foundations / CIS GCP benchmark items
    owasp_serverless: tuple[str, ...] = ()  # OWASP Serverless Top 10 (SAS-1 .. SAS-10)


@dataclass(frozen=True)
class RuleMeta:
    """A rule's identity, text and mappings, apart from its logic: the catalog, docs and reports
    read it, and ``finding`` / ``unknown`` give all its findings the same title, impact and fix."""

    id: str
    title: str
    impact: int
    description: str
    remediation: Remediation
    mappings: Mappings
    providers: tuple[Provider, ...] = (Provider.AWS,)
    area: str = ""

    @property
    def severity(self) -> Severity:
        return Severity.from_impact(self.impact)

    def finding(
        self,
        *,
        resource: str,
        location: Location | None,
        message: str,
        evidence: Iterable[Evidence] = (),
        function: Function | None = None,
        status: FindingStatus = FindingStatus.FAIL,
        impact: int | None = None,
    ) -> Finding:
        """Build a finding of this rule; ``impact`` lowers or raises it for this one case."""
        return Finding(  # positional, in field order: a call with no keywords to match
            self.id,
            self.title,
            impact if impact is not None else self.impact,
            resource,
            location,
            message,
            self.remediation,
            tuple(evidence),
            function.address if function else None,
            status,
            function.provider if function else self.providers[0],
        )

    def unknown(self, *, fn: Function, message: str, evidence: Iterable[Evidence] = ()) -> Finding:
        """The rule could not decide because a collection gap hid what it needed."""
        return self.finding(
            resource=fn.address,
            location=fn.location,
            message=message,
            evidence=evidence,
            function=fn,
            status=FindingStatus.UNKNOWN,
        )


@dataclass(frozen=True)
class RuleContext:
    """What a rule may consult besides the inventory; injected, never global."""

    thresholds: Thresholds
    permissions: PermissionChecker
    today: _dt.date = field(default_factory=_dt.date.today)


Check = Callable[[Inventory, RuleContext], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A rule as the catalog registers it: its metadata beside its check of the inventory."""

    meta: RuleMeta
    check: Check
