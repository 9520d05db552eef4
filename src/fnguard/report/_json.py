"""The JSON report: a documented, versioned shape for pipelines (docs/json-report.md).

Keys are written in a fixed order and findings in the shared order, so two runs over the same
input produce byte-identical files that diff cleanly. The JSON Schema for this shape ships in
``fnguard/report/schemas/``; change both together and bump ``SCHEMA_VERSION`` on any change
that could break a reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnguard.report._common import (
    dump_json,
    finding_record,
    inventory_counts,
    location_record,
    paused_gc,
    sorted_findings,
    sorted_gaps,
    summarize,
)
from fnguard.report._interface import Reporter

if TYPE_CHECKING:
    from fnguard.model import CollectionGap
    from fnguard.result import ScanResult

__all__ = ["SCHEMA_FILE", "SCHEMA_VERSION", "JsonReporter"]

SCHEMA_VERSION = "1"
#: file name of the JSON Schema under ``fnguard/report/schemas/``
SCHEMA_FILE = "fnguard-report-v1.schema.json"


def _gap(gap: CollectionGap) -> dict[str, Any]:
    return {
        "location": location_record(gap.location),
        "resource": gap.resource,
        "field": gap.field,
        "reason": gap.reason,
    }


def report_document(result: ScanResult) -> dict[str, Any]:
    """The report as plain data (dicts keep insertion order: the key order is the contract)."""
    summary = summarize(result)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "fnguard", "version": result.tool_version},
        "targets": list(result.targets),
        "summary": {
            "findings": summary.total,
            "by_severity": {sev.label: count for sev, count in summary.by_severity},
            "by_status": {"fail": summary.failed, "unknown": summary.unknown},
            "functions": summary.functions,
            "sources": summary.sources,
            "rules": summary.rules,
            "suppressed": summary.suppressed,
            "baselined": summary.baselined,
            "gaps": summary.gaps,
            "duration_s": round(result.duration_s, 3),
        },
        "findings": [finding_record(f) for f in sorted_findings(result.findings)],
        "gaps": [_gap(g) for g in sorted_gaps(result.inventory.gaps)],
        "inventory": dict(inventory_counts(result.inventory)),
    }


class JsonReporter(Reporter):
    format = "json"
    extension = "json"

    def render(self, result: ScanResult) -> str:
        with paused_gc():
            return dump_json(report_document(result))
