"""EXP001 and EXP003 judged by the IAM evaluator: conditions restrict the caller, not strings."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import Finding, Function, Inventory, Location, Permission, Provider
from fnguard.rules import RuleContext, get_rule

FN = "aws_lambda_function.api"


def _run(rule_id: str, *perms: Permission) -> list[Finding]:
    inv = Inventory(
        functions=(Function(address=FN, provider=Provider.AWS, location=Location("m.tf", 1)),),
        permissions=perms,
    )
    ctx = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return list(get_rule(rule_id).check(inv, ctx))


def _perm(**extra: Any) -> Permission:
    return Permission(
        address="aws_lambda_permission.p", function=FN, location=Location("m.tf", 9), **extra
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"source_arn": "arn:aws:execute-api:eu-west-1:111122223333:api/*"},
        {"source_account": "111122223333"},
        {"principal_org_id": "o-abc123"},
        {"event_source_token": "amzn1.ask.skill.1"},
        {"function_url_auth_type": "AWS_IAM"},
    ],
)
def test_exp001_a_restricting_condition_turns_public_into_private(extra: dict[str, Any]) -> None:
    assert [f.rule_id for f in _run("EXP001", _perm(principal="*"))] == ["EXP001"]
    assert _run("EXP001", _perm(principal="*", **extra)) == []


def test_exp001_a_condition_that_restricts_nobody_still_fires() -> None:
    """An ARN pattern naming any account's API is no restriction on the caller."""
    [finding] = _run("EXP001", _perm(principal="*", source_arn="arn:aws:execute-api:*:*:*"))
    assert finding.impact == 10


def test_exp001_checker_honours_a_public_deny() -> None:
    checker = default_checker()
    grant = _perm(principal="*").as_statement()
    deny = {
        "Sid": "OnlyOrg",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    }
    assert checker.resource_allows_anonymous([grant], "lambda:InvokeFunction").allowed
    decision = checker.resource_allows_anonymous([grant, deny], "lambda:InvokeFunction")
    assert not decision.allowed and decision.deciding == ("#OnlyOrg",)


@pytest.mark.parametrize(
    "extra",
    [
        {"principal_org_id": "o-abc123"},  # a service principal has no organisation
        {"event_source_token": "amzn1.ask.skill.1"},
        {"source_arn": "arn:aws:sns:eu-west-1:111122223333:topic"},
        {"source_account": "111122223333"},
    ],
)
def test_exp003_any_restricting_condition_closes_the_confused_deputy(
    extra: dict[str, Any],
) -> None:
    assert len(_run("EXP003", _perm(principal="sns.amazonaws.com"))) == 1
    assert _run("EXP003", _perm(principal="sns.amazonaws.com", **extra)) == []


def test_exp003_wildcard_source_arn_restricts_nothing() -> None:
    [finding] = _run("EXP003", _perm(principal="sns.amazonaws.com", source_arn="arn:aws:sns:*:*:*"))
    assert finding.impact == 7 and "any account" in finding.message


def test_exp003_s3_bucket_arn_without_account_is_lower() -> None:
    [finding] = _run("EXP003", _perm(principal="s3.amazonaws.com", source_arn="arn:aws:s3:::in"))
    assert finding.impact == 5
    assert _run("EXP003", _perm(principal="s3.amazonaws.com", source_arn="arn:aws:s3:::*")) != []
