"""The exceptions table (``fnguard/data/sdk_iam_actions.json``), read once and typed.

Most SDK operations need ``<iam prefix>:<OperationName>``; the table lists the ones that do
not (documented in docs/iam-action-map.md), the helpers boto3 adds to clients and resources,
and which request parameters name a resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from fnguard.code.sdk._data import load_data
from fnguard.errors import RuleError

__all__ = ["PARTIQL", "ActionSpec", "ActionTable", "ArnParam", "Helper", "action_table"]

_FILE = "fnguard/data/sdk_iam_actions.json"
#: the marker in ``operations`` for statements whose action depends on the PartiQL verb
PARTIQL = "partiql"


@dataclass(frozen=True)
class ActionSpec:
    """One IAM action an operation needs; ``when``: only if that parameter is passed;
    ``source``: the parameter that names the resource (``CopySource``) instead of the usual."""

    action: str
    when: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Helper:
    """A method boto3 injects (``upload_file``): its positional parameters and API calls."""

    params: tuple[str, ...]
    operations: tuple[str, ...]


@dataclass(frozen=True)
class ArnParam:
    """How a request parameter fills a variable of an action's ARN template (``kind``: a queue URL
    yields the queue name, a secret id needs its random suffix)."""

    var: str  # the IAM dataset's ARN-template variable ("BucketName")
    kind: str = "name"


@dataclass(frozen=True)
class ActionTable:
    """The exceptions table, validated and typed once per process: a malformed entry fails when it
    is read (a bug in fnguard), not in the middle of a scan."""

    prefixes: Mapping[str, str]
    no_permission: frozenset[tuple[str, str]]
    operations: Mapping[tuple[str, str], tuple[ActionSpec, ...]]
    partiql: Mapping[str, str]
    helpers: Mapping[tuple[str, str, str], Helper]  # (service, "client"|resource type, method)
    arn_params: Mapping[str, Mapping[str, ArnParam]]


def _entries(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{_FILE}: {where} must be an object")
    return {k: v for k, v in raw.items() if not str(k).startswith("_")}


def _spec(raw: Any, where: str) -> ActionSpec:
    if isinstance(raw, str):
        return ActionSpec(raw)
    if isinstance(raw, Mapping) and isinstance(raw.get("action"), str):
        return ActionSpec(str(raw["action"]), raw.get("when"), raw.get("from"))
    raise RuleError(f"{_FILE}: {where}: expected an action name or {{action, when, from}}")


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise RuleError(f"{_FILE}: {where} must be a list of strings")
    return tuple(raw)


def parse_table(document: Any) -> ActionTable:
    """Validate and type the table; a malformed table is a bug in fnguard (``RuleError``)."""
    doc = _entries(document, "the document")
    prefixes = {str(k): str(v) for k, v in _entries(doc.get("prefixes", {}), "prefixes").items()}
    no_permission = frozenset(
        (service, op)
        for service, ops in _entries(doc.get("none", {}), "none").items()
        for op in _strings(ops, f"none.{service}")
    )
    operations: dict[tuple[str, str], tuple[ActionSpec, ...]] = {}
    for service, ops in _entries(doc.get("operations", {}), "operations").items():
        for op, specs in _entries(ops, f"operations.{service}").items():
            if not isinstance(specs, list) or not specs:
                raise RuleError(f"{_FILE}: operations.{service}.{op} must be a non-empty list")
            where = f"operations.{service}.{op}"
            operations[(service, op)] = tuple(_spec(s, where) for s in specs)
    partiql = {str(k).upper(): str(v) for k, v in _entries(doc.get("partiql", {}), "p").items()}
    helpers: dict[tuple[str, str, str], Helper] = {}
    for service, owners in _entries(doc.get("helpers", {}), "helpers").items():
        for owner, methods in _entries(owners, f"helpers.{service}").items():
            for method, raw in _entries(methods, f"helpers.{service}.{owner}").items():
                where = f"helpers.{service}.{owner}.{method}"
                body = _entries(raw, where)
                helpers[(service, owner, method)] = Helper(
                    _strings(body.get("params", []), f"{where}.params"),
                    _strings(body.get("operations", []), f"{where}.operations"),
                )
    arn_params: dict[str, dict[str, ArnParam]] = {}
    for service, params in _entries(doc.get("arn_params", {}), "arn_params").items():
        for name, raw in _entries(params, f"arn_params.{service}").items():
            body = _entries(raw, f"arn_params.{service}.{name}")
            if not isinstance(body.get("var"), str):
                raise RuleError(f"{_FILE}: arn_params.{service}.{name} needs a 'var'")
            kind = str(body.get("kind", "name"))
            arn_params.setdefault(service, {})[name] = ArnParam(str(body["var"]), kind)
    return ActionTable(prefixes, no_permission, operations, partiql, helpers, arn_params)


@cache
def action_table() -> ActionTable:
    """The table shipped with fnguard, read once per process."""
    return parse_table(load_data("sdk_iam_actions.json"))
