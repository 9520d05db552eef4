from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from fnguard.model import CollectionGap, FindingStatus, Location, Remediation, Severity
from fnguard.report._common import (
    SEVERITIES,
    group_by_function,
    inventory_counts,
    rule_catalog,
    sorted_findings,
    sorted_gaps,
    summarize,
)

if TYPE_CHECKING:
    from fnguard.result import ScanResult


def test_severities_are_worst_first() -> None:
    assert SEVERITIES == (
        Severity.CRITICAL,
        Severity.HIGH,
        Severity.MEDIUM,
        Severity.LOW,
        Severity.INFO,
    )


def test_findings_sort_by_severity_rule_resource_location(
    scan_result: ScanResult, addresses: tuple[str, str, str]
) -> None:
    api, worker, role = addresses
    order = [(f.rule_id, f.resource) for f in sorted_findings(scan_result.findings)]
    assert order == [
        ("IAM001", role),
        ("SEC001", api),
        ("IAM005", role),
        ("NET004", worker),
        ("LOG002", "aws_cloudwatch_log_group.api"),
        ("LOG001", worker),  # impact 3 is low, but its override makes it info
    ]


def test_sort_is_independent_of_input_order(scan_result: ScanResult) -> None:
    forward = sorted_findings(scan_result.findings)
    assert sorted_findings(reversed(scan_result.findings)) == forward


def test_same_rule_and_resource_sort_by_file_then_line_then_unlocated(
    scan_result: ScanResult,
) -> None:
    base = scan_result.findings[0]
    b20 = replace(base, location=Location("b.tf", 20), message="m1")
    a9 = replace(base, location=Location("a.tf", 9), message="m2")
    b3 = replace(base, location=Location("b.tf", 3), message="m3")
    nowhere = replace(base, location=None, message="m4")
    assert sorted_findings([nowhere, b20, a9, b3]) == (a9, b3, b20, nowhere)


def test_gaps_sorted_and_exact_duplicates_dropped(scan_result: ScanResult) -> None:
    gaps = sorted_gaps(scan_result.inventory.gaps)
    assert [(g.location.file, g.resource) for g in gaps] == [
        ("broken.tf", ""),
        ("workers/sg.tf", "aws_security_group.worker"),
    ]
    other_reason = CollectionGap(location=Location("broken.tf"), reason="another error")
    assert len(sorted_gaps((*scan_result.inventory.gaps, other_reason))) == 3


def test_groups_worst_function_first_then_unbound(
    scan_result: ScanResult, addresses: tuple[str, str, str]
) -> None:
    api, worker, _ = addresses
    groups = group_by_function(scan_result.findings)
    assert [g.function for g in groups] == [api, worker, None]
    assert [f.rule_id for f in groups[0].findings] == ["IAM001", "SEC001", "LOG002"]
    assert [f.rule_id for f in groups[1].findings] == ["NET004", "LOG001"]
    assert [f.rule_id for f in groups[2].findings] == ["IAM005"]


def test_groups_of_equal_severity_sort_by_address(scan_result: ScanResult) -> None:
    low = replace(scan_result.findings[-1], function="b_fn")
    other = replace(scan_result.findings[-1], function="a_fn")
    assert [g.function for g in group_by_function([low, other])] == ["a_fn", "b_fn"]


def test_summary_counts(scan_result: ScanResult) -> None:
    summary = summarize(scan_result)
    assert dict(summary.by_severity) == {
        Severity.CRITICAL: 2,
        Severity.HIGH: 0,
        Severity.MEDIUM: 1,
        Severity.LOW: 1,
        Severity.INFO: 1,
    }
    assert (summary.failed, summary.unknown, summary.total) == (5, 1, 6)
    assert (summary.functions, summary.sources, summary.gaps, summary.rules) == (2, 6, 2, 7)
    assert (summary.suppressed, summary.baselined) == (2, 1)


def test_inventory_counts_follow_the_model_fields(scan_result: ScanResult) -> None:
    counts = dict(inventory_counts(scan_result.inventory))
    assert list(counts)[:3] == ["functions", "roles", "triggers"]
    assert counts["functions"] == 2
    assert counts["roles"] == 1
    assert counts["triggers"] == 1
    assert counts["queues"] == 0
    assert not {"gaps", "suppressions", "sources"} & set(counts)


def test_rule_catalog_adds_rules_only_findings_name(scan_result: ScanResult) -> None:
    stray = replace(
        scan_result.findings[0],
        rule_id="EXP002",
        title="Function URL without auth",
        impact=9,
        remediation=Remediation(text="Set AuthType AWS_IAM."),
    )
    result = replace(scan_result, findings=(*scan_result.findings, stray))
    catalog = rule_catalog(result)
    assert [r.id for r in catalog] == [
        "EXP002",
        "IAM001",
        "IAM005",
        "LIM006",
        "LOG001",
        "LOG002",
        "NET004",
        "SEC001",
    ]
    exp = catalog[0]
    assert (exp.title, exp.impact, exp.remediation_text) == (
        "Function URL without auth",
        9,
        "Set AuthType AWS_IAM.",
    )


def test_summary_counts_rules_only_findings_name_and_each_gap_once(
    scan_result: ScanResult,
) -> None:
    stray = replace(scan_result.findings[0], rule_id="EXP002")
    twice = (*scan_result.inventory.gaps, scan_result.inventory.gaps[0])
    result = replace(
        scan_result,
        findings=(*scan_result.findings, stray),
        inventory=replace(scan_result.inventory, gaps=twice),
    )
    summary = summarize(result)
    assert summary.rules == len(rule_catalog(result)) == 8
    assert summary.gaps == 2


def test_rule_catalog_builds_a_missing_rule_from_its_first_finding_in_report_order(
    scan_result: ScanResult,
) -> None:
    worse = replace(
        scan_result.findings[0], rule_id="EXP002", title="worse", impact=9, severity_override=None
    )
    milder = replace(worse, title="milder", impact=5)
    result = replace(scan_result, findings=(milder, *scan_result.findings, worse))
    assert rule_catalog(result)[0].title == "worse"  # the critical one sorts first


def test_fails_at_counts_failures_at_or_above_the_threshold_only(
    scan_result: ScanResult,
) -> None:
    assert scan_result.fails_at(Severity.CRITICAL)
    assert not replace(scan_result, findings=()).fails_at(Severity.INFO)
    unknown = tuple(replace(f, status=FindingStatus.UNKNOWN) for f in scan_result.findings)
    assert not replace(scan_result, findings=unknown).fails_at(Severity.INFO)
    low = tuple(f for f in scan_result.findings if f.severity < Severity.MEDIUM)
    assert low and not replace(scan_result, findings=low).fails_at(Severity.MEDIUM)
    assert replace(scan_result, findings=low).fails_at(Severity.INFO)
