"""Hypothesis strategies for statements that exercise every shortcut's near misses: Deny,
NotAction, NotResource and conditions (imported as ``iam.memo_strategies``)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

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
