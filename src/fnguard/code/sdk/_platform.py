"""What Lambda itself does with the execution role, from the function's configuration.

Logs, X-Ray segments when tracing is active, network interfaces in a VPC, reading the
event source of a queue or stream mapping, sending to the dead-letter queue or on-failure
destination, decrypting the environment: these need permissions the handler's code never
asks for. The table is ``fnguard/data/lambda_platform_needs.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from fnguard.code.sdk._data import load_data
from fnguard.model import Queue, TriggerKind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fnguard.model import Function, Inventory

__all__ = ["PlatformNeed", "platform_needs"]


@dataclass(frozen=True)
class PlatformNeed:
    """A permission Lambda itself uses with the execution role (logs, tracing, VPC, triggers):
    IAM007 must not call it unused although no code asks for it."""

    action: str
    reason: str  # "logging", "active tracing", "SQS trigger aws_sqs_queue.jobs", ...


@cache
def _table() -> Mapping[str, Any]:
    return load_data("lambda_platform_needs.json")


def _service_of(target: str, inventory: Inventory) -> str | None:
    """The service a DLQ / destination names, from its ARN or the declared resource."""
    if target.startswith("arn:"):
        parts = target.split(":")
        return parts[2] if len(parts) > 2 else None
    if inventory.lookup(Queue, target) is not None:
        return "sqs"
    lowered = target.lower()
    for hint, service in (
        ("sqs", "sqs"),
        ("sns", "sns"),
        ("lambda_function", "lambda"),
        ("event_bus", "events"),
        ("eventbridge", "events"),
        ("s3", "s3"),
    ):
        if hint in lowered:
            return service
    return None


def _actions(key: str, *more: str) -> list[str]:
    value: Any = _table().get(key, [])
    for step in more:
        value = value.get(step, []) if isinstance(value, dict) else []
    return [str(a) for a in value] if isinstance(value, list) else []


def platform_needs(fn: Function, inventory: Inventory) -> tuple[PlatformNeed, ...]:
    """The actions Lambda needs for this function's configuration, each with its reason."""
    needs: list[PlatformNeed] = [PlatformNeed(a, "writing logs") for a in _actions("always")]
    if fn.tracing_mode == "Active":
        needs += [PlatformNeed(a, "active tracing") for a in _actions("tracing_active")]
    if fn.vpc is not None and fn.vpc.subnet_ids:
        needs += [PlatformNeed(a, "VPC network interfaces") for a in _actions("vpc")]
    if fn.kms_key_arn:
        reason = "decrypting the environment with its KMS key"
        needs += [PlatformNeed(a, reason) for a in _actions("kms_environment")]
    for label, target in (
        ("dead-letter queue", fn.dead_letter_target),
        ("on-failure destination", fn.on_failure_destination),
    ):
        service = _service_of(target, inventory) if target else None
        if service is not None:
            reason = f"{label} {target}"
            needs += [PlatformNeed(a, reason) for a in _actions("destination", service)]
    for trigger in inventory.triggers_of(fn):
        kind = trigger.kind
        if kind in (TriggerKind.SQS, TriggerKind.DYNAMODB_STREAM, TriggerKind.KINESIS):
            reason = f"{kind.value} trigger {trigger.source or trigger.address}"
            needs += [PlatformNeed(a, reason) for a in _actions("trigger", kind.value)]
    return tuple(needs)
