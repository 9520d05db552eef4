"""Condition operators, written from the IAM User Guide's "IAM JSON policy elements: Condition
operators" and "Single-valued vs. multivalued context keys" pages. Each case puts one Condition
block on an identity Allow: the request is allowed exactly when the block holds."""

from __future__ import annotations

from typing import Any

import pytest
from iam_engine.engine_helpers import OBJECT, SESSION, allow, policy

from fnguard.iam.engine import Outcome, PolicySet, Request, evaluate

ROLE_ARN = "arn:aws:iam::111122223333:role/app"

CONDITION_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # String operators
    (
        "StringEquals exact match",
        {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        {"aws:RequestedRegion": "eu-west-1"},
        True,
    ),
    (
        "StringEquals values are case-sensitive",
        {"StringEquals": {"aws:RequestedRegion": "EU-west-1"}},
        {"aws:RequestedRegion": "eu-west-1"},
        False,
    ),
    (
        "condition keys are case-insensitive",
        {"StringEquals": {"AWS:REQUESTEDREGION": "eu-west-1"}},
        {"aws:requestedregion": "eu-west-1"},
        True,
    ),
    (
        "multiple values of one key are ORed",
        {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
        {"aws:RequestedRegion": "eu-west-1"},
        True,
    ),
    (
        "multiple keys are ANDed (one fails)",
        {"StringEquals": {"aws:RequestedRegion": "eu-west-1", "aws:PrincipalTag/team": "blue"}},
        {"aws:RequestedRegion": "eu-west-1", "aws:PrincipalTag/team": "red"},
        False,
    ),
    (
        "multiple operators are ANDed",
        {
            "StringEquals": {"aws:RequestedRegion": "eu-west-1"},
            "Bool": {"aws:SecureTransport": "true"},
        },
        {"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": True},
        True,
    ),
    (
        "StringEquals on a missing key is false",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {},
        False,
    ),
    (
        "StringEquals takes * literally",
        {"StringEquals": {"aws:PrincipalTag/team": "*"}},
        {"aws:PrincipalTag/team": "blue"},
        False,
    ),
    (
        "StringNotEquals holds for another value",
        {"StringNotEquals": {"aws:PrincipalTag/team": "red"}},
        {"aws:PrincipalTag/team": "blue"},
        True,
    ),
    (
        "StringNotEquals with several values: matches none of them",
        {"StringNotEquals": {"aws:PrincipalTag/team": ["red", "blue"]}},
        {"aws:PrincipalTag/team": "blue"},
        False,
    ),
    (
        "StringNotEquals holds on a missing key",
        {"StringNotEquals": {"aws:PrincipalTag/team": "red"}},
        {},
        True,
    ),
    (
        "StringEqualsIgnoreCase ignores case",
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "BLUE"}},
        {"aws:PrincipalTag/team": "blue"},
        True,
    ),
    (
        "StringNotEqualsIgnoreCase ignores case",
        {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "BLUE"}},
        {"aws:PrincipalTag/team": "blue"},
        False,
    ),
    (
        "StringLike with * wildcard",
        {"StringLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": "home/alice/x"},
        True,
    ),
    (
        "StringLike with ? wildcard",
        {"StringLike": {"s3:prefix": "home/?"}},
        {"s3:prefix": "home/ab"},
        False,
    ),
    (
        "StringLike is case-sensitive",
        {"StringLike": {"s3:prefix": "Home/*"}},
        {"s3:prefix": "home/x"},
        False,
    ),
    (
        "StringNotLike excludes matches",
        {"StringNotLike": {"s3:prefix": ["home/*", "tmp/*"]}},
        {"s3:prefix": "tmp/x"},
        False,
    ),
    (
        "StringNotLike holds for a non-match",
        {"StringNotLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": "data/x"},
        True,
    ),
    (
        "StringEqualsIfExists holds on a missing key",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {},
        True,
    ),
    (
        "StringEqualsIfExists still tests a present key",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": "m5.large"},
        False,
    ),
    (
        "policy variable in a condition value",
        {"StringEquals": {"s3:prefix": "home/${aws:username}"}},
        {"s3:prefix": "home/worker", "aws:username": "worker"},
        True,
    ),
    (
        "unresolved policy variable in a condition: the test is false",
        {"StringEquals": {"s3:prefix": "home/${aws:username}"}},
        {"s3:prefix": "home/"},
        False,
    ),
    (
        "policy variable compared to the principal's tag",
        {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        {"aws:ResourceTag/team": "blue", "aws:PrincipalTag/team": "blue"},
        True,
    ),
    (
        "StringLike with escaped ${*} is a literal asterisk",
        {"StringLike": {"s3:prefix": "a${*}"}},
        {"s3:prefix": "abc"},
        False,
    ),
    # Numeric
    (
        "NumericLessThan holds below",
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        {"aws:MultiFactorAuthAge": 60},
        True,
    ),
    (
        "NumericLessThan fails at the bound",
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        {"aws:MultiFactorAuthAge": "3600"},
        False,
    ),
    (
        "NumericLessThanEquals holds at the bound",
        {"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}},
        {"aws:MultiFactorAuthAge": "3600"},
        True,
    ),
    (
        "NumericGreaterThan",
        {"NumericGreaterThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "11"},
        True,
    ),
    (
        "NumericGreaterThanEquals",
        {"NumericGreaterThanEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": "9"},
        False,
    ),
    (
        "NumericEquals compares numbers, not text",
        {"NumericEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": "10.0"},
        True,
    ),
    ("NumericNotEquals", {"NumericNotEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, False),
    (
        "Numeric on a non-number context value is false",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "ten"},
        False,
    ),
    # Date
    (
        "DateLessThan with ISO 8601",
        {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2025-06-01T12:00:00Z"},
        True,
    ),
    (
        "DateGreaterThan with ISO 8601",
        {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2025-06-01T12:00:00Z"},
        False,
    ),
    (
        "Date with epoch seconds in the policy",
        {"DateGreaterThanEquals": {"aws:EpochTime": "1700000000"}},
        {"aws:EpochTime": 1700000000},
        True,
    ),
    (
        "Date compares across forms: ISO context, epoch policy",
        {"DateLessThan": {"aws:CurrentTime": "1700000000"}},
        {"aws:CurrentTime": "2023-11-14T22:13:19Z"},
        True,
    ),
    (
        "Date with a plain date means midnight UTC",
        {"DateEquals": {"aws:CurrentTime": "2025-01-01"}},
        {"aws:CurrentTime": "2025-01-01T00:00:00Z"},
        True,
    ),
    (
        "Date with an offset",
        {"DateEquals": {"aws:CurrentTime": "2025-01-01T01:00:00+01:00"}},
        {"aws:CurrentTime": "2025-01-01T00:00:00Z"},
        True,
    ),
    (
        "DateNotEquals",
        {"DateNotEquals": {"aws:CurrentTime": "2025-01-01"}},
        {"aws:CurrentTime": "2025-01-02"},
        True,
    ),
    (
        "DateLessThanEquals at the bound",
        {"DateLessThanEquals": {"aws:CurrentTime": "2025-01-01"}},
        {"aws:CurrentTime": "2025-01-01"},
        True,
    ),
    # Bool, Binary
    ("Bool true", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": True}, True),
    (
        "Bool false against true",
        {"Bool": {"aws:SecureTransport": "false"}},
        {"aws:SecureTransport": True},
        False,
    ),
    (
        "Bool with a JSON boolean in the policy",
        {"Bool": {"aws:SecureTransport": True}},
        {"aws:SecureTransport": "true"},
        True,
    ),
    ("Bool on a missing key is false", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {}, False),
    (
        "BoolIfExists on a missing key holds",
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        {},
        True,
    ),
    (
        "BinaryEquals compares the decoded bytes",
        {"BinaryEquals": {"x:key": "QmluYXJ5"}},
        {"x:key": "QmluYXJ5"},
        True,
    ),
    (
        "BinaryEquals with other bytes",
        {"BinaryEquals": {"x:key": "QmluYXJ5"}},
        {"x:key": "T3RoZXI="},
        False,
    ),
    # IP
    (
        "IpAddress inside a CIDR",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.9"},
        True,
    ),
    (
        "IpAddress outside a CIDR",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "198.51.100.9"},
        False,
    ),
    (
        "IpAddress with a single address",
        {"IpAddress": {"aws:SourceIp": "203.0.113.9"}},
        {"aws:SourceIp": "203.0.113.9"},
        True,
    ),
    (
        "IpAddress with IPv6",
        {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
        {"aws:SourceIp": "2001:db8::1"},
        True,
    ),
    (
        "IpAddress: an IPv4 address is not in an IPv6 block",
        {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
        {"aws:SourceIp": "203.0.113.9"},
        False,
    ),
    (
        "NotIpAddress outside every block",
        {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8"]}},
        {"aws:SourceIp": "198.51.100.9"},
        True,
    ),
    (
        "NotIpAddress inside one block",
        {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8"]}},
        {"aws:SourceIp": "10.1.2.3"},
        False,
    ),
    # ARN
    (
        "ArnEquals exact",
        {"ArnEquals": {"aws:SourceArn": ROLE_ARN}},
        {"aws:SourceArn": ROLE_ARN},
        True,
    ),
    (
        "ArnLike with a wildcard in the resource part",
        {"ArnLike": {"aws:SourceArn": "arn:aws:iam::111122223333:role/*"}},
        {"aws:SourceArn": ROLE_ARN},
        True,
    ),
    (
        "ArnLike wildcard in the account part",
        {"ArnLike": {"aws:SourceArn": "arn:aws:iam::*:role/app"}},
        {"aws:SourceArn": ROLE_ARN},
        True,
    ),
    (
        "ArnLike: * does not reach across the colon-separated parts",
        {"ArnLike": {"aws:SourceArn": "arn:aws:*"}},
        {"aws:SourceArn": ROLE_ARN},
        False,
    ),
    (
        "ArnLike on a value that is not an ARN",
        {"ArnLike": {"aws:SourceArn": "arn:aws:iam::*:role/*"}},
        {"aws:SourceArn": "app"},
        False,
    ),
    (
        "ArnNotLike",
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:iam::111122223333:role/*"}},
        {"aws:SourceArn": ROLE_ARN},
        False,
    ),
    (
        "ArnNotEquals holds on a missing key",
        {"ArnNotEquals": {"aws:SourceArn": ROLE_ARN}},
        {},
        True,
    ),
    # Null
    ("Null true: the key is absent", {"Null": {"aws:TokenIssueTime": "true"}}, {}, True),
    (
        "Null true fails when present",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": "2025-01-01"},
        False,
    ),
    (
        "Null false: the key is present",
        {"Null": {"aws:TokenIssueTime": "false"}},
        {"aws:TokenIssueTime": "2025-01-01"},
        True,
    ),
    ("Null false fails when absent", {"Null": {"aws:TokenIssueTime": "false"}}, {}, False),
    # Multivalued keys and set operators
    (
        "ForAllValues: every request value is allowed",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env"]},
        True,
    ),
    (
        "ForAllValues: one value outside the list fails",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "cost"]},
        False,
    ),
    (
        "ForAllValues on an empty set is true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": []},
        True,
    ),
    (
        "ForAllValues on a missing key is true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        {},
        True,
    ),
    (
        "ForAnyValue: one matching value is enough",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["cost", "env"]},
        True,
    ),
    (
        "ForAnyValue on an empty set is false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": []},
        False,
    ),
    (
        "ForAnyValue on a missing key is false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {},
        False,
    ),
    (
        "ForAnyValue with IfExists on a missing key is true",
        {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": ["env"]}},
        {},
        True,
    ),
    (
        "ForAnyValue:StringLike with wildcards",
        {"ForAnyValue:StringLike": {"aws:TagKeys": ["team-*"]}},
        {"aws:TagKeys": ["team-a"]},
        True,
    ),
    (
        "ForAllValues:StringNotEquals: no value may be listed",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["owner"]}},
        {"aws:TagKeys": ["env", "owner"]},
        False,
    ),
    (
        "ForAnyValue:StringNotEquals: one unlisted value is enough",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["owner"]}},
        {"aws:TagKeys": ["env", "owner"]},
        True,
    ),
    (
        "ForAllValues keys are case-insensitive, values are not",
        {"ForAllValues:StringEquals": {"AWS:TagKeys": ["Env"]}},
        {"aws:tagkeys": ["env"]},
        False,
    ),
    (
        "a multivalued key without a set operator: any value matches",
        {"StringEquals": {"aws:TagKeys": "env"}},
        {"aws:TagKeys": ["cost", "env"]},
        True,
    ),
]


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [c[1:] for c in CONDITION_CASES],
    ids=[c[0] for c in CONDITION_CASES],
)
def test_condition(condition: dict[str, Any], context: dict[str, Any], holds: bool) -> None:
    policies = PolicySet(identity=(policy("identity", allow(Condition=condition)),))
    decision = evaluate(Request(SESSION, "s3:GetObject", OBJECT, context), policies)
    assert decision.outcome is (Outcome.ALLOW if holds else Outcome.IMPLICIT_DENY)


def test_condition_on_a_deny_that_does_not_hold_leaves_the_allow() -> None:
    """A Deny applies only when its conditions hold (the User Guide's MFA example with
    ``BoolIfExists``: a missing key counts as no MFA)."""
    mfa_deny = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    denying = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": mfa_deny}
    policies = PolicySet(identity=(policy("identity", allow(), denying),))
    mfa = {"aws:MultiFactorAuthPresent": True}
    with_mfa = evaluate(Request(SESSION, "s3:GetObject", OBJECT, mfa), policies)
    without_key = evaluate(Request(SESSION, "s3:GetObject", OBJECT), policies)
    assert with_mfa.outcome is Outcome.ALLOW
    assert without_key.outcome is Outcome.EXPLICIT_DENY
    assert without_key.deciding == ("identity#1",)
