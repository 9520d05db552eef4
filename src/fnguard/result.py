"""The outcome of a scan: what reporters render and the store keeps."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from fnguard.model import Finding, FindingStatus, Inventory, Severity

__all__ = ["RuleInfo", "ScanResult", "finding_order"]


def finding_order(finding: Finding) -> tuple[object, ...]:
    """The one order of findings every report shows (``Finding.order``)."""
    return finding.order


#: ``finding_order`` without a Python call per finding (each keeps its ``order``)
_ORDER = attrgetter("order")


@dataclass(frozen=True)
class RuleInfo:
    """Rule metadata as reporters need it (SARIF's rule list, JUnit test cases)."""

    id: str
    title: str
    impact: int
    description: str
    remediation_text: str
    help_uri: str


@dataclass(frozen=True)
class ScanResult:
    """Everything one scan produced, its findings in report order: what every reporter renders, the
    store keeps and the exit code is decided from."""

    tool_version: str
    targets: tuple[str, ...]  # what the user asked to scan
    inventory: Inventory
    findings: tuple[Finding, ...]  # kept in ``finding_order``, whatever order they come in
    rules: tuple[RuleInfo, ...]  # the rules that ran
    suppressed: int = 0  # inline suppressions and config ignores applied
    baselined: int = 0  # findings hidden because the baseline has them
    duration_s: float = 0.0

    def __post_init__(self) -> None:
        # Sorted once here, so no reporter sorts again (a 1,000-function scan has ~6,000).
        ordered = tuple(sorted(self.findings, key=_ORDER))
        object.__setattr__(self, "findings", ordered)

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is FindingStatus.FAIL)

    def fails_at(self, threshold: Severity) -> bool:
        """Whether any failure is at or above ``threshold`` (the exit code's question)."""
        return any(f.severity >= threshold for f in self.findings if f.status is FindingStatus.FAIL)
