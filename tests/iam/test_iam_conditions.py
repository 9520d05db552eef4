"""Condition judging for an outsider: operators, set qualifiers, IfExists, Null, unknown keys."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.iam._conditions import condition_holds


@pytest.mark.parametrize(
    ("condition", "allow", "deny"),
    [
        ({}, True, True),
        ({"StringEquals": {"aws:SourceAccount": "111122223333"}}, False, False),
        ({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, True, True),
        ({"StringEqualsIfExists": {"aws:SourceArn": "arn:aws:sns:eu-west-1:1:t"}}, True, True),
        ({"StringEqualsIfExists": {"aws:SourceIp": "203.0.113.7"}}, False, False),  # always set
        ({"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": ["o-1/"]}}, True, True),
        ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-1/*"]}}, False, False),
        ({"Null": {"aws:SourceArn": "false"}}, False, False),
        ({"Null": {"aws:SourceArn": "true"}}, True, True),
        ({"ArnLike": {"aws:SourceArn": "*"}}, True, True),
        ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]}}, True, True),
        (
            {"StringLike": {"aws:UserAgent": "x"}, "Bool": {"aws:SecureTransport": "true"}},
            True,
            False,
        ),
        ({"StringEquals": {"aws:PrincipalTag/team": "a"}}, True, False),
        ({"Bool": {"aws:PrincipalIsAWSService": "false"}}, True, True),
        ({"StringNotEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}, True, True),
    ],
)
def test_condition_for_an_outsider(condition: dict[str, Any], allow: bool, deny: bool) -> None:
    assert condition_holds(condition, want=True) is allow
    assert condition_holds(condition, want=False) is deny


def test_any_failing_key_decides_and_unknown_keys_stay_undecided() -> None:
    mixed = {"StringEquals": {"custom:Key": "x", "aws:SourceAccount": "1"}}
    assert condition_holds(mixed, want=True) is False
    assert condition_holds({"StringEquals": {"custom:Key": "x"}}, want=True) is None
    assert condition_holds({"StringEquals": "not-a-mapping"}, want=True) is None
    assert condition_holds(None, want=True) is True
