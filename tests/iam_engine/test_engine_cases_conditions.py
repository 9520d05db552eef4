"""More evaluation cases, each citing the IAM User Guide page and rule it exercises:
condition operators (reference_policies_elements_condition_operators.html), multiple keys and
values (reference_policies_condition-logic-multiple-context-keys-or-values.html), set
operators (reference_policies_condition-single-vs-multi-valued-context-keys.html), policy
elements (reference_policies_elements_*.html), the evaluation logic
(reference_policies_evaluation-logic.html, ..._policy-eval-denyallow.html), and the offline
reading of keys not known (``Assumptions``: fnguard's own rule, named as such)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from iam_engine.engine_helpers import (
    ACCOUNT,
    OBJECT,
    OTHER,
    ROLE,
    SESSION,
    USER,
    allow,
    deny,
    policy,
)

from fnguard.iam.engine import Assumptions, Knowledge, Outcome, PolicySet, Request, evaluate

ALLOW, EXPLICIT, IMPLICIT = Outcome.ALLOW, Outcome.EXPLICIT_DENY, Outcome.IMPLICIT_DENY
OPS = "reference_policies_elements_condition_operators.html"
MULTI = "reference_policies_condition-logic-multiple-context-keys-or-values.html"
SETS = "reference_policies_condition-single-vs-multi-valued-context-keys.html"
LOGIC = "reference_policies_evaluation-logic.html"
ELEMENTS = "reference_policies_elements"


@dataclass(frozen=True)
class Case:
    rule: str
    source: str
    condition: dict[str, Any] | None
    context: dict[str, Any]
    expected: Outcome
    effect: str = "Allow"


def _c(
    rule: str, source: str, condition: dict[str, Any], context: dict[str, Any], ok: bool
) -> Case:
    return Case(rule, source, condition, context, ALLOW if ok else IMPLICIT)


CONDITION_CASES = [
    _c(
        "StringEquals matches the exact value",
        f"{OPS}#Conditions_String",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {"aws:PrincipalTag/team": "blue"},
        True,
    ),
    _c(
        "StringEquals is case-sensitive",
        f"{OPS}#Conditions_String",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {"aws:PrincipalTag/team": "Blue"},
        False,
    ),
    _c(
        "StringEqualsIgnoreCase ignores case",
        f"{OPS}#Conditions_String",
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "blue"}},
        {"aws:PrincipalTag/team": "BLUE"},
        True,
    ),
    _c(
        "StringNotEqualsIgnoreCase: same value in another case is equal",
        f"{OPS}#Conditions_String",
        {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "blue"}},
        {"aws:PrincipalTag/team": "BLUE"},
        False,
    ),
    _c(
        "StringLike * spans any run",
        f"{OPS}#Conditions_String",
        {"StringLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": "home/alice/x"},
        True,
    ),
    _c(
        "StringLike ? is one character",
        f"{OPS}#Conditions_String",
        {"StringLike": {"s3:prefix": "v?"}},
        {"s3:prefix": "v10"},
        False,
    ),
    _c(
        "StringNotLike holds when no pattern matches",
        f"{OPS}#Conditions_String",
        {"StringNotLike": {"s3:prefix": "private/*"}},
        {"s3:prefix": "public/x"},
        True,
    ),
    _c(
        "StringEquals does not expand wildcards",
        f"{OPS}#Conditions_String",
        {"StringEquals": {"s3:prefix": "home/*"}},
        {"s3:prefix": "home/alice"},
        False,
    ),
    _c(
        "a missing key makes a positive operator false",
        f"{OPS}#Conditions_String",
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {},
        False,
    ),
    _c(
        "a missing key makes a negated operator true",
        f"{OPS}#Conditions_String",
        {"StringNotEquals": {"aws:PrincipalTag/team": "blue"}},
        {},
        True,
    ),
    _c(
        "...IfExists holds when the key is missing",
        f"{OPS}#Conditions_IfExists",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {},
        True,
    ),
    _c(
        "...IfExists still tests a present key",
        f"{OPS}#Conditions_IfExists",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": "m5.large"},
        False,
    ),
    _c(
        "NumericLessThan compares numbers",
        f"{OPS}#Conditions_Numeric",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "9"},
        True,
    ),
    _c(
        "NumericLessThan: equal is not less",
        f"{OPS}#Conditions_Numeric",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "10"},
        False,
    ),
    _c(
        "NumericLessThanEquals: equal is enough",
        f"{OPS}#Conditions_Numeric",
        {"NumericLessThanEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": "10"},
        True,
    ),
    _c(
        "NumericGreaterThan compares as numbers, not text",
        f"{OPS}#Conditions_Numeric",
        {"NumericGreaterThan": {"s3:max-keys": "9"}},
        {"s3:max-keys": "10"},
        True,
    ),
    _c(
        "NumericNotEquals holds for another number",
        f"{OPS}#Conditions_Numeric",
        {"NumericNotEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": "11"},
        True,
    ),
    _c(
        "NumericEquals: a non-number never matches",
        f"{OPS}#Conditions_Numeric",
        {"NumericEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": "ten"},
        False,
    ),
    _c(
        "DateLessThan with ISO 8601 dates",
        f"{OPS}#Conditions_Date",
        {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2029-12-31T23:59:59Z"},
        True,
    ),
    _c(
        "DateGreaterThan: an earlier time fails",
        f"{OPS}#Conditions_Date",
        {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2029-01-01T00:00:00Z"},
        False,
    ),
    _c(
        "Date operators take epoch seconds",
        f"{OPS}#Conditions_Date",
        {"DateGreaterThanEquals": {"aws:EpochTime": "1700000000"}},
        {"aws:EpochTime": "1700000001"},
        True,
    ),
    _c(
        "DateEquals compares instants across offsets",
        f"{OPS}#Conditions_Date",
        {"DateEquals": {"aws:CurrentTime": "2030-01-01T01:00:00+01:00"}},
        {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
        True,
    ),
    _c(
        "Bool true matches true",
        f"{OPS}#Conditions_Boolean",
        {"Bool": {"aws:SecureTransport": "true"}},
        {"aws:SecureTransport": True},
        True,
    ),
    _c(
        "Bool true does not match false",
        f"{OPS}#Conditions_Boolean",
        {"Bool": {"aws:SecureTransport": "true"}},
        {"aws:SecureTransport": False},
        False,
    ),
    _c(
        "BoolIfExists false holds without the key",
        f"{OPS}#Conditions_IfExists",
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        {},
        True,
    ),
    _c(
        "BinaryEquals compares decoded base64",
        f"{OPS}#Conditions_BinaryEquals",
        {"BinaryEquals": {"custom:blob": "QmluYXJ5VmFsdWU="}},
        {"custom:blob": "QmluYXJ5VmFsdWU="},
        True,
    ),
    _c(
        "BinaryEquals: other bytes do not match",
        f"{OPS}#Conditions_BinaryEquals",
        {"BinaryEquals": {"custom:blob": "QmluYXJ5VmFsdWU="}},
        {"custom:blob": "b3RoZXI="},
        False,
    ),
    _c(
        "IpAddress matches inside the CIDR block",
        f"{OPS}#Conditions_IPAddress",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.7"},
        True,
    ),
    _c(
        "IpAddress does not match outside the block",
        f"{OPS}#Conditions_IPAddress",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "198.51.100.7"},
        False,
    ),
    _c(
        "IpAddress takes IPv6 blocks",
        f"{OPS}#Conditions_IPAddress",
        {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
        {"aws:SourceIp": "2001:db8::1"},
        True,
    ),
    _c(
        "NotIpAddress holds outside every block",
        f"{OPS}#Conditions_IPAddress",
        {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}},
        {"aws:SourceIp": "203.0.113.7"},
        True,
    ),
    _c(
        "ArnLike compares the six parts with wildcards",
        f"{OPS}#Conditions_ARN",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:topic"},
        True,
    ),
    _c(
        "ArnLike: a wildcard does not cross the account part",
        f"{OPS}#Conditions_ARN",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:444455556666:topic"},
        False,
    ),
    _c(
        "ArnEquals behaves like ArnLike",
        f"{OPS}#Conditions_ARN",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::bucket"}},
        {"aws:SourceArn": "arn:aws:s3:::bucket"},
        True,
    ),
    _c(
        "ArnNotLike holds for an ARN outside the pattern",
        f"{OPS}#Conditions_ARN",
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::logs-*"}},
        {"aws:SourceArn": "arn:aws:s3:::data"},
        True,
    ),
    _c(
        "Null true holds when the key is absent",
        f"{OPS}#Conditions_Null",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {},
        True,
    ),
    _c(
        "Null true fails when the key is present",
        f"{OPS}#Conditions_Null",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": "2030-01-01T00:00:00Z"},
        False,
    ),
    _c(
        "Null false holds when the key is present",
        f"{OPS}#Conditions_Null",
        {"Null": {"aws:TokenIssueTime": "false"}},
        {"aws:TokenIssueTime": "2030-01-01T00:00:00Z"},
        True,
    ),
    _c(
        "condition key names are case-insensitive",
        f"{ELEMENTS}_condition.html",
        {"StringEquals": {"AWS:PRINCIPALTAG/team": "blue"}},
        {"aws:PrincipalTag/team": "blue"},
        True,
    ),
    _c(
        "several keys under one operator are ANDed",
        MULTI,
        {"StringEquals": {"aws:PrincipalTag/team": "blue", "aws:RequestedRegion": "eu-west-1"}},
        {"aws:PrincipalTag/team": "blue", "aws:RequestedRegion": "us-east-1"},
        False,
    ),
    _c(
        "several operators are ANDed",
        MULTI,
        {
            "StringEquals": {"aws:PrincipalTag/team": "blue"},
            "Bool": {"aws:SecureTransport": "true"},
        },
        {"aws:PrincipalTag/team": "blue", "aws:SecureTransport": True},
        True,
    ),
    _c(
        "several values of one key are ORed",
        MULTI,
        {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}},
        {"aws:RequestedRegion": "eu-central-1"},
        True,
    ),
    _c(
        "a negated operator with several values: none may match",
        MULTI,
        {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}},
        {"aws:RequestedRegion": "eu-central-1"},
        False,
    ),
    _c(
        "ForAllValues holds on an empty set",
        f"{SETS}#reference_policies_condition-multi-valued-context-keys",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": []},
        True,
    ),
    _c(
        "ForAllValues holds on a missing key",
        SETS,
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        {},
        True,
    ),
    _c(
        "ForAllValues: every value must be listed",
        SETS,
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "owner"]},
        False,
    ),
    _c(
        "ForAnyValue fails on an empty set",
        SETS,
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": []},
        False,
    ),
    _c(
        "ForAnyValue: one listed value is enough",
        SETS,
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["owner", "env"]},
        True,
    ),
    _c(
        "ForAnyValue with a negated operator: one unlisted value is enough",
        SETS,
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["env", "x"]},
        True,
    ),
    _c(
        "ForAllValues with StringLike patterns",
        SETS,
        {"ForAllValues:StringLike": {"aws:TagKeys": ["cost-*"]}},
        {"aws:TagKeys": ["cost-a", "cost-b"]},
        True,
    ),
    _c(
        "a policy variable in a condition value",
        f"{ELEMENTS}_variables.html",
        {"StringEquals": {"s3:prefix": "home/${aws:username}"}},
        {"s3:prefix": "home/alice", "aws:username": "alice"},
        True,
    ),
    _c(
        "a policy variable with no value: the test fails",
        f"{ELEMENTS}_variables.html#policy-vars-no-value",
        {"StringEquals": {"s3:prefix": "home/${aws:PrincipalTag/dept}"}},
        {"s3:prefix": "home/"},
        False,
    ),
]


@pytest.mark.parametrize("case", CONDITION_CASES, ids=[c.rule for c in CONDITION_CASES])
def test_condition_case(case: Case) -> None:
    policies = PolicySet(identity=(policy("identity", allow(Condition=case.condition)),))
    decision = evaluate(Request(SESSION, "s3:GetObject", OBJECT, case.context), policies)
    assert decision.outcome is case.expected, (case.source, decision.reason)


@dataclass(frozen=True)
class OrderCase:
    rule: str
    source: str
    policies: PolicySet
    expected: Outcome
    principal: str = SESSION
    context: dict[str, Any] = field(default_factory=dict)


def _ident(*statements: dict[str, Any]) -> tuple[Any, ...]:
    return (policy("identity", *statements),)


ORDER_CASES = [
    OrderCase(
        "a conditional Deny that matches beats an Allow",
        f"{LOGIC}#policy-eval-denyallow",
        PolicySet(
            identity=_ident(allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))
        ),
        EXPLICIT,
        context={"aws:SecureTransport": False},
    ),
    OrderCase(
        "a conditional Deny that does not match leaves the Allow",
        f"{LOGIC}#policy-eval-denyallow",
        PolicySet(
            identity=_ident(allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))
        ),
        ALLOW,
        context={"aws:SecureTransport": True},
    ),
    OrderCase(
        "several SCPs at one level: one allowing is enough (each must allow at its level)",
        "orgs_manage_policies_scps_evaluation.html",
        PolicySet(
            identity=_ident(allow()),
            scps=(policy("scp", allow("ec2:*")), policy("scp", allow("s3:*"))),
        ),
        ALLOW,
    ),
    OrderCase(
        "SCP allowing by NotAction",
        "orgs_manage_policies_scps_syntax.html",
        PolicySet(identity=_ident(allow()), scps=(policy("scp", allow(None, NotAction="iam:*")),)),
        ALLOW,
    ),
    OrderCase(
        "SCP deny by condition on the requested region",
        "orgs_manage_policies_scps_examples_general.html",
        PolicySet(
            identity=_ident(allow()),
            scps=(
                policy(
                    "scp",
                    allow("*"),
                    deny("*", Condition={"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}),
                ),
            ),
        ),
        EXPLICIT,
        context={"aws:RequestedRegion": "us-east-1"},
    ),
    OrderCase(
        "the boundary's explicit deny beats the identity allow",
        "access_policies_boundaries.html",
        PolicySet(
            identity=_ident(allow()), boundary=policy("boundary", allow("*"), deny("s3:GetObject"))
        ),
        EXPLICIT,
    ),
    OrderCase(
        "a user is limited by its boundary too",
        "access_policies_boundaries.html",
        PolicySet(identity=_ident(allow()), boundary=policy("boundary", allow("sqs:*"))),
        IMPLICIT,
        principal=USER,
    ),
    OrderCase(
        "a session policy does not grant on its own",
        "access_policies.html#policies_session",
        PolicySet(session=(policy("session", allow()),)),
        IMPLICIT,
    ),
    OrderCase(
        "role ARN principal: identity side still needs nothing more in the same account",
        f"{LOGIC}#policy-eval-basics",
        PolicySet(resource=policy("resource", allow(Principal={"AWS": ROLE}))),
        ALLOW,
    ),
    OrderCase(
        "cross account: identity and resource policy both allow",
        "reference_policies_evaluation-logic-cross-account.html",
        PolicySet(
            identity=_ident(allow()),
            resource=policy("resource", allow(Principal={"AWS": f"arn:aws:iam::{OTHER}:root"})),
        ),
        ALLOW,
        principal=f"arn:aws:iam::{OTHER}:user/bob",
    ),
]


@pytest.mark.parametrize("case", ORDER_CASES, ids=[c.rule for c in ORDER_CASES])
def test_order_case(case: OrderCase) -> None:
    account = OTHER if case.principal.startswith(f"arn:aws:iam::{OTHER}") else ACCOUNT
    resource = OBJECT if account == ACCOUNT else f"arn:aws:sqs:eu-west-1:{ACCOUNT}:q"
    action = "s3:GetObject" if account == ACCOUNT else "sqs:SendMessage"
    policies = case.policies
    if account != ACCOUNT:
        policies = PolicySet(
            identity=(policy("identity", allow("sqs:SendMessage")),),
            resource=policy(
                "resource",
                allow("sqs:SendMessage", resource, Principal={"AWS": f"arn:aws:iam::{OTHER}:root"}),
            ),
        )
    decision = evaluate(Request(case.principal, action, resource, case.context), policies)
    assert decision.outcome is case.expected, (case.source, decision.reason)


# fnguard's offline reading (not an AWS rule): keys the request does not carry.
KNOWS = Assumptions(
    keys={
        "aws:requestedregion": Knowledge.CHOSEN,
        "aws:multifactorauthpresent": Knowledge.ABSENT,
        "aws:sourceaccount": Knowledge.OUTSIDE_OR_ABSENT,
        "aws:sourceip": Knowledge.OUTSIDE,
    }
)
OFFLINE = [
    (
        "an unknown key leaves an Allow conditional",
        allow(Condition={"StringEquals": {"aws:PrincipalTag/t": "x"}}),
        None,
        (ALLOW, True),
    ),
    (
        "a chosen key goes the caller's way under an Allow",
        allow(Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
        None,
        (ALLOW, False),
    ),
    (
        "a chosen key lets the caller escape a Deny",
        allow(),
        deny(Condition={"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}),
        (ALLOW, False),
    ),
    (
        "a key known absent decides IfExists",
        allow(),
        deny(Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}),
        (EXPLICIT, False),
    ),
    (
        "a key known absent fails a positive test",
        allow(Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        None,
        (IMPLICIT, False),
    ),
    (
        "an outsider's source account matches no named account",
        allow(Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
        None,
        (IMPLICIT, False),
    ),
    (
        "an outsider's source account matches a wildcard",
        allow(Condition={"StringLike": {"aws:SourceAccount": "*"}}),
        None,
        (ALLOW, False),
    ),
    (
        "an outsider's IP is in 0.0.0.0/0 only",
        allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        None,
        (IMPLICIT, False),
    ),
    (
        "an unknown key under a Deny leaves the Allow conditional",
        allow(),
        deny(Condition={"StringEquals": {"aws:PrincipalTag/t": "x"}}),
        (ALLOW, True),
    ),
]


@pytest.mark.parametrize(
    ("rule", "grant", "guard", "expected"), OFFLINE, ids=[c[0] for c in OFFLINE]
)
def test_offline_reading(
    rule: str, grant: dict[str, Any], guard: dict[str, Any] | None, expected: tuple[Outcome, bool]
) -> None:
    statements = [grant] + ([guard] if guard else [])
    decision = evaluate(
        Request(SESSION, "s3:GetObject", OBJECT),
        PolicySet(identity=(policy("identity", *statements),)),
        KNOWS,
    )
    assert (decision.outcome, decision.conditional) == expected, rule


def test_rcps_bind_only_the_services_that_support_them() -> None:
    """Organizations User Guide, "Resource control policies (RCPs)": RCPs apply to the
    services listed as supporting them (S3 does, Lambda does not)."""
    rcp = policy("rcp", allow("sqs:*"))
    policies = PolicySet(identity=(policy("identity", allow("*")),), rcps=(rcp,))
    lambda_call = Request(
        SESSION, "lambda:InvokeFunction", f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f"
    )
    s3_call = Request(SESSION, "s3:GetObject", OBJECT)
    assert evaluate(lambda_call, policies).outcome is ALLOW
    assert evaluate(s3_call, policies).outcome is IMPLICIT


def test_every_level_of_the_organisation_must_allow() -> None:
    """Organizations User Guide, "SCP evaluation": a permission must be allowed by an SCP at
    every level from the root to the account; a Deny at any level wins."""
    identity = (policy("identity", allow("*")),)
    account_level = (policy("scp", allow("*"), name="account-scp"),)
    ou_allows_s3 = (policy("scp", allow("s3:*"), name="ou-scp"),)
    root_full = (policy("scp", allow("*"), name="root-scp"),)
    levels = PolicySet(identity=identity, scps=account_level, scp_levels=(ou_allows_s3, root_full))
    s3_call = Request(SESSION, "s3:GetObject", OBJECT)
    sqs_call = Request(SESSION, "sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:q")
    assert evaluate(s3_call, levels).outcome is ALLOW
    assert evaluate(sqs_call, levels).outcome is IMPLICIT
    root_deny = (policy("scp", allow("*"), deny("s3:GetObject"), name="root-scp"),)
    denied = PolicySet(identity=identity, scps=account_level, scp_levels=(root_deny,))
    assert evaluate(s3_call, denied).outcome is EXPLICIT
