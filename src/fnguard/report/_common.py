"""Ordering, grouping and counting shared by every reporter.

One place decides the order of findings and gaps and what the summary counts, so the text,
JSON, SARIF and JUnit outputs of one scan always agree with each other.
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from fnguard.model import (
    CollectionGap,
    Finding,
    FindingStatus,
    Function,
    Inventory,
    Location,
    Severity,
)
from fnguard.report._jsontext import indented_json_chunks
from fnguard.result import RuleInfo, finding_order

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from fnguard.result import ScanResult

__all__ = [
    "SEVERITIES",
    "FindingGroup",
    "Summary",
    "dump_json",
    "dump_json_chunks",
    "finding_record",
    "function_location",
    "group_by_function",
    "inventory_counts",
    "location_record",
    "paused_gc",
    "rule_catalog",
    "sorted_findings",
    "sorted_gaps",
    "summarize",
]

#: worst first: the order of every per-severity listing
SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.value))

# Inventory fields that are not resources: reported in the summary, not as kinds.
_NOT_KINDS = frozenset({"gaps", "suppressions", "sources"})


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """``findings`` in the order every report shows (``ScanResult.findings`` already is)."""
    return tuple(sorted(findings, key=finding_order))


def sorted_gaps(gaps: Iterable[CollectionGap]) -> tuple[CollectionGap, ...]:
    """File, line, resource, field, reason; exact duplicates (merged shards) appear once."""
    unique = _unique_gaps(gaps)
    return tuple([unique[key] for key in sorted(unique)])


def _unique_gaps(
    gaps: Iterable[CollectionGap],
) -> dict[tuple[str, int, str, str, str], CollectionGap]:
    """Each distinct gap under its sort key. The key holds every field of the gap and of its
    location, so two gaps share a key exactly when they are equal; it is a tuple of plain
    values, hashed in C (a gap's own ``__hash__`` is a Python call, and so is its location's).
    """
    unique: dict[tuple[str, int, str, str, str], CollectionGap] = {}
    for g in gaps:
        loc = g.location
        unique.setdefault((loc.file, loc.line, g.resource, g.field, g.reason), g)
    return unique


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic GC while a report is built. A report allocates ~100k short-lived, acyclic
    containers; with the GC on, they trigger a full collection over everything alive,
    i.e. the scan's whole inventory (~0.1 s after 1,000 functions), to find nothing."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def dump_json(document: object) -> str:
    """Indented UTF-8 JSON ending in a newline. A lone surrogate (a file name that was not
    UTF-8) is written as a ``\\u`` escape, so the text can always be encoded to write.
    """
    return "".join(dump_json_chunks(document))


def dump_json_chunks(document: object) -> list[str]:
    """``dump_json`` in pieces (see ``indented_json_chunks``)."""
    chunks = indented_json_chunks(document)
    chunks.append("\n")
    if all(map(str.isascii, chunks)):  # the common case: C passes that build nothing
        return chunks
    # A few pieces are not ASCII (a "—" in a message): only those are looked at again.
    return [chunk if chunk.isascii() else _encodable(chunk) for chunk in chunks]


def _encodable(text: str) -> str:
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # non-ASCII text: fine unless it holds a lone surrogate
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def location_record(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line}


def finding_record(finding: Finding) -> dict[str, Any]:
    """A finding as plain data, keys in the documented order (the JSON report's element)."""
    remediation = finding.remediation
    return {
        "rule_id": finding.rule_id,
        "title": finding.title,
        "severity": finding.severity.label,
        "impact": finding.impact,
        "status": finding.status.value,
        "resource": finding.resource,
        "function": finding.function,
        "provider": finding.provider.value,
        "location": location_record(finding.location),
        "message": finding.message,
        "evidence": [{"label": e.label, "value": e.value} for e in finding.evidence],
        "remediation": {
            "text": remediation.text,
            "terraform": remediation.terraform,
            "cloudformation": remediation.cloudformation,
            "cli": remediation.cli,
        },
        "fingerprint": finding.fingerprint,
    }


@dataclass(frozen=True)
class FindingGroup:
    """Findings about one function (``function`` is its address), or about no function."""

    function: str | None
    findings: tuple[Finding, ...]


def group_by_function(findings: Iterable[Finding]) -> tuple[FindingGroup, ...]:
    """Groups in the order a reader needs them: worst function first, then by address; the
    findings tied to no function come last. Within a group the shared finding order holds.
    """
    by_function: dict[str | None, list[Finding]] = {}
    for finding in sorted_findings(findings):
        by_function.setdefault(finding.function, []).append(finding)
    named = [(fn, items) for fn, items in by_function.items() if fn is not None]
    named.sort(key=lambda pair: (-max(f.severity.value for f in pair[1]), pair[0]))
    groups = [FindingGroup(fn, tuple(items)) for fn, items in named]
    if None in by_function:
        groups.append(FindingGroup(None, tuple(by_function[None])))
    return tuple(groups)


def function_location(inventory: Inventory, address: str | None) -> Location | None:
    """Where the function ``address`` is declared, if the inventory has it."""
    if address is None:
        return None
    item = inventory.get(address)
    return item.location if isinstance(item, Function) else None


def inventory_counts(inventory: Inventory) -> tuple[tuple[str, int], ...]:
    """Resources per kind, in the model's field order (``functions``, ``roles``, ...)."""
    return tuple(
        (f.name, len(getattr(inventory, f.name)))
        for f in fields(inventory)
        if f.name not in _NOT_KINDS
    )


@dataclass(frozen=True)
class Summary:
    """What every report's summary says. ``by_severity`` counts failing findings only: an
    unknown is not a confirmed problem of that severity, and the exit code ignores it too.
    """

    by_severity: tuple[tuple[Severity, int], ...]
    failed: int
    unknown: int
    functions: int
    sources: int
    suppressed: int
    baselined: int
    gaps: int
    rules: int

    @property
    def total(self) -> int:
        return self.failed + self.unknown


def summarize(result: ScanResult) -> Summary:
    failures = [f for f in result.findings if f.status is FindingStatus.FAIL]
    # counted by the band's number: an enum member's hash is a Python call, an int's is not
    # (``_value_``: what the ``.value`` property reads, without the property's Python call)
    counts = Counter([finding.severity._value_ for finding in failures])
    return Summary(
        by_severity=tuple((sev, counts[sev.value]) for sev in SEVERITIES),
        failed=len(failures),
        unknown=len(result.findings) - len(failures),
        functions=len({fn.address for fn in result.inventory.functions}),
        sources=len(set(result.inventory.sources)),
        suppressed=result.suppressed,
        baselined=result.baselined,
        gaps=len(_unique_gaps(result.inventory.gaps)),  # as listed: exact duplicates once
        rules=len(rule_catalog(result)),
    )


def rule_catalog(result: ScanResult) -> tuple[RuleInfo, ...]:
    """The rules that ran, sorted by ID, plus any rule a finding names that the list lacks
    (built from the finding), so every finding can point at its rule.
    """
    by_id: dict[str, RuleInfo] = {}
    for rule in result.rules:
        by_id.setdefault(rule.id, rule)
    unlisted = [f for f in result.findings if f.rule_id not in by_id]  # in finding order
    for finding in unlisted:
        if finding.rule_id not in by_id:
            by_id[finding.rule_id] = RuleInfo(
                id=finding.rule_id,
                title=finding.title,
                impact=finding.impact,
                description=finding.title,
                remediation_text=finding.remediation.text,
                help_uri="",
            )
    return tuple(by_id[rule_id] for rule_id in sorted(by_id))
