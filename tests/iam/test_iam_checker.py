"""The engine-backed checker, straight through the PermissionChecker protocol."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.iam import Decision, PermissionChecker, default_checker
from fnguard.model import Policy, PolicyKind


@pytest.fixture(scope="module")
def checker() -> PermissionChecker:
    return default_checker()


def pol(
    *statements: dict[str, Any], name: str = "p", kind: PolicyKind = PolicyKind.INLINE
) -> Policy:
    return Policy(
        name=name, kind=kind, document={"Version": "2012-10-17", "Statement": list(statements)}
    )


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def test_default_checker_satisfies_protocol(checker: PermissionChecker) -> None:
    assert isinstance(checker.identity_allows([], "s3:GetObject"), Decision)


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("s3:Get*", "s3:GetObject", True),
        ("S3:getobject", "s3:GetObject", True),  # actions are case-insensitive
        ("s3:Get?bject", "s3:GetObject", True),
        ("s3:Get?", "s3:GetObject", False),
        ("s3:*", "s3:PutObject", True),
        ("s3:*", "s3x:PutObject", False),
        ("*", "iam:PassRole", True),
        ("*:*", "iam:PassRole", True),
        ("s3:[G]etObject", "s3:GetObject", False),  # brackets are literal in IAM
    ],
)
def test_action_wildcards(
    checker: PermissionChecker, pattern: str, action: str, expected: bool
) -> None:
    assert checker.identity_allows([pol(allow(pattern))], action).allowed is expected


def test_resources_are_case_sensitive_with_wildcards(checker: PermissionChecker) -> None:
    policies = [pol(allow("s3:GetObject", "arn:aws:s3:::Data-*/in/*"))]
    assert checker.identity_allows(policies, "s3:GetObject", "arn:aws:s3:::Data-1/in/a.csv").allowed
    assert not checker.identity_allows(
        policies, "s3:GetObject", "arn:aws:s3:::data-1/in/a.csv"
    ).allowed
    # Asking about "*" asks whether every resource is granted: a narrower pattern does not.
    assert not checker.identity_allows(policies, "s3:GetObject", "*").allowed


def test_statement_as_single_object_and_action_as_string(checker: PermissionChecker) -> None:
    policy = Policy("single", PolicyKind.INLINE, {"Statement": allow("logs:PutLogEvents")})
    decision = checker.identity_allows([policy], "logs:PutLogEvents")
    assert decision == Decision(True, ("single#0",))


def test_not_action_grants_everything_else(checker: PermissionChecker) -> None:
    policies = [
        pol({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
    ]
    assert checker.identity_allows(policies, "s3:DeleteBucket").allowed
    assert not checker.identity_allows(policies, "iam:CreateUser").allowed
    assert checker.identity_allows(policies, "*").allowed  # a near-admin grant


def test_not_resource(checker: PermissionChecker) -> None:
    policies = [pol({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})]
    assert checker.identity_allows(policies, "s3:GetObject", "arn:aws:s3:::public/x").allowed
    assert not checker.identity_allows(policies, "s3:GetObject", "arn:aws:s3:::secret/x").allowed


def test_explicit_deny_overrides_allow(checker: PermissionChecker) -> None:
    policies = [
        pol(allow("s3:*"), name="grant"),
        pol(
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
            name="guard",
        ),
    ]
    assert checker.identity_allows(policies, "s3:DeleteObject") == Decision(
        False, ("guard#NoDelete",)
    )
    assert checker.identity_allows(policies, "s3:GetObject") == Decision(True, ("grant#0",))


def test_conditional_allow_and_deny(checker: PermissionChecker) -> None:
    """A condition on a key not known offline (the role's tags) leaves the answer open."""
    cond = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}
    allowed = checker.identity_allows([pol(allow("s3:GetObject", Condition=cond))], "s3:GetObject")
    assert allowed.allowed and allowed.conditional
    both = [
        pol(
            allow("s3:GetObject"),
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": cond},
        )
    ]
    decision = checker.identity_allows(both, "s3:GetObject")
    assert decision.allowed and decision.conditional


def test_unconditional_allow_wins_over_conditional_one(checker: PermissionChecker) -> None:
    cond = {"StringLike": {"aws:PrincipalTag/team": "b*"}}
    policies = [pol(allow("s3:GetObject", Condition=cond), allow("s3:GetObject", Sid="Plain"))]
    assert checker.identity_allows(policies, "s3:GetObject") == Decision(True, ("p#Plain",))


def test_boundary_caps_and_trust_is_ignored(checker: PermissionChecker) -> None:
    grant = pol(allow("*"), name="admin")
    boundary = pol(allow("s3:*"), name="ceiling", kind=PolicyKind.BOUNDARY)
    trust = pol(allow("iam:*"), name="trust", kind=PolicyKind.TRUST)
    assert checker.identity_allows([grant, boundary], "s3:GetObject").allowed
    assert not checker.identity_allows([grant, boundary], "iam:PassRole").allowed
    assert not checker.identity_allows([trust], "iam:PassRole").allowed


