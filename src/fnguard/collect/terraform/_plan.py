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
from fnguard.collect.terraform._gcp import map_gcp
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
        config: _Config,
    ) -> None:
        self._config = config
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
                    self._config,
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
        return self._config.resolve(entry.get("references"), _INDEX.sub("", self._prefix))


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
    config = _Config().load((doc.get("configuration") or {}).get("root_module"), "")
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
                config.resources.get(config_key, {}),
                location,
                prefix,
                cwd,
                config,
            )
        )
    return Mapper(views).build().merge(map_gcp(views))


def _resources(module: Mapping[str, Any]) -> Iterator[tuple[Mapping[str, Any], str]]:
    address = module.get("address")
    prefix = f"{address}." if isinstance(address, str) and address else ""
    for resource in module.get("resources", []) or []:
        if isinstance(resource, Mapping):
            yield resource, prefix
    for child in module.get("child_modules", []) or []:
        if isinstance(child, Mapping):
            yield from _resources(child)


class _Config:
    """The plan's ``configuration`` section, indexed by configuration address (no keys).

    ``resources``: resource address -> its ``expressions``; ``inputs``: module address ->
    {variable: expression}; ``outputs``: module address -> {output: expression}.
    """

    def __init__(self) -> None:
        self.resources: dict[str, Mapping[str, Any]] = {}
        self.inputs: dict[str, Mapping[str, Any]] = {}
        self.outputs: dict[str, Mapping[str, Any]] = {}

    def load(self, module: Any, prefix: str) -> _Config:
        if not isinstance(module, Mapping):
            return self
        for resource in module.get("resources", []) or []:
            if isinstance(resource, Mapping) and isinstance(resource.get("address"), str):
                self.resources[prefix + resource["address"]] = resource.get("expressions") or {}
        outputs = module.get("outputs") or {}
        self.outputs[prefix.rstrip(".")] = {
            k: v.get("expression") or {} for k, v in outputs.items() if isinstance(v, Mapping)
        }
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, Mapping):
                child = f"{prefix}module.{name}"
                self.inputs[child] = call.get("expressions") or {}
                self.load(call.get("module") or {}, child + ".")
        return self

    def resolve(self, refs: Any, prefix: str, depth: int = 0) -> list[str]:
        """Resource addresses behind references, following module inputs and outputs."""
        out: list[str] = []
        if not isinstance(refs, list) or depth > 20:
            return out
        module = prefix.rstrip(".")
        for ref in refs:
            parts = str(ref).split(".")
            if parts[0] == "var" and len(parts) > 1:
                entry = self.inputs.get(module, {}).get(parts[1], {})
                parent = module.rsplit(".module.", 1)[0] + "." if ".module." in module else ""
                out += self.resolve(entry.get("references"), parent, depth + 1)
            elif parts[0] == "module" and len(parts) > 2:
                child = f"{prefix}module.{parts[1]}"
                entry = self.outputs.get(child, {}).get(parts[2], {})
                out += self.resolve(entry.get("references"), child + ".", depth + 1)
            elif parts[0] not in ("local", "each", "count", "path", "self", "module"):
                keep = 3 if parts[0] == "data" else 2
                out.append(prefix + ".".join(parts[:keep]))
        return list(dict.fromkeys(out))
