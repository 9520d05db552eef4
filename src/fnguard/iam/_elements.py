"""Reading policy elements as IAM does: one string or a list of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fnguard.model import Policy

__all__ = ["allowed_services", "as_list"]


def as_list(raw: Any) -> tuple[str, ...]:
    """A policy element's values, whether written as one string or a list."""
    if raw is None:
        return ()
    if isinstance(raw, list | tuple):
        return tuple(str(v) for v in raw)
    return (str(raw),)


_KEPT = 16384
# (on_all, ids of the policies) -> (the policies, held so no id is reused, the answer): the
# escalation graph and IAM004 ask for every role, some roles several times.
_SERVICES: dict[tuple[bool, tuple[int, ...]], tuple[tuple[Policy, ...], frozenset[str] | None]]
_SERVICES = {}


def allowed_services(policies: Iterable[Policy], *, on_all: bool = False) -> frozenset[str] | None:
    """Services some Allow statement names (``on_all``: only those with ``Resource: "*"``);
    ``None`` when it may be any service (a service wildcard, NotAction).

    A cheap look at the text that spares asking the evaluator questions whose answer is
    certainly no; the answers themselves still come from the evaluator. Kept per sequence of
    policy objects (policies are immutable).
    """
    held = tuple(policies)
    key = (on_all, tuple(map(id, held)))
    found = _SERVICES.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], held, strict=True)):
        return found[1]
    answer = _allowed_services(held, on_all)
    if len(_SERVICES) >= _KEPT:
        _SERVICES.pop(next(iter(_SERVICES)))
    _SERVICES[key] = (held, answer)
    return answer


def _allowed_services(policies: tuple[Policy, ...], on_all: bool) -> frozenset[str] | None:
    found: set[str] = set()
    for policy in policies:
        for stmt in policy.statements:
            if str(stmt.get("Effect", "")).capitalize() != "Allow":
                continue
            if on_all and "Resource" in stmt and "*" not in as_list(stmt["Resource"]):
                continue
            if "Action" not in stmt:
                return None
            for pattern in as_list(stmt["Action"]):
                service = pattern.partition(":")[0].lower()
                if "*" in service or "?" in service:
                    return None
                found.add(service)
    return frozenset(found)
