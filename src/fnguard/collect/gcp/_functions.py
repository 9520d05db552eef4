"""Cloud Functions REST JSON (v1 ``CloudFunction``, v2 ``Function``) -> model objects.

The shapes are the ones the Terraform GCP mapper builds, so every GCP rule reads a live
function exactly as it reads a declared one: Google's defaults applied where the API leaves a
field out (256 MB, 60 s, ingress ALLOW_ALL, gen 1 HTTPS SECURE_OPTIONAL), Secret Manager
references as ``projects/P/secrets/S/versions/V`` environment references, the VPC connector as
the one subnet of ``VpcConfig``, the service account by its e-mail (the ``Role`` address).
Gen 2 functions are Cloud Run services: served over HTTPS only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnguard.collect.gcp._names import location, split_name
from fnguard.model import (
    EnvVar,
    Function,
    InvocationType,
    LoggingConfig,
    Provider,
    Trigger,
    TriggerKind,
    VpcConfig,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from fnguard.model import Location

__all__ = ["Shape", "map_function", "memory_in_mb"]

_DEFAULT_MEMORY_MB = 256
_DEFAULT_TIMEOUT_S = 60
_OPTIONAL = "SECURE_OPTIONAL"
# Set by gcloud on every gen 2 deploy, not by the user: no secret, and absent from the IaC.
_PLATFORM_ENV = frozenset({"LOG_EXECUTION_ID"})
_TOPIC_PATH = re.compile(r"^projects/[^/]+/topics/([^/]+)$")
_BUCKET_PATH = re.compile(r"^(?:projects/[^/]+/buckets/|gs://)?([^/]+)/?$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(k|Ki|M|Mi|G|Gi)?\s*$")
_UNIT_MB = {"": 1 / (1024 * 1024), "k": 1 / 1024, "Ki": 1 / 1024, "M": 1.0, "Mi": 1.0}
_UNIT_MB |= {"G": 1024.0, "Gi": 1024.0}


@dataclass(frozen=True)
class Shape:
    """One listed function, mapped: what the project unit still has to complete with IAM."""

    function: Function
    http: bool
    events: tuple[Trigger, ...]
    service: str | None  # gen 2: the Cloud Run service (its IAM decides who may invoke)
    api_version: int  # the Cloud Functions API that listed it (1 or 2)


def memory_in_mb(value: Any) -> int | None:
    """Gen 2 ``availableMemory`` ("256M", "1Gi", bytes) in MB; ``None`` when unreadable."""
    match = _MEMORY.match(str(value)) if value is not None else None
    if match is None:
        return None
    return round(float(match.group(1)) * _UNIT_MB[match.group(2) or ""])


def _seconds(value: Any, default: int) -> int | None:
    if value is None:
        return default
    if isinstance(value, int | float):
        return round(value)
    match = _DURATION.match(str(value))
    return round(float(match.group(1))) if match else None


def _count(value: Any) -> int | None:
    """Max instances: 0 or unset is "no limit of the user's"."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return None
    return number or None


def map_function(item: Mapping[str, Any], api_version: int) -> Shape:
    """Map one function as listed by the v1 or v2 API (v2 also lists gen 1 functions)."""
    if api_version == 1:
        return _gen1_v1(item)
    gen = 1 if item.get("environment") == "GEN_1" else 2
    return _v2(item, gen)


def _base(item: Mapping[str, Any]) -> tuple[str, Location, str]:
    name = str(item.get("name", ""))
    project, region, short = split_name(name)
    return name, location(project, region, "cloudfunctions", short), short


def _gen1_v1(item: Mapping[str, Any]) -> Shape:
    address, where, short = _base(item)
    http = "httpsTrigger" in item
    level = None
    if http:  # unset: SECURE_OPTIONAL, the v1 API's default
        level = str((item.get("httpsTrigger") or {}).get("securityLevel") or _OPTIONAL)
    fn = _function(
        item,
        address=address,
        where=where,
        short=short,
        gen=1,
        runtime=item.get("runtime"),
        handler=item.get("entryPoint"),
        memory=int(item.get("availableMemoryMb") or _DEFAULT_MEMORY_MB),
        timeout=_seconds(item.get("timeout"), _DEFAULT_TIMEOUT_S),
        config=item,
        max_instances=_count(item.get("maxInstances")),
        level=level,
    )
    events = tuple(_events(fn, item.get("eventTrigger"), api_version=1))
    return Shape(fn, http, events, None, 1)


