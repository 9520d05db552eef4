"""Hypothesis strategies for statements that exercise every shortcut's near misses: Deny,
NotAction, NotResource and conditions, and the general path shortcuts are compared with
(imported as ``iam.memo_strategies``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from fnguard.iam._checker import _SESSION, _answer, _asker, _build, normal_action
from fnguard.model import Policy, PolicyKind

if TYPE_CHECKING:
    from fnguard.iam import Decision

CONDITIONS: tuple[dict[str, Any], ...] = (
    {},
    {"Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}},
    {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
)


def statements(patterns: tuple[str, ...], resources: tuple[str, ...]) -> Any:
    """One statement of either effect over ``patterns`` and ``resources``."""
    return st.builds(
        lambda effect, action_key, actions, resource_key, resource, condition: {
            "Effect": effect,
            action_key: actions,
            resource_key: resource,
            **condition,
        },
        st.sampled_from(("Allow", "Deny")),
        st.sampled_from(("Action", "NotAction")),
        st.lists(st.sampled_from(patterns), min_size=1, max_size=2),
        st.sampled_from(("Resource", "NotResource")),
        st.sampled_from(resources),
        st.sampled_from(CONDITIONS),
    )


def policies(raw: list[tuple[list[dict[str, Any]], PolicyKind]]) -> tuple[Policy, ...]:
    """Generated (statements, kind) pairs as a role's policies."""
    return tuple(
        Policy(name=f"p{i}", kind=kind, document={"Version": "2012-10-17", "Statement": stmts})
        for i, (stmts, kind) in enumerate(raw)
    )


def fresh(chosen: tuple[Policy, ...], action: str, resource: str) -> Decision:
    """The evaluator asked directly, with no memo of the checker in the way."""
    asker = _asker(_SESSION, (), outsider=False)
    return _answer(asker.ask(normal_action(action), resource, _build(chosen), same_account=True))
