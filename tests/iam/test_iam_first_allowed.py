"""``first_allowed`` finds the pair the evaluator would allow first, on every kind of set
(plain ones searched from their tables, the rest asked pair by pair)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from iam import memo_strategies

from fnguard.iam import Decision, first_allowed
from fnguard.iam._checker import EngineChecker
from fnguard.model import PolicyKind

_ACTIONS = ("s3:GetObject", "s3:PutObject", "kms:Decrypt", "logs:PutLogEvents", "sqs:SendMessage")
_PATTERNS = ("s3:Get*", "s3:*", "kms:Decrypt", "logs:*", "sqs:Send*", "S3:getobject")
_RESOURCES = (
    "*",
    "arn:aws:s3:::b/k",
    "arn:aws:kms:us-east-1:1:key/k",
    "arn:aws:sqs:us-east-1:1:q",
    "arn:aws:s3:::b/x",
    "${aws_s3_bucket.b.arn}/k",
)
_WRITTEN = (
    *_RESOURCES,
    "arn:aws:s3:::${aws:region}/*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::${aws:PrincipalAccount}/*",
    "${aws_s3_bucket.b.arn}/*",
    "arn:aws:s3:::b/${aws:username}",
)
statements = memo_strategies.statements(_PATTERNS, _WRITTEN)
kinds = st.sampled_from((PolicyKind.INLINE, PolicyKind.MANAGED, PolicyKind.BOUNDARY))
policy_lists = st.lists(st.tuples(st.lists(statements, max_size=3), kinds), max_size=3)
plain_lists = st.lists(
    st.lists(
        st.builds(
            lambda actions, resources: {
                "Effect": "Allow",
                "Action": actions,
                "Resource": resources,
            },
            st.lists(st.sampled_from(_PATTERNS), min_size=1, max_size=2),
            st.lists(st.sampled_from(_WRITTEN), min_size=1, max_size=2),
        ),
        max_size=3,
    ).map(lambda found: (found, PolicyKind.INLINE)),
    max_size=2,
)


def _pair_by_pair(policies: Any, actions: tuple[str, ...], resources: tuple[str, ...]) -> Any:
    for resource in resources:
        for action in actions:
            if memo_strategies.fresh(policies, action, resource).allowed:
                return action, resource
    return None


class _Asked:
    """A checker without a search of its own: the helper asks it pair by pair."""

    def __init__(self) -> None:
        self.inner = EngineChecker()

    def identity_allows(self, policies: Any, action: str, resource: str = "*") -> Decision:
        return self.inner.identity_allows(policies, action, resource)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(policy_lists, plain_lists),
    st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3, unique=True),
    st.permutations(_RESOURCES),
)
def test_the_first_allowed_pair_is_the_evaluators(
    raw: list[tuple[list[dict[str, Any]], PolicyKind]],
    actions: list[str],
    resources: list[str],
) -> None:
    chosen = memo_strategies.policies(raw)
    expected = _pair_by_pair(chosen, tuple(actions), tuple(resources))
    assert first_allowed(EngineChecker(), chosen, actions, resources) == expected
    assert first_allowed(_Asked(), chosen, actions, resources) == expected


def test_no_action_or_no_resource_finds_nothing() -> None:
    chosen = memo_strategies.policies(
        [
            (
                [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}],
                PolicyKind.INLINE,
            )
        ]
    )
    assert first_allowed(EngineChecker(), chosen, (), ("*",)) is None
    assert first_allowed(EngineChecker(), chosen, ("s3:GetObject",), ()) is None
    asked = ("kms:Decrypt", "s3:GetObject")
    assert first_allowed(EngineChecker(), chosen, asked, ("*", "arn:aws:s3:::b/k")) == (
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    )
