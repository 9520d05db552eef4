"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Choices a reader of the output should know (docs/json-report.md has the full mapping):
- ``level``: error for critical/high, warning for medium, note for low/info. An UNKNOWN finding
  is ``kind: "review"`` with ``level: "none"``, as SARIF §3.27.9 requires for non-"fail" kinds.
- ``security-severity`` (GitHub's band input) is the rule's impact, capped at the top of the
  GitHub band that matches fnguard's own severity, so both tools show the same band.
- collection gaps are ``invocations[0].toolExecutionNotifications``: a gap is never silent.
"""

from __future__ import annotations

import importlib.metadata
import re
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from fnguard.model import FindingStatus, Location, Remediation, Severity
from fnguard.report._common import (
    dump_json_chunks,
    finding_record,
    function_location,
    paused_gc,
    rule_catalog,
    sorted_gaps,
    summarize,
)
from fnguard.report._interface import Reporter
from fnguard.rules import PACKS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fnguard.model import CollectionGap, Finding
    from fnguard.result import RuleInfo, ScanResult

__all__ = ["SARIF_SCHEMA_URI", "SarifReporter", "level", "project_uri", "security_severity"]

SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "fnguard/v1"
# Fields of the JSON report's finding that SARIF has no place of its own for.
_RESULT_PROPERTIES = (
    "severity",
    "impact",
    "status",
    "resource",
    "function",
    "provider",
    "evidence",
)
GAP_DESCRIPTOR = "collection-gap"

# Top of each GitHub security-severity band (critical >= 9.0, high 7.0-8.9, medium 4.0-6.9,
# low 0.1-3.9); fnguard's low band reaches impact 4, which GitHub would call medium.
_BAND_CAP: dict[Severity, float] = {
    Severity.CRITICAL: 10.0,
    Severity.HIGH: 8.9,
    Severity.MEDIUM: 6.9,
    Severity.LOW: 3.9,
    Severity.INFO: 3.9,
}


def level(severity: Severity) -> str:
    if severity >= Severity.HIGH:
        return "error"
    if severity is Severity.MEDIUM:
        return "warning"
    return "note"


def security_severity(impact: int) -> str:
    value = min(float(impact), _BAND_CAP[Severity.from_impact(impact)])
    return f"{value:.1f}"


_URL_LABELS = ("homepage", "home", "repository", "source")


def project_uri(project_urls: Iterable[str], home_pages: Iterable[str]) -> str | None:
    """The project's page among ``Project-URL`` ("Label, URL") and ``Home-page`` values: a
    home page or repository label first, then any other absolute http(s) URL.
    """
    labelled = [tuple(part.strip() for part in entry.split(",", 1)) for entry in project_urls]
    urls = [(pair[0].lower(), pair[-1]) for pair in labelled]
    ranked = sorted(
        urls,
        key=lambda lu: _URL_LABELS.index(lu[0]) if lu[0] in _URL_LABELS else len(_URL_LABELS),
    )
    candidates = [url for _, url in ranked] + [page.strip() for page in home_pages]
    return next((url for url in candidates if _is_absolute_uri(url)), None)


@lru_cache(maxsize=1)
def _installed_project_uri() -> str | None:
    """The home page the installed distribution's metadata names, if any (pyproject urls)."""
    try:
        meta = importlib.metadata.metadata("fnguard")
    except importlib.metadata.PackageNotFoundError:
        return None
    return project_uri(meta.get_all("Project-URL") or [], meta.get_all("Home-page") or [])


def _is_absolute_uri(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _artifact_location(file: str) -> dict[str, Any]:
    """A relative path under %SRCROOT%, or a file: URI when the collector recorded it absolute."""
    windows = PureWindowsPath(file)
    if windows.drive and windows.is_absolute():
        return {"uri": windows.as_uri()}
    posix = PurePosixPath(file.replace("\\", "/"))
    if posix.is_absolute():
        return {"uri": posix.as_uri()}
    # surrogateescape: a file name that was not UTF-8 gets its original bytes back
    uri = quote(posix.as_posix(), safe="/", errors="surrogateescape")
    return {"uri": uri, "uriBaseId": SRCROOT}


def _physical(location: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact_location(location.file)}
    if location.line > 0:
        physical["region"] = {"startLine": location.line}
    return physical


def _rule_name(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


def _area(rule_id: str) -> str | None:
    modules = PACKS.get(rule_id[:3])
    return modules[0].rsplit(".", 1)[-1] if modules else None


# Enough to keep prose literal: emphasis, code, links, HTML and table pipes.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _md_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _fence(code: str, language: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{code.rstrip()}\n{ticks}"


def _help(rule: RuleInfo, remediation: Remediation | None) -> dict[str, str]:
    text_parts = [rule.description, f"Remediation: {rule.remediation_text}"]
    md_parts = [
        _md_escape(rule.description),
        f"**Remediation:** {_md_escape(rule.remediation_text)}",
    ]
    if remediation is not None:
        for label, language, code in (
            ("Terraform", "hcl", remediation.terraform),
            ("CloudFormation", "yaml", remediation.cloudformation),
            ("CLI", "sh", remediation.cli),
        ):
            if code.strip():
                text_parts.append(f"{label}:\n{code.rstrip()}")
                md_parts.append(f"{label}:\n\n{_fence(code, language)}")
    return {"text": "\n\n".join(text_parts), "markdown": "\n\n".join(md_parts)}


def _rule(rule: RuleInfo, remediation: Remediation | None) -> dict[str, Any]:
    severity = Severity.from_impact(rule.impact)
    tags = ["security", "serverless"]
    area = _area(rule.id)
    if area:
        tags.append(area)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _rule_name(rule.title) or rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or rule.title},
        "help": _help(rule, remediation),
    }
    if _is_absolute_uri(rule.help_uri):
        descriptor["helpUri"] = rule.help_uri
    descriptor["defaultConfiguration"] = {"level": level(severity)}
    descriptor["properties"] = {
        "security-severity": security_severity(rule.impact),
        "impact": rule.impact,
        "severity": severity.label,
        "tags": tags,
    }
    return descriptor


def _message(finding: Finding) -> str:
    lines = [finding.message]
    if finding.status is FindingStatus.UNKNOWN:
        lines = [f"Unknown: could not decide because {finding.message}"]
    if finding.evidence:
        lines.append("")
        lines.extend(f"{e.label}: {e.value}" for e in finding.evidence)
    return "\n".join(lines)


def _result(finding: Finding, rule_index: int, result: ScanResult) -> dict[str, Any]:
    unknown = finding.status is FindingStatus.UNKNOWN
    sarif: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": "review" if unknown else "fail",
        "level": "none" if unknown else level(finding.severity),
        "message": {"text": _message(finding)},
    }
    location = finding.location or function_location(result.inventory, finding.function)
    place: dict[str, Any] = {}
    if location is not None:
        place["physicalLocation"] = _physical(location)
    place["logicalLocations"] = [{"fullyQualifiedName": finding.resource, "kind": "resource"}]
    sarif["locations"] = [place]
    sarif["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    record = finding_record(finding)
    sarif["properties"] = {key: record[key] for key in _RESULT_PROPERTIES}
    return sarif


def _gap_notification(gap: CollectionGap) -> dict[str, Any]:
    subject = " ".join(part for part in (gap.field, gap.resource) if part)
    text = f"Could not read {subject}: {gap.reason}" if subject else f"Could not read: {gap.reason}"
    return {
        "locations": [{"physicalLocation": _physical(gap.location)}],
        "message": {"text": text},
        "level": "warning",
        "descriptor": {"id": GAP_DESCRIPTOR},
        "properties": {"resource": gap.resource, "field": gap.field},
    }


def sarif_log(result: ScanResult) -> dict[str, Any]:
    """The SARIF log as plain data, keys in a fixed order."""
    findings = result.findings
    rules = rule_catalog(result)
    index = {rule.id: i for i, rule in enumerate(rules)}
    first_remediation: dict[str, Remediation] = {}
    for finding in findings:
        first_remediation.setdefault(finding.rule_id, finding.remediation)
    driver: dict[str, Any] = {"name": "fnguard", "version": result.tool_version}
    information_uri = _installed_project_uri()
    if information_uri:
        driver["informationUri"] = information_uri
    driver["rules"] = [_rule(rule, first_remediation.get(rule.id)) for rule in rules]
    summary = summarize(result)
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    _gap_notification(g) for g in sorted_gaps(result.inventory.gaps)
                ],
            }
        ],
        "results": [_result(f, index[f.rule_id], result) for f in findings],
        "properties": {
            "targets": list(result.targets),
            "functions": summary.functions,
            "sources": summary.sources,
            "suppressed": summary.suppressed,
            "baselined": summary.baselined,
            "gaps": summary.gaps,
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


class SarifReporter(Reporter):
    format = "sarif"
    extension = "sarif"

    def render(self, result: ScanResult) -> str:
        return "".join(self.chunks(result))

    def chunks(self, result: ScanResult) -> list[str]:
        with paused_gc():
            return dump_json_chunks(sarif_log(result))
