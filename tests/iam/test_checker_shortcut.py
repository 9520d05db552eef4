"""The checker's early "no statement names this action" answer is the evaluator's answer."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.iam._checker import (
    _SESSION,
    EngineChecker,
    _answer,
    _asker,
    execution_policies,
    normal_action,
)
from fnguard.model import Policy, PolicyKind

_ACTIONS = ("s3:GetObject", "s3:PutObject", "kms:Decrypt", "logs:PutLogEvents", "*", "sqs:*")
_PATTERNS = ("s3:Get*", "s3:*", "kms:Decrypt", "logs:*", "*", "sqs:Send*", "S3:getobject")
_RESOURCES = ("*", "arn:aws:s3:::b/k", "arn:aws:kms:us-east-1:1:key/k", "arn:aws:sqs:us-east-1:1:q")

statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(("Allow", "Deny")),
        st.sampled_from(("Action", "NotAction")): st.lists(
            st.sampled_from(_PATTERNS), min_size=1, max_size=2
        ),
        "Resource": st.sampled_from(_RESOURCES),
    }
)
policies = st.lists(
    st.tuples(st.lists(statements, max_size=3), st.sampled_from(list(PolicyKind))), max_size=3
)


def _policies(raw: list[tuple[list[dict[str, Any]], PolicyKind]]) -> list[Policy]:
    return [
        Policy(name=f"p{i}", kind=kind, document={"Version": "2012-10-17", "Statement": stmts})
        for i, (stmts, kind) in enumerate(raw)
    ]


@settings(max_examples=300, deadline=None)
@given(policies, st.sampled_from(_ACTIONS), st.sampled_from(_RESOURCES))
def test_checker_answers_as_the_evaluator(
    raw: list[tuple[list[dict[str, Any]], PolicyKind]], action: str, resource: str
) -> None:
    chosen = _policies(raw)
    full = _asker(_SESSION, (), outsider=False).ask(
        normal_action(action), resource, execution_policies(chosen), same_account=True
    )
    assert EngineChecker().identity_allows(chosen, action, resource) == _answer(full)
    context = {"iam:PassedToService": "lambda.amazonaws.com"}
    with_context = _asker(_SESSION, tuple(context.items()), outsider=False).ask(
        normal_action(action), resource, execution_policies(chosen), same_account=True
    )
    answer = EngineChecker().identity_allows_in(chosen, action, resource, context)
    assert answer == _answer(with_context)


def test_an_unnamed_action_is_denied_and_a_named_one_is_not_cut_short() -> None:
    role = _policies(
        [([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}], PolicyKind.INLINE)]
    )
    checker = EngineChecker()
    assert not checker.identity_allows(role, "kms:Decrypt", "*").allowed
    assert checker.identity_allows(role, "s3:GetObject", "arn:aws:s3:::b/k").allowed
