"""Questions a caller may skip: answered "no" without evaluating, when the checker can tell.

The ``PermissionChecker`` protocol stays the contract; a checker that also knows which actions
its policies never name (the engine does, from an index built once per role) lets rules skip
asking about every resource for them. Any other checker is simply asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from fnguard.iam._interface import PermissionChecker
    from fnguard.model import Policy

__all__ = ["first_allowed", "may_allow", "possible_actions", "strangers_need_naming"]


def may_allow(checker: PermissionChecker, policies: Sequence[Policy], action: str) -> bool:
    """False only when ``checker.identity_allows(policies, action, r)`` is a deny for every
    resource ``r`` (no statement names the action, no boundary)."""
    test = getattr(checker, "may_allow", None)
    return True if test is None else bool(test(policies, action))


def possible_actions(
    checker: PermissionChecker, policies: Sequence[Policy], actions: Iterable[str]
) -> tuple[str, ...]:
    """``actions`` in order, less those ``may_allow`` rules out (in one call when the checker
    answers for several actions at once)."""
    batch = getattr(checker, "possible_actions", None)
    if batch is not None:
        return tuple(batch(policies, actions))
    test = getattr(checker, "may_allow", None)
    if test is None:
        return tuple(actions)
    return tuple(a for a in actions if test(policies, a))


def first_allowed(
    checker: PermissionChecker,
    policies: Sequence[Policy],
    actions: Sequence[str],
    resources: Iterable[str],
) -> tuple[str, str] | None:
    """The first (action, resource), resource after resource and action after action, that
    ``checker.identity_allows`` allows (in one call when the checker can search them itself)."""
    search = getattr(checker, "first_allowed", None)
    if search is not None:
        found: tuple[str, str] | None = search(policies, actions, resources)
        return found
    for resource in resources:
        for action in actions:
            if checker.identity_allows(policies, action, resource).allowed:
                return action, resource
    return None


def strangers_need_naming(checker: PermissionChecker) -> bool:
    """True when ``checker.resource_allows_anonymous`` denies whenever no statement may name
    a stranger (``may_name_stranger``), as the offline evaluator's does: a caller whose
    statements name none may skip making them. Any other checker is asked."""
    from fnguard.iam._checker import EngineChecker

    return type(checker).resource_allows_anonymous is EngineChecker.resource_allows_anonymous
