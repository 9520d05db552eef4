"""botocore's service models, read lazily: method names, paginators, waiters, IAM prefixes.

A client's method names are botocore's ``xform_name`` of the operation names, so the model
turns ``s3.list_objects_v2`` back into ``ListObjectsV2``. Only the services a handler uses
are loaded (a few milliseconds each).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from fnguard.code.sdk._table import action_table
from fnguard.iam._actions import expand_action, known_services

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ServiceInfo", "available_services", "service_info"]


@cache
def _loader() -> Any:
    from botocore.loaders import create_loader

    return create_loader()


@cache
def available_services() -> frozenset[str]:
    return frozenset(_loader().list_available_services("service-2"))


def _optional(service: str, kind: str) -> Mapping[str, Any]:
    from botocore.exceptions import DataNotFoundError

    try:
        data: Mapping[str, Any] = _loader().load_service_model(service, kind)
    except DataNotFoundError:
        return {}
    return data


@dataclass(frozen=True)
class ServiceInfo:
    """What the analysis needs from a botocore service model, loaded only for the services the code
    uses: client methods back to operations, paginators, waiters and the IAM prefix."""

    name: str  # botocore service name: "s3"
    iam_prefix: str  # "s3"; "states" for stepfunctions
    operations: Mapping[str, str]  # client method -> operation ("list_objects_v2" -> ...)
    paginators: frozenset[str]  # operations with a paginator
    waiters: Mapping[str, str]  # waiter name ("TableExists") -> operation it polls
    model: Any  # botocore.model.ServiceModel, for resource shapes

    def shape_members(self, shape: str) -> frozenset[str]:
        """Snake-case attribute names of a resource's shape (``content_length``)."""
        from botocore import xform_name
        from botocore.model import NoShapeFoundError

        try:
            found = self.model.shape_for(shape)
        except NoShapeFoundError:
            return frozenset()
        return frozenset(xform_name(m) for m in getattr(found, "members", {}))


def _iam_prefix(name: str, model: Any) -> str:
    """The IAM prefix: the table's override, else the first of signing name / endpoint
    prefix / service name that the IAM dataset knows and that names the model's operations."""
    override = action_table().prefixes.get(name)
    if override:
        return override
    candidates = [model.signing_name, model.endpoint_prefix, name]
    known = known_services()
    ops = list(model.operation_names)[:25]
    for prefix in candidates:
        if prefix in known and any(expand_action(f"{prefix}:{op}") for op in ops):
            return str(prefix)
    return str(next((p for p in candidates if p in known), model.signing_name))


@cache
def service_info(name: str) -> ServiceInfo | None:
    """The service's model, or None when botocore has no service of that name."""
    if name not in available_services():
        return None
    from botocore import xform_name
    from botocore.model import ServiceModel

    model = ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)
    operations = {xform_name(op): op for op in model.operation_names}
    paginators = frozenset(_optional(name, "paginators-1").get("pagination", {}))
    waiters = {
        str(w): str(body.get("operation", ""))
        for w, body in _optional(name, "waiters-2").get("waiters", {}).items()
    }
    return ServiceInfo(name, _iam_prefix(name, model), operations, paginators, waiters, model)
