"""The JSON report: a documented, versioned shape for pipelines (docs/json-report.md).

Keys are written in a fixed order and findings in the shared order, so two runs over the same
input produce byte-identical files that diff cleanly. The JSON Schema for this shape ships in
``fnguard/report/schemas/``; change both together and bump ``SCHEMA_VERSION`` on any change
that could break a reader.
"""

from __future__ import annotations

from json.encoder import encode_basestring as _enc  # what indented_json writes strings with
from typing import TYPE_CHECKING, Any

from fnguard.report._common import (
    dump_json_chunks,
    finding_record,
    inventory_counts,
    location_record,
    paused_gc,
    sorted_gaps,
    summarize,
)
from fnguard.report._interface import Reporter
from fnguard.report._jsontext import RawJson

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.model import CollectionGap, Finding
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


def report_document(result: ScanResult, *, findings: Any = None) -> dict[str, Any]:
    """The report as plain data (dicts keep insertion order: the key order is the contract).
    ``findings`` replaces the list of finding records (the reporter's pre-rendered text)."""
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
        "findings": (
            [finding_record(f) for f in result.findings] if findings is None else findings
        ),
        "gaps": [_gap(g) for g in sorted_gaps(result.inventory.gaps)],
        "inventory": dict(inventory_counts(result.inventory)),
    }


class JsonReporter(Reporter):
    format = "json"
    extension = "json"

    def prime(self, finding: Finding) -> None:
        # Kept in the finding's own __dict__ (as its cached properties are): it travels with
        # it out of a forked rules worker, and a changed copy (``replace``) starts without it.
        try:  # noqa: SIM105 - a context manager per finding would cost ~5% of priming it
            finding.__dict__[_PRIMED] = _middle(finding)
        except TypeError:  # an odd value: ``render`` falls back for it
            pass

    def render(self, result: ScanResult) -> str:
        return "".join(self.chunks(result))

    def chunks(self, result: ScanResult) -> list[str]:
        with paused_gc():
            try:
                findings = _findings_text(result.findings)
                return dump_json_chunks(report_document(result, findings=findings))
            except TypeError:  # a value of another type: the generic writer decides
                return dump_json_chunks(report_document(result))


_IN = "\n    "  # a finding's own indentation: the document's "findings" list holds them


def _findings_text(findings: Sequence[Finding]) -> RawJson:
    """The findings list as ``indented_json`` writes ``finding_record``s at that depth, byte
    for byte (tested), without building the records, nor even each finding's text: its
    pieces are listed in order and written as they are. A rule's remediation and the head of
    each rule/severity/status combination are encoded once and listed again for each of its
    findings; a finding's own part may come primed (``prime``), written by the forked rules
    worker that found it. (Writing the whole list in a forked child measured slower: all of
    it has to come back through a pipe.)"""
    if not findings:
        return RawJson(("[]",))
    i = _IN
    remediations: dict[int, str] = {}
    # rule, title, severity, impact, status: the same few combinations over and over
    heads: dict[tuple[object, ...], str] = {}
    parts: list[str] = ["[" + i]
    between = f"{i}}},{i}"
    for f in findings:
        # (the members' ``_value_``: plain attributes, where ``.value`` and an enum's hash are
        # Python calls; each names its member, so the key decides the head as before)
        key = (f.rule_id, f.title, f.impact, type(f.impact), f.severity._value_, f.status._value_)
        head = heads.get(key)
        if head is None:
            head = heads[key] = (
                f'{{{i}  "rule_id": {_enc(f.rule_id)},{i}  "title": {_enc(f.title)},'
                f'{i}  "severity": {_enc(f.severity.label)},{i}  "impact": {_int(f.impact)},'
                f'{i}  "status": {_enc(f.status.value)},{i}  "resource": '
            )
        fix = f.remediation
        remediation = remediations.get(id(fix))
        if remediation is None:
            remediation = remediations[id(fix)] = (
                f',{i}  "remediation": {{{i}    "text": {_enc(fix.text)},'
                f'{i}    "terraform": {_enc(fix.terraform)},'
                f'{i}    "cloudformation": {_enc(fix.cloudformation)},{i}    "cli": {_enc(fix.cli)}'
                f'{i}  }},{i}  "fingerprint": '
            )
        parts += (
            head,
            f.__dict__.get(_PRIMED) or _middle(f),
            remediation,
            _enc(f.fingerprint),
            between,
        )
    parts[-1] = f"{i}}}\n  ]"
    return RawJson(parts)


#: the key of a primed finding's text in its ``__dict__``
_PRIMED = "_json_middle"


def _middle(f: Finding) -> str:
    """A finding's own text, from its resource to its evidence: what no other finding shares.
    Raises TypeError for a value ``indented_json`` would write differently. (The indentation
    ``_IN`` is written out in the literals: only the finding's own values are formatted.)"""
    loc = f.location
    if loc is None:
        location = "null"
    else:
        line = loc.line
        if type(line) is not int:  # bool or an int subclass: json.dumps decides
            raise TypeError(line)
        location = f'{{\n        "file": {_enc(loc.file)},\n        "line": {line}\n      }}'
    evidence = f.evidence
    if not evidence:
        items = "[]"
    elif len(evidence) == 1:  # most findings have one fact
        e = evidence[0]
        items = (
            f'[\n        {{\n          "label": {_enc(e.label)},'
            f'\n          "value": {_enc(e.value)}\n        }}\n      ]'
        )
    else:
        items = (
            "["
            + ",".join(
                [
                    f'\n        {{\n          "label": {_enc(e.label)},'
                    f'\n          "value": {_enc(e.value)}\n        }}'
                    for e in evidence
                ]
            )
            + "\n      ]"
        )
    function = f.function
    # a Provider is a str whose text is its value: encoded as is (no ``.value`` lookup)
    return (
        f'{_enc(f.resource)},\n      "function": {"null" if function is None else _enc(function)},'
        f'\n      "provider": {_enc(f.provider)},\n      "location": {location},'
        f'\n      "message": {_enc(f.message)},\n      "evidence": {items}'
    )


def _int(value: int) -> str:
    if type(value) is not int:  # bool or an int subclass: json.dumps decides
        raise TypeError(value)
    return int.__repr__(value)
