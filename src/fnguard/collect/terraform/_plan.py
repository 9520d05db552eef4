"""``terraform show -json`` output (a saved plan or the state) -> inventory.

Values there are already resolved by Terraform. What a plan leaves unknown (``after_unknown``)
becomes ``Unknown``, and the ``configuration`` section's references still tell which resource
an unknown ARN belongs to, so ``Function.role`` is an address exactly as with HCL input.
Locations are the JSON file itself (line 0): a plan has no source lines.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from typing import Any

from fnguard.collect.terraform._aws import Mapper
from fnguard.collect.terraform._eval import Unknown
from fnguard.collect.terraform._view import MISSING
from fnguard.errors import InputError
from fnguard.model import Inventory, Location

__all__ = ["is_plan_json", "plan_inventory"]

_INDEX = re.compile(r"\[[^\]]*\]")


def is_plan_json(head: bytes) -> bool:
    return b'"format_version"' in head and (b'"planned_values"' in head or b'"values"' in head)


class PlanView:
    """A resource (or one of its nested blocks) from plan/state JSON, as a ``View``."""

    def __init__(
        self,
        address: str,
        rtype: str,
        values: Mapping[str, Any],
        unknown: Mapping[str, Any],
        exprs: Mapping[str, Any],
        location: Location,
        module_prefix: str,
        cwd: str,
    ) -> None:
        self.address = address
        self.type = rtype
        self.location = location
        self.cwd = cwd
        self._values = values
        self._unknown = unknown if isinstance(unknown, Mapping) else {}
        self._exprs = exprs if isinstance(exprs, Mapping) else {}
        self._prefix = module_prefix

    def get(self, name: str) -> Any:
        value = self._values.get(name, MISSING)
        if (value is MISSING or value is None) and self._unknown.get(name) is True:
            refs = self.refs(name)
            return Unknown(f"{self.address}.{name}", refs[0] if len(refs) == 1 else None)
        return value

    def blocks(self, name: str) -> list[PlanView]:
        raw = self._values.get(name)
        if not isinstance(raw, list):
            return []
        unknown = self._unknown.get(name)
        exprs = self._exprs.get(name)
        out: list[PlanView] = []
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping):
                continue
            out.append(
                PlanView(
                    self.address,
                    self.type,
                    item,
                    unknown[i] if isinstance(unknown, list) and i < len(unknown) else {},
                    exprs[i] if isinstance(exprs, list) and i < len(exprs) else {},
                    self.location,
                    self._prefix,
                    self.cwd,
                )
            )
        return out

    def expr(self, name: str) -> str | None:
        refs = self._exprs.get(name)
        if isinstance(refs, Mapping) and refs.get("references"):
            return str(refs["references"][0])
        return None

    def refs(self, name: str) -> list[str]:
        entry = self._exprs.get(name)
        if not isinstance(entry, Mapping):
            return []
        out: list[str] = []
        for ref in entry.get("references", []):
            parts = str(ref).split(".")
            keep = 3 if parts[0] == "data" else 2
            if parts[0] in ("var", "local", "each", "count", "path"):
                continue
            out.append(self._prefix + ".".join(parts[:keep]))
        return out


def plan_inventory(data: bytes, rel_path: str) -> Inventory:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        raise InputError(rel_path, line, "expected JSON from `terraform show -json`") from None
    if not isinstance(doc, dict):
        raise InputError(rel_path, 1, "expected a JSON object from `terraform show -json`")
    values = doc.get("planned_values") or doc.get("values")
    if not isinstance(values, dict) or not isinstance(values.get("root_module", {}), dict):
        raise InputError(rel_path, 0, "expected planned_values.root_module or values.root_module")
    unknown = {
        rc.get("address"): (rc.get("change") or {}).get("after_unknown") or {}
        for rc in doc.get("resource_changes", [])
        if isinstance(rc, dict)
    }
    config = _config_expressions(doc.get("configuration", {}).get("root_module", {}), "")
    location = Location(rel_path, 0)
    cwd = posixpath.dirname(rel_path) or "."
    views: list[PlanView] = []
    for resource, prefix in _resources(values.get("root_module", {})):
        address = resource.get("address")
        rtype = resource.get("type")
        if not isinstance(address, str) or not isinstance(rtype, str):
            continue
        config_key = _INDEX.sub("", address)
        views.append(
            PlanView(
                address,
                rtype,
                resource.get("values") or {},
                unknown.get(address, {}),
                config.get(config_key, {}),
                location,
                prefix,
                cwd,
            )
        )
    return Mapper(views).build().merge(Inventory(sources=()))


def _resources(module: Mapping[str, Any]) -> Iterator[tuple[Mapping[str, Any], str]]:
    address = module.get("address")
    prefix = f"{address}." if isinstance(address, str) and address else ""
    for resource in module.get("resources", []) or []:
        if isinstance(resource, Mapping):
            yield resource, prefix
    for child in module.get("child_modules", []) or []:
        if isinstance(child, Mapping):
            yield from _resources(child)


def _config_expressions(module: Mapping[str, Any], prefix: str) -> dict[str, Mapping[str, Any]]:
    """Configuration address (no instance keys) -> that resource's ``expressions``."""
    out: dict[str, Mapping[str, Any]] = {}
    if not isinstance(module, Mapping):
        return out
    for resource in module.get("resources", []) or []:
        if isinstance(resource, Mapping) and isinstance(resource.get("address"), str):
            out[prefix + resource["address"]] = resource.get("expressions") or {}
    for name, call in (module.get("module_calls") or {}).items():
        if isinstance(call, Mapping):
            out.update(_config_expressions(call.get("module") or {}, f"{prefix}module.{name}."))
    return out
