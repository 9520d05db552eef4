"""What several rules derive from one inventory is computed once per inventory object, and
another inventory (or a function without the data) gets its own answer."""

from __future__ import annotations

from fnguard.config import Thresholds
from fnguard.model import CodeIssue, CollectionGap, Function, Inventory, Location, Provider
from fnguard.rules import RuleContext, get_rule
from fnguard.rules._code_common import code_issue_findings
from fnguard.rules.injection import INJ001, unanalysed


def _fn(name: str) -> Function:
    return Function(
        address=f"aws_lambda_function.{name}",
        provider=Provider.AWS,
        location=Location("main.tf", 1),
    )


def _gap(fn: Function, field: str) -> CollectionGap:
    return CollectionGap(Location("main.tf", 1), f"{field} unread", fn.address, field)


def test_unanalysed_is_per_inventory_and_reads_only_code_gaps() -> None:
    a, b, c = _fn("a"), _fn("b"), _fn("c")
    inv = Inventory(functions=(a, b, c), gaps=(_gap(a, "code"), _gap(b, "role"), _gap(c, "")))
    assert list(unanalysed(inv)) == [(a, "code unread")]
    assert list(unanalysed(inv)) == [(a, "code unread")]  # again, from the memo
    other = Inventory(functions=(a, b), gaps=(_gap(b, "code"),))
    assert list(unanalysed(other)) == [(b, "code unread")]
    findings = list(get_rule("INJ001").check(inv, None))  # type: ignore[arg-type]
    assert [f.function for f in findings] == [a.address]


def test_code_findings_skip_only_functions_without_issues() -> None:
    a, b, c = _fn("a"), _fn("b"), _fn("c")
    issues = (
        CodeIssue("INJ001", c.address, Location("app.py", 3), "shell"),
        CodeIssue("INJ002", a.address, Location("app.py", 9), "eval"),
        CodeIssue("INJ001", a.address, Location("app.py", 4), "shell too"),
    )
    inv = Inventory(functions=(a, b, c), code_issues=issues)
    found = list(code_issue_findings(INJ001, inv))
    assert [(f.function, f.message) for f in found] == [
        (a.address, "shell too"),
        (c.address, "shell"),
    ]
    assert list(code_issue_findings(INJ001, Inventory(functions=(a, b, c)))) == []


def test_a_repeated_secret_is_reported_for_every_function_and_name_still_counts() -> None:
    from dataclasses import replace

    from fnguard.model import EnvVar

    password = EnvVar("DB_PASSWORD", "s3cr3t-Value-9x", location=Location("main.tf", 7))
    plain = EnvVar("GREETING", "s3cr3t-Value-9x", location=Location("main.tf", 8))
    a = replace(_fn("a"), environment=(password,))
    b = replace(_fn("b"), environment=(password, plain))
    c = replace(_fn("c"), environment=(plain,))
    inv = Inventory(functions=(a, b, c))
    ctx = RuleContext(thresholds=Thresholds(), permissions=None)  # type: ignore[arg-type]
    for _ in range(2):  # the second pass answers from the memo
        findings = list(get_rule("SEC001").check(inv, ctx))
        assert [(f.function, f.evidence[0].value) for f in findings] == [
            (a.address, "DB_PASSWORD"),
            (b.address, "DB_PASSWORD"),
        ]
