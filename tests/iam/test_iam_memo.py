"""The checker's memos (compiled sets, answers, engine policies per document) and the
``may_allow`` shortcut give the evaluator's answers, including where they must not shortcut."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from iam import memo_strategies

from fnguard.iam import Decision, may_allow, possible_actions
from fnguard.iam._checker import (
    EngineChecker,
    _compiled,
)
from fnguard.iam._lenient import engine_policy
from fnguard.model import Policy, PolicyKind

_ACTIONS = ("s3:GetObject", "s3:PutObject", "kms:Decrypt", "logs:PutLogEvents", "sqs:SendMessage")
_PATTERNS = ("s3:Get*", "s3:*", "kms:Decrypt", "logs:*", "sqs:Send*", "S3:getobject")
_RESOURCES = ("*", "arn:aws:s3:::b/k", "arn:aws:kms:us-east-1:1:key/k", "arn:aws:sqs:us-east-1:1:q")
# Statement resources add policy variables and unresolved references (never "plain").
_WRITTEN = (
    *_RESOURCES,
    "arn:aws:s3:::${aws:region}/*",
    "arn:aws:kms:${aws:region}:${aws:accountId}:key/k",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::${aws:PrincipalAccount}/*",
    "${aws_s3_bucket.b.arn}/*",
    "arn:aws:s3:::b/${aws:username}",
)
statements = memo_strategies.statements(_PATTERNS, _WRITTEN)
kinds = st.sampled_from((PolicyKind.INLINE, PolicyKind.MANAGED, PolicyKind.BOUNDARY))
policy_lists = st.lists(st.tuples(st.lists(statements, max_size=3), kinds), max_size=3)


_policies = memo_strategies.policies
_fresh = memo_strategies.fresh


@settings(max_examples=300, deadline=None)
@given(policy_lists, st.sampled_from(_ACTIONS))
def test_answers_from_the_memo_are_the_evaluators(
    raw: list[tuple[list[dict[str, Any]], PolicyKind]], action: str
) -> None:
    chosen = _policies(raw)
    checker = EngineChecker()
    for _ in range(2):  # the second round is answered from the memo
        for resource in _RESOURCES:
            assert checker.identity_allows(chosen, action, resource) == _fresh(
                chosen, action, resource
            )


@settings(max_examples=300, deadline=None)
@given(policy_lists, st.sampled_from(_ACTIONS))
def test_may_allow_is_false_only_when_every_resource_is_denied(
    raw: list[tuple[list[dict[str, Any]], PolicyKind]], action: str
) -> None:
    chosen = _policies(raw)
    if not may_allow(EngineChecker(), chosen, action):
        assert not any(_fresh(chosen, action, r).allowed for r in _RESOURCES)


def _one(name: str, statement: dict[str, Any], kind: PolicyKind = PolicyKind.INLINE) -> Policy:
    return Policy(
        name=name, kind=kind, document={"Version": "2012-10-17", "Statement": [statement]}
    )


_ALLOW_S3 = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


def test_may_allow_near_misses() -> None:
    checker = EngineChecker()
    allow = _one("a", _ALLOW_S3)
    assert not may_allow(checker, (allow,), "kms:Decrypt")
    assert may_allow(checker, (allow,), "s3:GetObject")
    # NotAction names every action but its list: it may grant kms:Decrypt.
    not_action = _one("n", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert may_allow(checker, (not_action,), "kms:Decrypt")
    # A Deny names the action too: the shortcut only says "no statement at all".
    deny = _one("d", {"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    assert may_allow(checker, (allow, deny), "kms:Decrypt")
    # With a boundary the shortcut does not answer.
    boundary = _one("b", _ALLOW_S3, PolicyKind.BOUNDARY)
    assert may_allow(checker, (allow, boundary), "kms:Decrypt")


class _Plain:
    """A checker with only the protocol's methods: nothing may be skipped."""

    def identity_allows(self, policies: Any, action: str, resource: str = "*") -> Decision:
        return Decision(False)


def test_possible_actions_keeps_everything_for_a_plain_checker() -> None:
    allow = _one("a", _ALLOW_S3)
    actions = ("kms:Decrypt", "s3:GetObject")
    assert possible_actions(_Plain(), (allow,), actions) == actions  # type: ignore[arg-type]
    assert possible_actions(EngineChecker(), (allow,), actions) == ("s3:GetObject",)