def test_unknown_document_grants_nothing(checker: PermissionChecker) -> None:
    assert not checker.identity_allows(
        [Policy("x", PolicyKind.AWS_MANAGED, None)], "s3:GetObject"
    ).allowed


def public(**extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": "*",
        **extra,
    }


@pytest.mark.parametrize(
    "condition",
    [
        {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:eu-west-1:111122223333:abc/*"}},
        {"StringEquals": {"aws:SourceAccount": "111122223333"}},
        {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
        {"StringEquals": {"aws:SourceVpce": "vpce-1234"}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}},
        {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1"}},
        {"Bool": {"aws:PrincipalIsAWSService": "true"}},
        {"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": ["o-a/r-b/ou-c/"]}},
    ],
)
def test_restricting_conditions_close_public_principals(
    checker: PermissionChecker, condition: dict[str, Any]
) -> None:
    assert not checker.resource_allows_anonymous(
        [public(Condition=condition)], "lambda:InvokeFunction"
    ).allowed


@pytest.mark.parametrize(
    "condition",
    [
        None,
        {"StringLike": {"aws:SourceAccount": "*"}},
        {"ArnLike": {"aws:SourceArn": "*"}},
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"StringNotEquals": {"aws:SourceAccount": "111122223333"}},
        {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
        {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
        {"StringLike": {"aws:UserAgent": "curl/*"}},
        {"Bool": {"aws:SecureTransport": "true"}},
    ],
)
def test_public_principals_without_restriction(checker: PermissionChecker, condition: Any) -> None:
    stmt = public(Condition=condition) if condition else public()
    decision = checker.resource_allows_anonymous([stmt], "lambda:InvokeFunction")
    assert decision.allowed and not decision.conditional


@pytest.mark.parametrize(
    "principal",
    ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::111122223333:root", "*"]}, "allUsers"],
)
def test_public_principal_spellings(checker: PermissionChecker, principal: Any) -> None:
    stmt = {"Effect": "Allow", "Principal": principal, "Action": "lambda:InvokeFunction"}
    assert checker.resource_allows_anonymous([stmt], "lambda:InvokeFunction").allowed


def test_named_principals_and_other_actions_are_not_anonymous(checker: PermissionChecker) -> None:
    named = {
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": "lambda:InvokeFunction",
    }
    service = {
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:*",
    }
    url = public(Action="lambda:InvokeFunctionUrl")
    decision = checker.resource_allows_anonymous([named, service, url], "lambda:InvokeFunction")
    assert decision == Decision(False)


def test_not_principal_allow_is_anonymous(checker: PermissionChecker) -> None:
    stmt = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "lambda:*"}
    assert checker.resource_allows_anonymous([stmt], "lambda:InvokeFunction").allowed


def test_unjudgeable_condition_is_conditional(checker: PermissionChecker) -> None:
    stmt = public(Sid="Odd", Condition={"StringEquals": {"custom:Thing": "x"}})
    assert checker.resource_allows_anonymous([stmt], "lambda:InvokeFunction") == Decision(
        True, ("#Odd",), conditional=True
    )


def test_public_deny_blocks_outsiders(checker: PermissionChecker) -> None:
    deny = {
        "Sid": "OnlyVpc",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "lambda:*",
        "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
    }
    decision = checker.resource_allows_anonymous([public(), deny], "lambda:InvokeFunction")
    assert decision == Decision(False, ("#OnlyVpc",))
    escapable = {**deny, "Condition": {"StringEquals": {"aws:UserAgent": "bot"}}}
    assert checker.resource_allows_anonymous([public(), escapable], "lambda:InvokeFunction").allowed


def test_access_levels_from_dataset(checker: PermissionChecker) -> None:
    assert checker.access_level("s3:GetObject") == "Read"
    assert checker.access_level("S3:LISTALLMYBUCKETS") == "List"
    assert checker.access_level("s3:PutObject") == "Write"
    assert checker.access_level("iam:PutRolePolicy") == "Permissions management"
    assert checker.access_level("lambda:TagResource") == "Tagging"
    assert checker.access_level("nosuch:Thing") is None
    assert checker.access_level("s3:Get*") is None


def test_expand_action(checker: PermissionChecker) -> None:
    gets = checker.expand_action("s3:GetObject*")
    assert "s3:GetObject" in gets and "s3:GetObjectAcl" in gets
    assert all(a.startswith("s3:GetObject") for a in gets)
    assert checker.expand_action("secretsmanager:getsecretvalue") == (
        "secretsmanager:GetSecretValue",
    )
    everything = checker.expand_action("*")
    assert "iam:PassRole" in everything and len(everything) > 10_000
    assert checker.expand_action("s?:GetObject") == ("s3:GetObject",)
    assert checker.expand_action("nosuch:*") == ()
    assert checker.expand_action("nocolon") == ()
