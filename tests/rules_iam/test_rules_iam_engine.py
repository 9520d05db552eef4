"""IAM001, IAM003, IAM004 and IAM009 judged by the evaluator: a Deny, a boundary or a condition
changes the verdict the statement text alone would give."""

from __future__ import annotations

from typing import Any

import pytest
from rules_iam.test_rules_iam import LOGS, fails, inline, single

from fnguard.model import Policy, PolicyKind

NO_MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}  # never true for a Lambda role
REGION = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}  # the code picks its region


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def boundary(*statements: dict[str, Any]) -> Policy:
    return Policy(
        "ceiling", PolicyKind.BOUNDARY, {"Version": "2012-10-17", "Statement": list(statements)}
    )


CASES = [
    # (rule, statements that fire, statements that no longer fire: a Deny or a condition)
    ("IAM001", [allow("*")], [allow("*"), deny("iam:*")]),
    ("IAM001", [allow("*", Condition=REGION)], [allow("*", Condition=NO_MFA)]),
    ("IAM003", [allow("s3:*")], [allow("s3:*"), deny("s3:*")]),
    ("IAM003", [allow("s3:*")], [allow("s3:*", Condition=NO_MFA)]),
    ("IAM003", [allow("iam:PutRolePolicy")], [allow("iam:PutRolePolicy", Condition=NO_MFA)]),
    (
        "IAM004",
        [allow("secretsmanager:GetSecretValue")],
        [allow("secretsmanager:GetSecretValue"), deny("secretsmanager:*")],
    ),
    (
        "IAM004",
        [allow("ssm:GetParameter")],
        [allow("ssm:GetParameter", Condition=NO_MFA)],
    ),
    (
        "IAM009",
        [allow(None, NotAction="iam:*")],
        [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*", "Condition": NO_MFA}],
    ),
    ("IAM009", [allow(None, NotAction="iam:*")], [allow(None, NotAction="iam:*"), deny("*")]),
]


def _clean(stmt: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stmt.items() if v is not None}


@pytest.mark.parametrize(("rule_id", "fires", "quiet"), CASES)
def test_deny_or_condition_changes_the_verdict(
    rule_id: str, fires: list[dict[str, Any]], quiet: list[dict[str, Any]]
) -> None:
    assert fails(rule_id, single(inline(LOGS, *map(_clean, fires))))
    assert fails(rule_id, single(inline(LOGS, *map(_clean, quiet)))) == []


def test_a_boundary_removes_admin_and_broad_writes() -> None:
    ceiling = boundary(allow(["logs:*", "dynamodb:GetItem"]))
    assert fails("IAM001", single(inline(LOGS, allow("*")), boundary=ceiling)) == []
    assert fails("IAM003", single(inline(LOGS, allow("s3:*")), boundary=ceiling)) == []


def test_admin_under_an_unknowable_condition_says_so() -> None:
    tagged = {"StringEquals": {"aws:PrincipalTag/tier": "admin"}}
    [finding] = fails("IAM001", single(inline(LOGS, allow("*", Condition=tagged))))
    assert "under a condition" in finding.message