def test_roles_sharing_a_policy_name_get_their_own_answers() -> None:
    checker = EngineChecker()
    reads = _one("app", _ALLOW_S3)
    denies = _one("app", {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
    assert checker.identity_allows((reads,), "s3:GetObject").allowed
    assert not checker.identity_allows((reads, denies), "s3:GetObject").allowed
    other = _one("app", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    assert not checker.identity_allows((other,), "s3:GetObject").allowed
    assert checker.identity_allows((reads,), "s3:GetObject").deciding == ("app#0",)


def test_conditional_answers_stay_conditional_from_the_memo() -> None:
    checker = EngineChecker()
    conditional = _one("c", {**_ALLOW_S3, "Condition": {"StringEquals": {"aws:SourceVpc": "v"}}})
    first = checker.identity_allows((conditional,), "s3:GetObject")
    assert first.allowed and first.conditional
    assert checker.identity_allows((conditional,), "s3:GetObject") == first


def test_a_shared_document_is_read_once_per_name_and_kind() -> None:
    document = {"Version": "2012-10-17", "Statement": [_ALLOW_S3]}
    a = Policy(name="AWSLambdaBasicExecutionRole", kind=PolicyKind.AWS_MANAGED, document=document)
    b = Policy(name="AWSLambdaBasicExecutionRole", kind=PolicyKind.AWS_MANAGED, document=document)
    renamed = Policy(name="copy", kind=PolicyKind.AWS_MANAGED, document=document)
    as_boundary = Policy(name="copy", kind=PolicyKind.BOUNDARY, document=document)
    assert engine_policy(a) is engine_policy(b)
    assert engine_policy(renamed).statements[0].ref == "copy#0"
    assert engine_policy(as_boundary) is not engine_policy(renamed)
    assert str(engine_policy(as_boundary).kind) == "boundary"
    # Equal text in another document object is read again, with the same result.
    twin = Policy(name="copy", kind=PolicyKind.AWS_MANAGED, document=dict(document))
    assert engine_policy(twin) == engine_policy(renamed)


def test_unknown_text_reads_as_no_statement() -> None:
    unknown = Policy(name="u", kind=PolicyKind.AWS_MANAGED, document=None)
    assert engine_policy(unknown).statements == ()


@pytest.mark.parametrize(
    ("extra", "plain"),
    [
        ({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:*"}, True),
        ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, True),
        ({"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": "kms:Decrypt", "NotResource": "arn:aws:kms:*"}, False),
        ({**_ALLOW_S3, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, False),
        # A variable the session has no value for: matches nothing when AWS never sets it for
        # the session (aws:username), may match anything otherwise (the answer is conditional).
        ({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${aws:username}"}, True),
        ({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${aws:region}/*"}, True),
        # A reference (not a policy variable) is text, matched as written.
        ({"Effect": "Allow", "Action": "s3:*", "Resource": "${aws_s3_bucket.b.arn}"}, True),
        ({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${AWS::Region}"}, True),
        # A variable the session always has a value for is filled in.
        (
            {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::${aws:PrincipalIsAWSService}",
            },
            True,
        ),
    ],
)
def test_only_plain_allows_are_answered_without_the_evaluator(
    extra: dict[str, Any], plain: bool
) -> None:
    policies = (_one("a", _ALLOW_S3), _one("x", extra))
    assert (_compiled(policies).plain() is not None) is plain
    for action in ("s3:GetObject", "kms:Decrypt", "iam:PassRole"):
        for resource in (
            *_RESOURCES,
            "arn:aws:s3:::alice",
            "arn:aws:s3:::eu-west-1/k",
            "arn:aws:s3:::false",
            "${aws_s3_bucket.b.arn}",
        ):
            assert EngineChecker().identity_allows(policies, action, resource) == _fresh(
                policies, action, resource
            )


def test_a_boundary_is_never_plain() -> None:
    boundary = _one("b", _ALLOW_S3, PolicyKind.BOUNDARY)
    assert _compiled((_one("a", _ALLOW_S3), boundary)).plain() is None


def test_plain_answers_name_every_covering_allow_in_order() -> None:
    first = _one("first", {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"})
    second = _one("second", {"Sid": "All", **_ALLOW_S3})
    answer = EngineChecker().identity_allows((first, second), "s3:GetObject", "arn:aws:s3:::b/k")
    assert answer == Decision(True, ("first#0", "second#All"))
    assert answer == _fresh((first, second), "s3:GetObject", "arn:aws:s3:::b/k")


def test_without_a_version_a_variable_is_literal_text() -> None:
    old = Policy(
        name="old",
        kind=PolicyKind.INLINE,
        document={
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::${aws:username}",
                }
            ]
        },
    )
    assert _compiled((old,)).plain() is not None
    for resource in ("arn:aws:s3:::${aws:username}", "arn:aws:s3:::alice", "*"):
        assert EngineChecker().identity_allows((old,), "s3:GetObject", resource) == _fresh(
            (old,), "s3:GetObject", resource
        )
    assert (
        EngineChecker()
        .identity_allows((old,), "s3:GetObject", "arn:aws:s3:::${aws:username}")
        .allowed
    )


def test_a_variable_without_a_value_makes_the_allow_conditional() -> None:
    regional = _one(
        "r",
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${aws:region}/*"},
    )
    scoped = _one(
        "s", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    )
    maybe = EngineChecker().identity_allows((regional,), "s3:GetObject", "arn:aws:s3:::b/k")
    assert maybe == Decision(True, ("r#0",), conditional=True)
    both = EngineChecker().identity_allows((regional, scoped), "s3:GetObject", "arn:aws:s3:::b/k")
    assert both == Decision(True, ("s#0",))  # a certain grant decides alone
    for policies in ((regional,), (regional, scoped)):
        for resource in ("arn:aws:s3:::b/k", "arn:aws:s3:::b", "*"):
            assert EngineChecker().identity_allows(policies, "s3:GetObject", resource) == _fresh(
                policies, "s3:GetObject", resource
            )


def test_a_shared_document_indexed_once_is_weighed_within_each_role() -> None:
    document = {"Version": "2012-10-17", "Statement": [_ALLOW_S3]}
    managed_a = Policy(name="Shared", kind=PolicyKind.AWS_MANAGED, document=document)
    managed_b = Policy(name="Shared", kind=PolicyKind.AWS_MANAGED, document=document)
    deny = _one("d", {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
    bound = _one("b", {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}, PolicyKind.BOUNDARY)
    checker = EngineChecker()
    assert checker.identity_allows((managed_a,), "s3:GetObject").allowed
    assert not checker.identity_allows((managed_b, deny), "s3:GetObject").allowed
    assert not checker.identity_allows((managed_b, bound), "s3:GetObject").allowed
    assert _compiled((managed_a,)).plain() is not None
    assert _compiled((managed_b, deny)).plain() is None
    assert _compiled((managed_b, bound)).plain() is None
    for policies in ((managed_a,), (managed_b, deny), (managed_b, bound)):
        assert checker.identity_allows(policies, "s3:GetObject") == _fresh(
            policies, "s3:GetObject", "*"
        )