def _v2(item: Mapping[str, Any], gen: int) -> Shape:
    address, where, short = _base(item)
    build = item.get("buildConfig") or {}
    service = item.get("serviceConfig") or {}
    http = not item.get("eventTrigger")
    level = None
    if http:  # gen 1 listed by v2: its own setting; gen 2: Cloud Run serves HTTPS only
        level = "SECURE_ALWAYS" if gen == 2 else str(service.get("securityLevel") or _OPTIONAL)
    memory = service.get("availableMemory")
    fn = _function(
        item,
        address=address,
        where=where,
        short=short,
        gen=gen,
        runtime=build.get("runtime"),
        handler=build.get("entryPoint"),
        memory=_DEFAULT_MEMORY_MB if memory is None else memory_in_mb(memory),
        timeout=_seconds(service.get("timeoutSeconds"), _DEFAULT_TIMEOUT_S),
        config=service,
        max_instances=_count(service.get("maxInstanceCount")),
        level=level,
    )
    events = tuple(_events(fn, item.get("eventTrigger"), api_version=2))
    run = service.get("service") if gen == 2 else None
    return Shape(fn, http, events, str(run) if run else None, 2)


def _function(
    item: Mapping[str, Any],
    *,
    address: str,
    where: Location,
    short: str,
    gen: int,
    runtime: Any,
    handler: Any,
    memory: int | None,
    timeout: int | None,
    config: Mapping[str, Any],
    max_instances: int | None,
    level: str | None,
) -> Function:
    """``config`` holds the runtime settings: the function itself (v1) or its serviceConfig."""
    account = config.get("serviceAccountEmail")
    connector = config.get("vpcConnector")
    labels = item.get("labels") or {}
    return Function(
        address=address,
        provider=Provider.GCP,
        location=where,
        name=short,
        runtime=str(runtime) if runtime else None,
        memory_mb=memory,
        timeout_s=timeout,
        handler=str(handler) if handler else None,
        environment=_environment(config, where),
        kms_key_arn=str(item["kmsKeyName"]) if item.get("kmsKeyName") else None,
        role=str(account) if account else None,
        vpc=VpcConfig(subnet_ids=(str(connector),)) if connector else None,
        tracing_mode=None,
        recursive_loop=None,
        logging=LoggingConfig(),
        tags={str(k): str(v) for k, v in labels.items()},
        gcp_generation=gen,
        gcp_ingress=str(config.get("ingressSettings") or "ALLOW_ALL"),
        gcp_https_security_level=level,
        max_instances=max_instances,
    )


def _environment(config: Mapping[str, Any], where: Location) -> tuple[EnvVar, ...]:
    plain = config.get("environmentVariables") or {}
    out = [EnvVar(str(k), str(v), False, where) for k, v in plain.items() if k not in _PLATFORM_ENV]
    for secret in config.get("secretEnvironmentVariables") or ():
        project = secret.get("projectId") or "PROJECT"
        version = secret.get("version") or "latest"
        out.append(
            EnvVar(
                str(secret.get("key", "")),
                f"projects/{project}/secrets/{secret.get('secret', '?')}/versions/{version}",
                True,
                where,
            )
        )
    return tuple(out)


def _events(fn: Function, trigger: Any, api_version: int) -> Iterator[Trigger]:
    if not isinstance(trigger, dict) or not trigger.get("eventType"):
        return
    event = str(trigger["eventType"])
    yield Trigger(
        address=fn.address,
        kind=TriggerKind.GCP_EVENT,
        function=fn.address,
        invocation=InvocationType.ASYNC,
        location=fn.location,
        source=_event_source(trigger, event, fn.gcp_generation == 1, api_version),
        filters=(("event", event),),
    )


def _event_source(
    trigger: Mapping[str, Any], event: str, gen1: bool, api_version: int
) -> str | None:
    """The topic or bucket, in the forms the Terraform mapper records for literals: gen 1 by
    name (from ``resource``, or from v2's ``pubsubTopic`` when only v2 listed it), gen 2 the
    topic's full name (``pubsubTopic``) or the ``bucket`` event filter."""
    storage, pubsub = "storage" in event, "pubsub" in event
    if api_version == 1:
        resource = trigger.get("resource")
        if resource is None:
            return None
        match = (_BUCKET_PATH if storage else _TOPIC_PATH).match(str(resource))
        return match.group(1) if match and (storage or pubsub) else str(resource)
    if pubsub:
        topic = str(trigger.get("pubsubTopic") or "")
        match = _TOPIC_PATH.match(topic) if gen1 else None
        return match.group(1) if match else topic or None
    for flt in trigger.get("eventFilters") or ():
        if flt.get("attribute") == "bucket":
            return str(flt.get("value"))
    return None
