"""What a function's execution role may do, asked through the injected ``PermissionChecker``.

Rules that need "may this role call X?" (NET003 service use, RUN001 writes to its own trigger)
never judge policy JSON themselves: they only collect the Resource strings the role's
statements name, to have concrete resources to ask the checker about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnguard.iam import first_allowed, possible_actions
from fnguard.model import Policy, PolicyKind, Role
from fnguard.rules._iam_common import sorted_policies
from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from fnguard.iam import Decision, PermissionChecker

__all__ = [
    "Grant",
    "allowed_on",
    "allowed_somewhere",
    "identity_policies",
    "may_call",
    "named_resources",
    "unreadable_policies",
]

_NOT_IDENTITY = (PolicyKind.TRUST, PolicyKind.RESOURCE)


@dataclass(frozen=True)
class Grant:
    """An allowed (action, resource) pair and the decision that allowed it."""

    action: str
    resource: str
    decision: Decision


@per_object
def identity_policies(role: Role) -> tuple[Policy, ...]:
    """The role's identity policies plus its boundary (the checker treats it as a ceiling);
    one tuple per role, so the checker recognises the role asked again. When every text is
    known it is the IAM rules' tuple of the role (the same policies, in the same order): the
    checker then knows the role from their questions."""
    known, unknown = sorted_policies(role)
    if not unknown:
        return known
    policies = tuple(p for p in role.policies if p.kind not in _NOT_IDENTITY)
    return (*policies, role.boundary) if role.boundary is not None else policies


def unreadable_policies(role: Role) -> tuple[str, ...]:
    """Names of attached policies whose text fnguard does not have (document unknown)."""
    return tuple(p.name for p in identity_policies(role) if p.document is None)


def _strings(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list | tuple):
        return tuple(v for v in raw if isinstance(v, str))
    return ()


@per_object
def named_resources(role: Role) -> tuple[str, ...]:
    """Resource strings the role's identity statements name, in order, once each (per role:
    NET003 asks about five services, RUN001 about each trigger)."""
    seen: dict[str, None] = {}
    for policy in identity_policies(role):
        for stmt in policy.statements:
            if isinstance(stmt, Mapping):
                for resource in _strings(stmt.get("Resource")):
                    seen.setdefault(resource, None)
    return tuple(seen)


def may_call(checker: PermissionChecker, role: Role, actions: Iterable[str]) -> bool:
    """False when ``allowed_on`` and ``allowed_somewhere`` are ``None`` for these actions,
    whatever the resources (the checker can tell no statement names any of them)."""
    return bool(possible_actions(checker, identity_policies(role), actions))


def allowed_on(
    checker: PermissionChecker, role: Role, actions: Iterable[str], resources: Iterable[str]
) -> Grant | None:
    """The first (action, resource) the role is allowed, asking about each concrete resource
    (not about actions the checker can tell no statement names)."""
    policies = identity_policies(role)
    return _first_allowed(
        checker, policies, possible_actions(checker, policies, actions), resources
    )


def _first_allowed(
    checker: PermissionChecker,
    policies: tuple[Policy, ...],
    actions: tuple[str, ...],
    resources: Iterable[str],
) -> Grant | None:
    if not actions:
        return None
    found = first_allowed(checker, policies, actions, resources)
    if found is None:
        return None
    action, resource = found
    return Grant(action, resource, checker.identity_allows(policies, action, resource))


def allowed_somewhere(
    checker: PermissionChecker, role: Role, actions: Iterable[str], *, skip: Iterable[str] = ()
) -> Grant | None:
    """Is any of ``actions`` allowed on ``*`` or on a resource the role's policies name?"""
    policies = identity_policies(role)
    possible = possible_actions(checker, policies, actions)
    if not possible:  # most roles for most services: no resource list needed
        return None
    skipped = set(skip)
    candidates = [r for r in ("*", *named_resources(role)) if r not in skipped]
    return _first_allowed(checker, policies, possible, candidates)
