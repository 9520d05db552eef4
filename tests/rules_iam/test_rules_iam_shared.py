"""Rules that judge a role once for all its functions, and a policy document once for all the
roles it is attached to, give each function and role the verdict it would get alone: a Deny,
a boundary or a condition in one role never leaks into another that shares a document, and
roles sharing a policy name keep their own text."""

from __future__ import annotations

from typing import Any

import pytest
from rules_iam.test_rules_iam import LOGS, fails, fn, inline, managed, role

from fnguard.iam import allowed_services
from fnguard.iam._escalation import Principal
from fnguard.model import Inventory, Policy, PolicyKind

WILD = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}
READS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}],
}
NO_MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def _two_roles(first: tuple[Policy, ...], second: tuple[Policy, ...]) -> Inventory:
    return Inventory(
        functions=(
            fn("aws_lambda_function.a", "aws_iam_role.a"),
            fn("aws_lambda_function.b", "aws_iam_role.b"),
        ),
        roles=(role(*first, address="aws_iam_role.a"), role(*second, address="aws_iam_role.b")),
    )


def _functions(findings: list[Any]) -> list[str]:
    return sorted(f.function for f in findings)


@pytest.mark.parametrize(
    ("rule_id", "document"), [("IAM003", WILD), ("IAM004", READS)], ids=["IAM003", "IAM004"]
)
@pytest.mark.parametrize(
    "extra",
    [
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": NO_MFA},
    ],
    ids=["deny", "condition"],
)
def test_a_shared_document_is_judged_within_each_role(
    rule_id: str, document: dict[str, Any], extra: dict[str, Any]
) -> None:
    # The same document object attached to both roles; only b has a Deny / a condition.
    plain = (inline(LOGS), managed("Shared", document))
    weighed = (inline(LOGS, extra), managed("Shared", document))
    both = ["aws_lambda_function.a", "aws_lambda_function.b"]
    denied = extra["Effect"] == "Deny"  # a condition elsewhere does not change this Allow
    findings = fails(rule_id, _two_roles(plain, weighed))
    assert _functions(findings) == (["aws_lambda_function.a"] if denied else both)
    # The weighed role judged first: its reading must not be reused for the plain one either.
    findings = fails(rule_id, _two_roles(weighed, plain))
    assert _functions(findings) == (["aws_lambda_function.b"] if denied else both)


def test_a_boundary_in_one_role_does_not_reach_the_other() -> None:
    ceiling = Policy(
        "ceiling",
        PolicyKind.BOUNDARY,
        {"Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]},
    )
    shared = managed("Shared", WILD)
    inv = Inventory(
        functions=(
            fn("aws_lambda_function.a", "aws_iam_role.a"),
            fn("aws_lambda_function.b", "aws_iam_role.b"),
        ),
        roles=(
            role(inline(LOGS), shared, address="aws_iam_role.a"),
            role(inline(LOGS), shared, address="aws_iam_role.b", boundary=ceiling),
        ),
    )
    assert _functions(fails("IAM003", inv)) == ["aws_lambda_function.a"]


def test_roles_sharing_a_policy_name_keep_their_own_text() -> None:
    wild = inline(LOGS, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, name="app")
    scoped = inline(LOGS, {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"})
    renamed = Policy("app", PolicyKind.INLINE, scoped.document)
    for rule_id in ("IAM003",):
        findings = fails(rule_id, _two_roles((wild,), (renamed,)))
        assert _functions(findings) == ["aws_lambda_function.a", "aws_lambda_function.b"]
        # a's finding writes out the write actions on *; b's only names the service wildcard
        by_fn = {f.function: f for f in findings}
        assert "write/permissions actions" in by_fn["aws_lambda_function.a"].message
        assert "write/permissions actions" not in by_fn["aws_lambda_function.b"].message


def test_one_role_for_many_functions_gives_each_its_finding() -> None:
    no_logs = inline({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    inv = Inventory(
        functions=tuple(fn(f"aws_lambda_function.f{i}") for i in range(3)),
        roles=(role(no_logs),),
    )
    for rule_id in ("IAM004", "IAM008"):
        findings = fails(rule_id, inv)
        assert _functions(findings) == [f"aws_lambda_function.f{i}" for i in range(3)]
        assert len({f.message for f in findings}) == 3  # each names its function


def test_allowed_services_is_kept_per_sequence_of_policies() -> None:
    one = inline({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    two = inline({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert allowed_services((one,)) == frozenset({"s3"})
    assert allowed_services((one,), on_all=True) == frozenset()
    assert allowed_services([one]) == frozenset({"s3"})
    assert allowed_services((one, two)) is None
    assert allowed_services((one,)) == frozenset({"s3"})


def test_fingerprints_follow_the_text_not_the_objects() -> None:
    document = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    a = Principal("a", "arn:a", (Policy("x", PolicyKind.AWS_MANAGED, document),))
    b = Principal("b", "arn:b", (Policy("y", PolicyKind.AWS_MANAGED, document),))
    twin = Principal("c", "arn:c", (Policy("z", PolicyKind.AWS_MANAGED, dict(document)),))
    other_kind = Principal("d", "arn:d", (Policy("x", PolicyKind.INLINE, document),))
    pair = Principal("e", "arn:e", (Policy("x", PolicyKind.AWS_MANAGED, document),) * 2)
    assert a.fingerprint == b.fingerprint == twin.fingerprint
    assert other_kind.fingerprint != a.fingerprint
    assert pair.fingerprint not in (a.fingerprint, other_kind.fingerprint)


def test_escalation_skips_only_roles_whose_services_no_method_needs() -> None:
    s3_only = inline(LOGS, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    by_exclusion = inline(LOGS, {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})
    findings = fails("IAM002", _two_roles((s3_only,), (by_exclusion,)))
    assert _functions(findings) == ["aws_lambda_function.b"]


def test_trust_and_exclusion_findings_for_each_function_of_a_role() -> None:
    open_trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]
    }
    by_exclusion = inline(LOGS, {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    inv = Inventory(
        functions=(fn("aws_lambda_function.a"), fn("aws_lambda_function.b")),
        roles=(role(by_exclusion, trust=open_trust),),
    )
    for rule_id in ("IAM006", "IAM009"):
        findings = fails(rule_id, inv)
        assert _functions(findings) == ["aws_lambda_function.a", "aws_lambda_function.b"]
        assert all(f.function in f.message for f in findings)


def test_a_trust_policy_is_judged_for_its_own_role() -> None:
    open_trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]
    }
    inv = Inventory(
        functions=(
            fn("aws_lambda_function.a", "aws_iam_role.a"),
            fn("aws_lambda_function.b", "aws_iam_role.b"),
        ),
        roles=(
            role(inline(LOGS), trust=open_trust, address="aws_iam_role.a"),
            role(inline(LOGS), address="aws_iam_role.b"),
        ),
    )
    assert _functions(fails("IAM006", inv)) == ["aws_lambda_function.a"]


def test_a_shared_logs_document_is_weighed_within_each_role() -> None:
    basic = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda/*",
            }
        ],
    }
    no_logs = inline({"Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": "*"})
    plain = (managed("AWSLambdaBasicExecutionRole", basic),)
    denied = (managed("AWSLambdaBasicExecutionRole", basic), no_logs)
    assert _functions(fails("IAM008", _two_roles(plain, denied))) == ["aws_lambda_function.b"]
    assert _functions(fails("IAM008", _two_roles(denied, plain))) == ["aws_lambda_function.a"]
