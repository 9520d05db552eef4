from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from fnguard.model import Inventory, Location
from fnguard.report import get_reporter

if TYPE_CHECKING:
    from fnguard.result import ScanResult

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _text(result: ScanResult, *, color: bool = False, width: int = 120) -> str:
    return get_reporter("text", color=color, width=width).render(result)


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


def test_findings_are_grouped_by_function_worst_first(
    scan_result: ScanResult, addresses: tuple[str, str, str]
) -> None:
    api, worker, _ = addresses
    text = _text(scan_result)
    api_at = text.index(f"Function {api}  main.tf:10  3 findings")
    worker_at = text.index(f"Function {worker}  workers/main.tf:38  2 findings")
    unbound_at = text.index("Not tied to one function  1 finding")
    gaps_at = text.index("Collection gaps (2)")
    summary_at = text.index("Summary")
    assert api_at < worker_at < unbound_at < gaps_at < summary_at
    api_block = text[api_at:worker_at]
    assert [rule for rule in ("IAM001", "SEC001", "LOG002") if rule in api_block] == [
        "IAM001",
        "SEC001",
        "LOG002",
    ]
    assert api_block.index("IAM001") < api_block.index("SEC001") < api_block.index("LOG002")
    assert "IAM005" in text[unbound_at:gaps_at]


def test_each_finding_shows_its_columns(scan_result: ScanResult) -> None:
    text = _text(scan_result)
    for header in ("Severity", "Rule", "Resource / file:line", "Message, evidence, fix"):
        assert header in text
    row = _section(text, "CRITICAL   IAM001", "CRITICAL   SEC001")
    assert "Execution role has" in row
    assert "aws_iam_role.shared" in row
    assert "iam.tf:3" in row
    assert "Role attaches AdministratorAccess" in row
    assert "policy: arn:aws:iam::aws:policy/AdministratorAccess" in row
    assert "fix: Replace AdministratorAccess with a" in row


def test_unknown_is_marked_as_undecided(scan_result: ScanResult) -> None:
    text = _text(scan_result)
    row = _section(text, "UNKNOWN", "INFO ")
    assert "(medium)" in row
    assert "unknown — could not decide because egress" in row
    assert "(no file location)" in row


def test_gaps_section_lists_every_gap(scan_result: ScanResult) -> None:
    gaps = _section(_text(scan_result), "Collection gaps (2)", "Summary")
    assert "never a pass" in gaps
    assert re.search(r"broken\.tf\s+\(whole source\)\s+\(all\)\s+HCL parse error at 4:2", gaps)
    assert re.search(
        r"workers/sg\.tf:7\s+aws_security_group\.worker\s+egress\s+security group rules", gaps
    )


def test_summary_counts(scan_result: ScanResult) -> None:
    summary = _text(scan_result)[_text(scan_result).index("Summary") :]
    expected = {
        "Findings": "2 critical, 0 high, 1 medium, 1 low, 1 info",
        "Unknown": "1",
        "Collection gaps": "2",
        "Functions scanned": "2",
        "Files read": "6",
        "Rules run": "7",
        "Suppressed": "2",
        "Baselined": "1",
        "Duration": "0.43 s",
    }
    for label, value in expected.items():
        assert re.search(rf"^{label}\s+{re.escape(value)}$", summary, re.MULTILINE), label
    assert "Result: 5 findings, 1 check that could not decide, 2 collection gaps" in summary


def test_no_escape_codes_without_color(scan_result: ScanResult) -> None:
    text = _text(scan_result)
    assert "\x1b" not in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_color_output_styles_severities(scan_result: ScanResult) -> None:
    text = _text(scan_result, color=True)
    assert ANSI.search(text)
    assert ANSI.sub("", text).count("CRITICAL") == 2


def test_input_cannot_inject_escape_codes(scan_result: ScanResult) -> None:
    for color in (False, True):
        text = _text(scan_result, color=color)
        assert "\\x1b[31mred\\x1b[0m" in ANSI.sub("", text)
        assert "\x1b[31mred" not in text


def test_markup_in_input_is_printed_literally(scan_result: ScanResult) -> None:
    text = _text(scan_result, color=True)
    plain = ANSI.sub("", text)
    assert "[bold]value[/bold] *md* `x`" in plain
    assert 'aws_lambda_function.api["eu"]' in plain


def test_unicode_is_kept(scan_result: ScanResult) -> None:
    assert "Rôle partagé par 2 fonctions — ünïcödé ✓ 日本語" in _text(scan_result)


@pytest.mark.parametrize("width", [60, 80, 120, 160])
def test_lines_fit_the_width(scan_result: ScanResult, width: int) -> None:
    text = _text(scan_result, width=width)
    assert max(len(line) for line in text.splitlines()) <= width


def test_environment_does_not_change_the_bytes(
    scan_result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _text(scan_result)
    monkeypatch.setenv("COLUMNS", "50")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    assert _text(scan_result) == before


def test_deterministic(scan_result: ScanResult) -> None:
    first = _text(scan_result)
    assert _text(scan_result) == first
    assert _text(replace(scan_result, findings=scan_result.findings[::-1])) == first


def test_empty_result_says_nothing_was_found(empty_result: ScanResult) -> None:
    text = _text(empty_result)
    assert "No findings: nothing was found at all." in text
    assert "Collection gaps (" not in text
    assert "Function " not in text


def test_gaps_never_look_like_a_pass(gaps_only_result: ScanResult) -> None:
    text = _text(gaps_only_result)
    assert "nothing was found at all" not in text
    assert "Collection gaps (1)" in text
    assert "Result: 1 collection gap. No confirmed finding, but this is not a clean result" in text


def test_scanning_no_function_is_said(empty_result: ScanResult) -> None:
    text = _text(replace(empty_result, inventory=Inventory()))
    assert "No functions were found in the targets: nothing was checked." in text


def test_undecodable_file_name_is_shown_escaped(scan_result: ScanResult) -> None:
    odd = replace(scan_result.findings[0], location=Location("caf\udce9.tf", 1))
    text = _text(replace(scan_result, findings=(odd,)))
    text.encode("utf-8")
    assert "caf\\udce9.tf:1" in text


def test_a_rules_fix_is_written_once(
    scan_result: ScanResult, addresses: tuple[str, str, str]
) -> None:
    _, worker, _ = addresses
    iam = next(f for f in scan_result.findings if f.rule_id == "IAM001")
    again = replace(iam, function=worker, message="worker role attaches AdministratorAccess")
    text = _text(replace(scan_result, findings=(*scan_result.findings, again)))
    assert text.count("fix: Replace AdministratorAccess with a") == 1
    worker_block = text[text.index(f"Function {worker}") :]
    assert "fix: as for IAM001 above" in worker_block
