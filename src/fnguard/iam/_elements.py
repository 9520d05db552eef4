"""Reading policy elements as IAM does: one string or a list of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnguard.iam._held import Held

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fnguard.model import Policy

__all__ = ["allowed_services", "as_list"]


def as_list(raw: Any) -> tuple[str, ...]:
    """A policy element's values, whether written as one string or a list."""
    if type(raw) is str:  # the usual Resource, and many an Action
        return (raw,)
    if raw is None:
        return ()
    if isinstance(raw, (list, tuple)):  # the tuple form: a faster check than list | tuple
        return tuple(map(str, raw))
    return (str(raw),)


# The escalation graph and IAM004 ask for every role, some roles several times; an
# AWS-managed document attached to many roles is read once.
_SEQUENCES: Held[frozenset[str] | None] = Held()
_DOCUMENTS: Held[tuple[frozenset[str] | None, frozenset[str] | None]] = Held()


def allowed_services(policies: Iterable[Policy], *, on_all: bool = False) -> frozenset[str] | None:
    """Services some Allow statement names (``on_all``: only those with ``Resource: "*"``);
    ``None`` when it may be any service (a service wildcard, NotAction).

    A cheap look at the text that spares asking the evaluator questions whose answer is
    certainly no; the answers themselves still come from the evaluator. Kept per sequence of
    policy objects (policies are immutable).
    """
    held = tuple(policies)
    return _SEQUENCES.get(held, on_all, lambda: _allowed_services(held, on_all))


def _allowed_services(policies: tuple[Policy, ...], on_all: bool) -> frozenset[str] | None:
    found: set[str] = set()
    for policy in policies:
        services = _policy_services(policy, on_all)
        if services is None:
            return None
        found.update(services)
    return frozenset(found)


def _policy_services(policy: Policy, on_all: bool) -> frozenset[str] | None:
    """``allowed_services`` of one policy (it depends on the document alone; both readings
    come from one pass, as the escalation graph and IAM004 each ask one)."""
    both = _DOCUMENTS.get((policy.document,), None, lambda: _statement_services(policy))
    return both[1] if on_all else both[0]


_Services = frozenset[str] | None


# By Action list: the roles of a stack write the same lists.
_BY_ACTIONS: dict[tuple[str, ...], _Services] = {}
_BY_ACTIONS_KEPT = 4096


def _services_of(actions: tuple[str, ...]) -> _Services:
    """The lower-case services an Action list names; ``None`` when one may be any."""
    if actions in _BY_ACTIONS:
        return _BY_ACTIONS[actions]
    found: _Services = None
    services: set[str] = set()
    for pattern in actions:
        service = pattern.partition(":")[0].lower()
        if "*" in service or "?" in service:
            break
        services.add(service)
    else:
        found = frozenset(services)
    if len(_BY_ACTIONS) < _BY_ACTIONS_KEPT:
        _BY_ACTIONS[actions] = found
    return found


def _statement_services(policy: Policy) -> tuple[_Services, _Services]:
    """(services every Allow names, services the Allows on ``Resource: "*"`` name)."""
    found: set[str] | None = set()
    on_all: set[str] | None = set()
    for stmt in policy.statements:
        if str(stmt.get("Effect", "")).capitalize() != "Allow":
            continue
        everywhere = "Resource" not in stmt or "*" in as_list(stmt["Resource"])
        if "Action" not in stmt:
            found = None
            if everywhere:
                on_all = None
            if on_all is None:
                break
            continue
        services = _services_of(as_list(stmt["Action"]))
        if services is None:  # a service wildcard: any service
            found = None
            if everywhere:
                on_all = None
        else:
            if found is not None:
                found.update(services)
            if everywhere and on_all is not None:
                on_all.update(services)
        if found is None and on_all is None:
            break
    return (
        None if found is None else frozenset(found),
        None if on_all is None else frozenset(on_all),
    )
