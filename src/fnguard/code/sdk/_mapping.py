"""API operations -> IAM actions and resources: botocore's default, the table's exceptions.

The default action is ``<iam prefix>:<OperationName>``; ``sdk_iam_actions.json`` lists the
operations AWS authorises differently. Every action is checked against the IAM dataset; an
action the dataset does not know is kept (the code does call it) and reported in a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnguard.code.sdk._arns import Where, resource_arns
from fnguard.code.sdk._services import service_info
from fnguard.code.sdk._table import PARTIQL, ActionSpec, action_table
from fnguard.code.sdk._values import Dict, Text
from fnguard.iam._actions import access_level

if TYPE_CHECKING:
    from fnguard.code.sdk._frames import RawCall
    from fnguard.code.sdk._values import Value

__all__ = ["Need", "needs_of"]


@dataclass(frozen=True)
class Need:
    """IAM actions one call needs on the same resources."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    unverified: tuple[str, ...] = ()  # actions the IAM dataset does not know


def _values(value: Value) -> list[str | None]:
    if isinstance(value, Text):
        return [value.pattern if value.known else None]
    return [None]


def _copy_source(value: Value) -> dict[str, list[str | None]]:
    """``CopySource`` is ``{"Bucket": b, "Key": k}`` or ``"bucket/key"``."""
    if isinstance(value, Dict):
        return {k: _values(v) for k, v in value.items if k in ("Bucket", "Key")}
    if isinstance(value, Text) and value.known and value.pattern:
        bucket, _, key = value.pattern.partition("?")[0].lstrip("/").partition("/")
        return {"Bucket": [bucket], "Key": [key or None]}
    return {}


def _params(call: RawCall, spec: ActionSpec) -> dict[str, list[str | None]]:
    given = dict(call.params)
    if spec.source is not None:
        return _copy_source(given.get(spec.source, Text(None)))
    out = {k: _values(v) for k, v in given.items()}
    requests = given.get("RequestItems")
    if call.service == "dynamodb" and isinstance(requests, Dict):
        out["TableName"] = [name for name, _ in requests.items]
    return out


def _partiql(call: RawCall) -> tuple[str, ...]:
    statement = dict(call.params).get("Statement")
    verbs = action_table().partiql
    if isinstance(statement, Text) and statement.known and statement.pattern:
        verb = statement.pattern.strip().split(None, 1)[0].upper()
        if verb in verbs:
            return (verbs[verb],)
    return tuple(sorted(set(verbs.values())))


def _actions(call: RawCall, spec: ActionSpec, prefix: str) -> tuple[str, ...]:
    if spec.when is not None and spec.when not in dict(call.params):
        return ()
    if spec.action == PARTIQL:
        return _partiql(call)
    return (spec.action,)


def needs_of(call: RawCall, where: Where) -> tuple[Need, ...]:
    """What ``call`` needs; empty for operations that need no permission."""
    table = action_table()
    if (call.service, call.operation) in table.no_permission:
        return ()
    info = service_info(call.service)
    prefix = info.iam_prefix if info else call.service
    specs = table.operations.get((call.service, call.operation)) or (
        ActionSpec(f"{prefix}:{call.operation}"),
    )
    here = Where(where.partition, call.region or where.region, where.account)
    grouped: dict[tuple[str, ...], list[str]] = {}
    unverified: list[str] = []
    for spec in specs:
        params = _params(call, spec)
        for action in _actions(call, spec, prefix):
            if access_level(action) is None:
                unverified.append(action)
            arns = resource_arns(call.service, action, params, here)
            grouped.setdefault(arns, []).append(action)
    return tuple(
        Need(tuple(dict.fromkeys(actions)), arns, tuple(a for a in unverified if a in actions))
        for arns, actions in grouped.items()
    )
