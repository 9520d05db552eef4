from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from fnguard.model import Location
from fnguard.report import get_reporter
from fnguard.report._json import SCHEMA_FILE, SCHEMA_VERSION

if TYPE_CHECKING:
    from fnguard.result import ScanResult

FINDING_KEYS = [
    "rule_id",
    "title",
    "severity",
    "impact",
    "status",
    "resource",
    "function",
    "provider",
    "location",
    "message",
    "evidence",
    "remediation",
    "fingerprint",
]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(files("fnguard.report").joinpath("schemas", SCHEMA_FILE).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _render(result: ScanResult) -> dict[str, Any]:
    return json.loads(get_reporter("json").render(result))


def test_valid_against_the_shipped_schema(
    scan_result: ScanResult,
    empty_result: ScanResult,
    gaps_only_result: ScanResult,
    validator: jsonschema.Draft202012Validator,
) -> None:
    for result in (scan_result, empty_result, gaps_only_result):
        validator.validate(_render(result))


def test_schema_rejects_what_the_docs_forbid(
    scan_result: ScanResult, validator: jsonschema.Draft202012Validator
) -> None:
    doc = _render(scan_result)
    doc["findings"][0]["severity"] = "severe"
    assert not validator.is_valid(doc)
    doc = _render(scan_result)
    del doc["summary"]["gaps"]
    assert not validator.is_valid(doc)
    doc = _render(scan_result)
    doc["findings"][0]["extra"] = 1
    assert not validator.is_valid(doc)


def test_top_level_and_summary_key_order(scan_result: ScanResult) -> None:
    doc = _render(scan_result)
    assert list(doc) == [
        "schema_version",
        "tool",
        "targets",
        "summary",
        "findings",
        "gaps",
        "inventory",
    ]
    assert doc["schema_version"] == SCHEMA_VERSION == "1"
    assert doc["tool"] == {"name": "fnguard", "version": "0.1.0"}
    assert doc["targets"] == ["examples/insecure"]
    assert doc["summary"] == {
        "findings": 6,
        "by_severity": {"critical": 2, "high": 0, "medium": 1, "low": 1, "info": 1},
        "by_status": {"fail": 5, "unknown": 1},
        "functions": 2,
        "sources": 6,
        "rules": 7,
        "suppressed": 2,
        "baselined": 1,
        "gaps": 2,
        "duration_s": 0.427,
    }
    # equality of dicts ignores order; the file's key order is part of the contract
    assert list(doc["summary"]) == [
        "findings",
        "by_severity",
        "by_status",
        "functions",
        "sources",
        "rules",
        "suppressed",
        "baselined",
        "gaps",
        "duration_s",
    ]
    assert list(doc["summary"]["by_severity"]) == ["critical", "high", "medium", "low", "info"]


def test_findings_in_shared_order_with_fixed_keys(scan_result: ScanResult) -> None:
    findings = _render(scan_result)["findings"]
    assert [(f["rule_id"], f["severity"], f["status"]) for f in findings] == [
        ("IAM001", "critical", "fail"),
        ("SEC001", "critical", "fail"),
        ("IAM005", "medium", "fail"),
        ("NET004", "medium", "unknown"),
        ("LOG002", "low", "fail"),
        ("LOG001", "info", "fail"),
    ]
    for finding in findings:
        assert list(finding) == FINDING_KEYS
        assert list(finding["remediation"]) == ["text", "terraform", "cloudformation", "cli"]


def test_finding_fields(scan_result: ScanResult, addresses: tuple[str, str, str]) -> None:
    api, _, role = addresses
    by_rule = {f["rule_id"]: f for f in _render(scan_result)["findings"]}
    iam = by_rule["IAM001"]
    assert iam["resource"] == role
    assert iam["function"] == api
    assert iam["location"] == {"file": "iam.tf", "line": 3}
    assert iam["evidence"] == [
        {"label": "policy", "value": "arn:aws:iam::aws:policy/AdministratorAccess"}
    ]
    assert iam["remediation"]["cli"].startswith("aws iam detach-role-policy")
    assert iam["impact"] == 10
    assert iam["provider"] == "aws"
    assert by_rule["NET004"]["location"] is None
    assert by_rule["IAM005"]["function"] is None
    assert by_rule["LOG002"]["location"] == {"file": "logs.tf", "line": 0}
    # the override wins over the impact band
    assert (by_rule["LOG001"]["impact"], by_rule["LOG001"]["severity"]) == (3, "info")


def test_unicode_and_special_characters_survive(scan_result: ScanResult) -> None:
    text = get_reporter("json").render(scan_result)
    assert "Rôle partagé par 2 fonctions — ünïcödé ✓ 日本語" in text  # not \\u-escaped
    by_rule = {f["rule_id"]: f for f in json.loads(text)["findings"]}
    assert by_rule["SEC001"]["message"] == (
        'DB_PASSWORD holds a literal <secret> & "quoted" [bold]value[/bold] *md* `x`'
    )
    assert "\x1b" not in text  # control characters are JSON-escaped
    assert by_rule["NET004"]["message"].endswith("\x1b[31mred\x1b[0m")


def test_evidence_is_written_exactly_as_the_finding_holds_it(scan_result: ScanResult) -> None:
    sec = next(f for f in _render(scan_result)["findings"] if f["rule_id"] == "SEC001")
    assert sec["evidence"] == [
        {"label": "DB_PASSWORD", "value": "hunt…(24 chars, sha256:1a2b3c4d5e6f)"}
    ]


def test_fingerprints_are_the_findings_own_and_stable(scan_result: ScanResult) -> None:
    first = [f["fingerprint"] for f in _render(scan_result)["findings"]]
    iam = next(f for f in scan_result.findings if f.rule_id == "IAM001")
    assert first[0] == iam.fingerprint == hashlib.sha256(iam.key.encode()).hexdigest()[:16]
    # a finding that moves within its file keeps its identity
    moved_iam = replace(iam, location=Location("iam.tf", 99))
    assert (
        _render(replace(scan_result, findings=(moved_iam,)))["findings"][0]["fingerprint"]
        == (first[0])
    )
    moved = replace(scan_result, findings=scan_result.findings[::-1], duration_s=9.0)
    assert [f["fingerprint"] for f in _render(moved)["findings"]] == first
    assert len(set(first)) == len(first)


def test_gaps_and_inventory(scan_result: ScanResult) -> None:
    doc = _render(scan_result)
    assert doc["gaps"] == [
        {
            "location": {"file": "broken.tf", "line": 0},
            "resource": "",
            "field": "",
            "reason": "HCL parse error at 4:2",
        },
        {
            "location": {"file": "workers/sg.tf", "line": 7},
            "resource": "aws_security_group.worker",
            "field": "egress",
            "reason": "security group rules come from module.net, which could not be read",
        },
    ]
    assert doc["inventory"]["functions"] == 2
    assert doc["inventory"]["roles"] == 1
    assert doc["inventory"]["triggers"] == 1
    assert sum(doc["inventory"].values()) == 4


def test_empty_result(empty_result: ScanResult) -> None:
    doc = _render(empty_result)
    assert doc["findings"] == []
    assert doc["gaps"] == []
    assert doc["summary"]["findings"] == 0
    assert doc["summary"]["functions"] == 1


def test_deterministic_bytes_and_layout(scan_result: ScanResult) -> None:
    reporter = get_reporter("json")
    first = reporter.render(scan_result)
    assert reporter.render(scan_result) == first
    assert get_reporter("json").render(replace(scan_result)) == first
    assert first.endswith("}\n")
    assert first.startswith('{\n  "schema_version": "1",\n')


def test_the_documented_example_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "json-report.md").read_text()
    example = doc.split("```json\n", 1)[1].split("\n```", 1)[0]
    validator.validate(json.loads(example))


def test_the_docs_name_every_finding_key() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "json-report.md").read_text()
    for key in FINDING_KEYS:
        assert f"| `{key}` |" in doc


def test_undecodable_file_name_can_still_be_written(scan_result: ScanResult) -> None:
    odd = replace(scan_result.findings[0], location=Location("caf\udce9.tf", 1))
    text = get_reporter("json").render(replace(scan_result, findings=(odd,)))
    text.encode("utf-8")  # would raise on a raw lone surrogate
    assert json.loads(text)["findings"][0]["location"]["file"] == "caf\udce9.tf"
