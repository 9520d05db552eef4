"""boto3's resource models (``boto3/data/<service>/<version>/resources-1.json``), typed.

``dynamodb.Table(name).put_item(...)`` is a resource action: the model says it is the
``PutItem`` operation with ``TableName`` taken from the table's identifier. boto3 is an
optional dependency of fnguard; without it these models are absent and the analyser records
a gap instead of guessing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "Param",
    "Request",
    "ResourceModel",
    "ServiceResources",
    "SubResource",
    "boto3_available",
    "service_resources",
]


@dataclass(frozen=True)
class Param:
    """Where a request parameter (or sub-resource identifier) comes from.

    ``source`` is boto3's: "identifier" (``name`` is the parent's identifier), "input"
    (the next positional argument), "string" / "integer" / "boolean" (``name`` holds the
    value), "data" / "response" (known only at run time).
    """

    target: str
    source: str
    name: str = ""


@dataclass(frozen=True)
class Request:
    """The API operation a resource action, load or waiter performs, and where its parameters come
    from: a resource call is recorded as the client call it stands for."""

    operation: str
    params: tuple[Param, ...] = ()


@dataclass(frozen=True)
class SubResource:
    """A ``has`` entry (``bucket.Object(key)``) or a collection's item type."""

    type: str
    identifiers: tuple[Param, ...]


@dataclass(frozen=True)
class Collection:
    """A resource collection (``bucket.objects``): the listing request iterating it makes, and the
    type of the items it yields."""

    request: Request
    item: SubResource


@dataclass(frozen=True)
class ResourceModel:
    """One resource type (``""`` is the service resource itself); keys are Python names."""

    name: str
    identifiers: tuple[str, ...]
    shape: str | None
    load: Request | None
    actions: Mapping[str, Request]
    batch_actions: Mapping[str, Request]
    has: Mapping[str, SubResource]
    collections: Mapping[str, Collection]
    waiters: Mapping[str, Request]  # "wait_until_exists" -> waiter name in ``operation``


@dataclass(frozen=True)
class ServiceResources:
    """A service's boto3 resource models by type name, read once per service (``service_resources``
    caches it)."""

    service: str
    types: Mapping[str, ResourceModel]

    @property
    def root(self) -> ResourceModel:
        return self.types[""]


def _xform(name: str) -> str:
    from botocore import xform_name

    return str(xform_name(name))


def _params(raw: Any) -> tuple[Param, ...]:
    out: list[Param] = []
    for p in raw or ():
        value = p.get("name", p.get("value", ""))
        out.append(Param(str(p.get("target", "")), str(p.get("source", "")), str(value)))
    return tuple(out)


def _request(raw: Mapping[str, Any]) -> Request:
    return Request(str(raw.get("operation", "")), _params(raw.get("params")))


def _model(name: str, raw: Mapping[str, Any]) -> ResourceModel:
    actions = {_xform(k): _request(v["request"]) for k, v in raw.get("actions", {}).items()}
    batch = {_xform(k): _request(v["request"]) for k, v in raw.get("batchActions", {}).items()}
    has = {
        str(k): SubResource(str(v["resource"]["type"]), _params(v["resource"]["identifiers"]))
        for k, v in raw.get("has", {}).items()
        if "resource" in v
    }
    collections = {
        _xform(k): Collection(
            _request(v["request"]),
            SubResource(str(v["resource"]["type"]), _params(v["resource"].get("identifiers"))),
        )
        for k, v in raw.get("hasMany", {}).items()
        if "request" in v and "resource" in v
    }
    waiters = {
        "wait_until_" + _xform(k): Request(str(v["waiterName"]), _params(v.get("params")))
        for k, v in raw.get("waiters", {}).items()
    }
    load = raw.get("load")
    return ResourceModel(
        name=name,
        identifiers=tuple(str(i["name"]) for i in raw.get("identifiers", ())),
        shape=raw.get("shape"),
        load=_request(load["request"]) if load else None,
        actions=actions,
        batch_actions=batch,
        has=has,
        collections=collections,
        waiters=waiters,
    )


@cache
def _data_root() -> Path | None:
    spec = find_spec("boto3")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))) / "data"
    return root if root.is_dir() else None


def boto3_available() -> bool:
    return _data_root() is not None


@cache
def service_resources(service: str) -> ServiceResources | None:
    """The service's resource model (newest API version), None if boto3 or the model is absent."""
    root = _data_root()
    if root is None or not (root / service).is_dir():
        return None
    versions = sorted(p for p in (root / service).iterdir() if (p / "resources-1.json").is_file())
    if not versions:
        return None
    raw = json.loads((versions[-1] / "resources-1.json").read_text(encoding="utf-8"))
    types = {"": _model("", raw.get("service", {}))}
    for name, body in raw.get("resources", {}).items():
        types[str(name)] = _model(str(name), body)
    return ServiceResources(service, types)
