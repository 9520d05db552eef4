"""JUnit XML for CI dashboards (GitLab, Jenkins, Azure DevOps).

One ``testsuite`` per rule that ran, so a dashboard reads like the rule catalog: each failing
finding is a ``testcase`` with a ``failure``; an UNKNOWN finding is ``skipped`` (the check
could not run on that resource); a rule with no finding at all is one passing testcase. Every
collection gap is an ``error`` testcase in a suite of its own, so a gap can never pass for a
clean result.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from fnguard.model import FindingStatus
from fnguard.report._common import rule_catalog, sorted_gaps
from fnguard.report._interface import Reporter

if TYPE_CHECKING:
    from fnguard.model import CollectionGap, Finding
    from fnguard.result import ScanResult

__all__ = ["JunitReporter"]

GAPS_SUITE = "fnguard.collection-gaps"

# Characters XML 1.0 cannot carry at all (ElementTree would write them and break the file).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _element(parent: ET.Element, tag: str, attrib: dict[str, str], text: str = "") -> ET.Element:
    child = ET.SubElement(parent, tag, {k: _xml_text(v) for k, v in attrib.items()})
    if text:
        child.text = _xml_text(text)
    return child


def _details(finding: Finding) -> str:
    lines = [
        f"{finding.rule_id} {finding.title} [{finding.severity.label}, impact {finding.impact}]",
        f"resource: {finding.resource}",
    ]
    if finding.function and finding.function != finding.resource:
        lines.append(f"function: {finding.function}")
    lines.append(f"location: {finding.location if finding.location else '(none)'}")
    lines.append(f"message: {finding.message}")
    if finding.evidence:
        lines.append("evidence:")
        lines.extend(f"  {e.label}: {e.value}" for e in finding.evidence)
    remediation = finding.remediation
    lines.append(f"fix: {remediation.text}")
    for label, code in (
        ("terraform", remediation.terraform),
        ("cloudformation", remediation.cloudformation),
        ("cli", remediation.cli),
    ):
        if code.strip():
            lines.append(f"{label}:")
            lines.extend(f"  {line}" for line in code.rstrip().splitlines())
    return "\n".join(lines)


def _case_name(finding: Finding) -> str:
    where = f" ({finding.location})" if finding.location else ""
    return f"{finding.resource}{where}"


def _finding_case(suite: ET.Element, finding: Finding) -> None:
    case = _element(
        suite,
        "testcase",
        {"classname": f"fnguard.{finding.rule_id}", "name": _case_name(finding), "time": "0"},
    )
    if finding.status is FindingStatus.UNKNOWN:
        message = f"unknown: could not decide because {finding.message}"
        _element(case, "skipped", {"message": message}, _details(finding))
    else:
        _element(
            case,
            "failure",
            {"message": finding.message, "type": finding.severity.label},
            _details(finding),
        )


def _gap_case(suite: ET.Element, gap: CollectionGap) -> None:
    subject = " ".join(part for part in (gap.field, gap.resource) if part)
    name = f"{subject} ({gap.location})" if subject else f"{gap.location} (whole source)"
    case = _element(suite, "testcase", {"classname": GAPS_SUITE, "name": name, "time": "0"})
    details = "\n".join(
        [
            f"location: {gap.location}",
            f"resource: {gap.resource or '(whole source)'}",
            f"field: {gap.field or '(all)'}",
            f"reason: {gap.reason}",
            "Rules that needed this data could not decide; this is not a pass.",
        ]
    )
    _element(case, "error", {"message": gap.reason, "type": "collection-gap"}, details)


def _suite(name: str, tests: int, failures: int, errors: int, skipped: int) -> dict[str, str]:
    return {
        "name": name,
        "tests": str(tests),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": str(skipped),
        "time": "0",
    }


def junit_tree(result: ScanResult) -> ET.Element:
    by_rule: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    gaps = sorted_gaps(result.inventory.gaps)

    root = ET.Element("testsuites", {"name": "fnguard"})
    totals = [0, 0, 0, 0]  # tests, failures, errors, skipped
    for rule in rule_catalog(result):
        findings = by_rule.get(rule.id, [])
        failed = sum(1 for f in findings if f.status is FindingStatus.FAIL)
        skipped = len(findings) - failed
        tests = max(len(findings), 1)
        suite = _element(
            root, "testsuite", _suite(f"{rule.id} {rule.title}", tests, failed, 0, skipped)
        )
        if findings:
            for finding in findings:
                _finding_case(suite, finding)
        else:
            _element(
                suite,
                "testcase",
                {"classname": f"fnguard.{rule.id}", "name": "no findings", "time": "0"},
            )
        for i, value in enumerate((tests, failed, 0, skipped)):
            totals[i] += value
    if gaps:
        suite = _element(root, "testsuite", _suite("collection gaps", len(gaps), 0, len(gaps), 0))
        for gap in gaps:
            _gap_case(suite, gap)
        totals[0] += len(gaps)
        totals[2] += len(gaps)
    for key, value in zip(("tests", "failures", "errors", "skipped"), totals, strict=True):
        root.set(key, str(value))
    root.set("time", f"{result.duration_s:.3f}")
    return root


class JunitReporter(Reporter):
    format = "junit"
    extension = "xml"

    def render(self, result: ScanResult) -> str:
        root = junit_tree(result)
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
