"""``data "aws_iam_policy_document"`` rendered to the JSON the AWS provider would produce."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fnguard.collect.terraform._eval import Unknown, json_text
from fnguard.collect.terraform._view import MISSING

if TYPE_CHECKING:
    from fnguard.collect.terraform._view import View

__all__ = ["render_policy_document"]


def render_policy_document(view: View) -> Any:
    """The ``json`` attribute: a str, a ``Partial`` (placeholders) or ``Unknown``."""
    statements: list[dict[str, Any]] = []
    for source in _list(view.get("source_policy_documents")):
        doc = _load(source)
        if doc is None:
            return Unknown(view.expr("source_policy_documents") or view.address, view.address)
        statements = _merge(statements, _statements(doc))
    own = [_statement(s) for s in view.blocks("statement")]
    statements = _merge(statements, own)
    for override in _list(view.get("override_policy_documents")):
        doc = _load(override)
        if doc is None:
            return Unknown(view.expr("override_policy_documents") or view.address, view.address)
        statements = _merge(statements, _statements(doc))
    document: dict[str, Any] = {"Version": _str(view.get("version")) or "2012-10-17"}
    policy_id = view.get("policy_id")
    if isinstance(policy_id, str):
        document["Id"] = policy_id
    document["Statement"] = statements
    return json_text(document)


def _list(value: Any) -> list[Any]:
    if value is MISSING or value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _load(text: Any) -> dict[str, Any] | None:
    if not isinstance(text, str):
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    raw = doc.get("Statement", [])
    if isinstance(raw, dict):
        return [raw]
    return [s for s in raw if isinstance(s, dict)] if isinstance(raw, list) else []


def _merge(base: list[dict[str, Any]], extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements with a Sid already present replace it; the others are appended."""
    out = list(base)
    for stmt in extra:
        sid = stmt.get("Sid")
        index = next((i for i, s in enumerate(out) if sid and s.get("Sid") == sid), None)
        if index is not None:
            out[index] = stmt
        else:
            out.append(stmt)
    return out


def _one_or_list(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _statement(view: View) -> dict[str, Any]:
    stmt: dict[str, Any] = {}
    sid = view.get("sid")
    if isinstance(sid, str) and sid:
        stmt["Sid"] = sid
    effect = view.get("effect")
    stmt["Effect"] = effect if isinstance(effect, str | Unknown) else "Allow"
    for attr, key in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        value = view.get(attr)
        if value is MISSING or value is None:
            continue
        stmt[key] = _one_or_list(value) if isinstance(value, list) else value
    for block, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        principals = _principals(view.blocks(block))
        if principals is not None:
            stmt[key] = principals
    conditions: dict[str, dict[str, Any]] = {}
    for cond in view.blocks("condition"):
        test, variable, values = cond.get("test"), cond.get("variable"), cond.get("values")
        if not isinstance(test, str) or not isinstance(variable, str):
            continue
        vals = values if isinstance(values, list) else [values]
        conditions.setdefault(test, {})[variable] = _one_or_list(vals)
    if conditions:
        stmt["Condition"] = conditions
    return stmt


def _principals(blocks: Any) -> Any:
    if not blocks:
        return None
    out: dict[str, Any] = {}
    for block in blocks:
        ptype = block.get("type")
        ids = block.get("identifiers")
        ids_list = ids if isinstance(ids, list) else [ids]
        if ptype == "*" and ids_list == ["*"]:
            return "*"
        if not isinstance(ptype, str):
            continue
        merged = out.get(ptype, [])
        merged = (merged if isinstance(merged, list) else [merged]) + ids_list
        out[ptype] = _one_or_list(merged)
    return out
