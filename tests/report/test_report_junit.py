from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import TYPE_CHECKING

from fnguard.report import get_reporter

if TYPE_CHECKING:
    from fnguard.result import ScanResult


def _root(result: ScanResult) -> ET.Element:
    text = get_reporter("junit").render(result)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    return ET.fromstring(text.encode("utf-8"))


def _suites(root: ET.Element) -> dict[str, ET.Element]:
    return {s.attrib["name"].split(" ", 1)[0]: s for s in root.iter("testsuite")}


def test_one_suite_per_rule_that_ran_plus_gaps(scan_result: ScanResult) -> None:
    root = _root(scan_result)
    assert root.tag == "testsuites"
    assert list(_suites(root)) == [
        "IAM001",
        "IAM005",
        "LIM006",
        "LOG001",
        "LOG002",
        "NET004",
        "SEC001",
        "collection",
    ]
    assert _suites(root)["IAM001"].attrib["name"] == "IAM001 Execution role has admin rights"


def test_totals_add_up(scan_result: ScanResult) -> None:
    root = _root(scan_result)
    assert {k: root.attrib[k] for k in ("tests", "failures", "errors", "skipped", "time")} == {
        "tests": "9",  # 6 findings, 1 rule with nothing found, 2 gaps
        "failures": "5",
        "errors": "2",
        "skipped": "1",
        "time": "0.427",
    }
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.attrib["tests"]) == len(cases)
        assert int(suite.attrib["failures"]) == sum(len(c.findall("failure")) for c in cases)
        assert int(suite.attrib["errors"]) == sum(len(c.findall("error")) for c in cases)
        assert int(suite.attrib["skipped"]) == sum(len(c.findall("skipped")) for c in cases)


def test_failure_carries_severity_evidence_and_fix(scan_result: ScanResult) -> None:
    (case,) = _suites(_root(scan_result))["IAM001"].findall("testcase")
    assert case.attrib["classname"] == "fnguard.IAM001"
    assert case.attrib["name"] == "aws_iam_role.shared (iam.tf:3)"
    failure = case.find("failure")
    assert failure is not None
    assert failure.attrib == {"message": "Role attaches AdministratorAccess", "type": "critical"}
    body = failure.text or ""
    assert "policy: arn:aws:iam::aws:policy/AdministratorAccess" in body
    assert "fix: Replace AdministratorAccess with a least-privilege policy." in body
    assert 'terraform:\n  resource "aws_iam_role_policy" "api" {' in body
    assert "cli:\n  aws iam detach-role-policy" in body


def test_unknown_is_skipped_not_passed(scan_result: ScanResult) -> None:
    (case,) = _suites(_root(scan_result))["NET004"].findall("testcase")
    assert case.find("failure") is None
    skipped = case.find("skipped")
    assert skipped is not None
    assert skipped.attrib["message"].startswith("unknown: could not decide because egress")


def test_rule_without_findings_is_one_passing_case(scan_result: ScanResult) -> None:
    suite = _suites(_root(scan_result))["LIM006"]
    (case,) = suite.findall("testcase")
    assert case.attrib["name"] == "no findings"
    assert list(case) == []


def test_gaps_are_errors(scan_result: ScanResult) -> None:
    suite = _suites(_root(scan_result))["collection"]
    cases = suite.findall("testcase")
    assert [c.attrib["name"] for c in cases] == [
        "broken.tf (whole source)",
        "egress aws_security_group.worker (workers/sg.tf:7)",
    ]
    error = cases[1].find("error")
    assert error is not None
    assert error.attrib["type"] == "collection-gap"
    assert "this is not a pass" in (error.text or "")


def test_special_characters_round_trip(scan_result: ScanResult) -> None:
    suites = _suites(_root(scan_result))
    sec = suites["SEC001"].find("testcase/failure")
    assert sec is not None
    assert sec.attrib["message"] == (
        'DB_PASSWORD holds a literal <secret> & "quoted" [bold]value[/bold] *md* `x`'
    )
    iam5 = suites["IAM005"].find("testcase/failure")
    assert iam5 is not None
    assert iam5.attrib["message"] == "Rôle partagé par 2 fonctions — ünïcödé ✓ 日本語"
    case = suites["SEC001"].find("testcase")
    assert case is not None
    assert case.attrib["name"] == 'aws_lambda_function.api["eu"] (main.tf:12)'


def test_characters_xml_cannot_hold_are_replaced(scan_result: ScanResult) -> None:
    skipped = _suites(_root(scan_result))["NET004"].find("testcase/skipped")
    assert skipped is not None
    assert skipped.attrib["message"].endswith("\ufffd[31mred\ufffd[0m")
    nul = replace(scan_result.findings[0], message="a\x00b\ud800c")
    root = _root(replace(scan_result, findings=(nul,)))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.attrib["message"] == "a\ufffdb\ufffdc"


def test_empty_result_all_rules_pass(empty_result: ScanResult) -> None:
    root = _root(empty_result)
    assert (root.attrib["tests"], root.attrib["failures"], root.attrib["errors"]) == ("7", "0", "0")


def test_gaps_only_result_is_not_green(gaps_only_result: ScanResult) -> None:
    root = _root(gaps_only_result)
    assert root.attrib["errors"] == "1"


def test_deterministic(scan_result: ScanResult) -> None:
    reporter = get_reporter("junit")
    first = reporter.render(scan_result)
    assert reporter.render(scan_result) == first
    assert reporter.render(replace(scan_result, findings=scan_result.findings[::-1])) == first
