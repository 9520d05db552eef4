"""The minimal identity policy for a set of SDK calls: one statement per service and
resource set, actions sorted, stable Sids, so the same code always gives the same JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fnguard.model import SdkCall

__all__ = ["minimal_policy", "needed_actions"]


def _camel(prefix: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in prefix.replace("_", "-").split("-"))


def needed_actions(calls: Iterable[SdkCall]) -> dict[str, set[str]]:
    """``action -> resources`` over the calls; ``*`` swallows narrower resources."""
    needs: dict[str, set[str]] = {}
    for call in calls:
        for action in call.actions:
            needs.setdefault(action, set()).update(call.resources or ("*",))
    for resources in needs.values():
        if "*" in resources:
            resources.intersection_update({"*"})
    return needs


def minimal_policy(
    calls: Iterable[SdkCall], extra: Iterable[tuple[str, str]] = ()
) -> dict[str, Any]:
    """The policy document granting exactly what ``calls`` need (plus ``extra`` action /
    resource pairs, such as the platform's own needs)."""
    needs = needed_actions(calls)
    for action, resource in extra:
        needs.setdefault(action, set()).add(resource)
        if "*" in needs[action]:
            needs[action].intersection_update({"*"})
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for action, resources in needs.items():
        service = action.partition(":")[0]
        grouped.setdefault((service, tuple(sorted(resources))), []).append(action)
    statements: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for key in sorted(grouped):
        service, arns = key
        counts[service] = counts.get(service, 0) + 1
        statements.append(
            {
                "Sid": f"{_camel(service)}Access{counts[service]}",
                "Effect": "Allow",
                "Action": sorted(set(grouped[key]), key=str.lower),
                "Resource": list(arns),
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
