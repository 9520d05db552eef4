"""The values of a function's environment variables, as far as the sources tell.

A literal is its value. A reference to another declared resource (``aws_s3_bucket.data.
bucket``, ``!Ref Uploads``) is resolved through the inventory when that resource's name or
ARN is known; otherwise the value is unknown (``None``) and the ARN built from it gets a
wildcard.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fnguard.code.sdk._arns import Where
from fnguard.model import Bucket, Function, Inventory, KmsKey, Queue, Role, TriggerKind

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["environment_of", "event_values", "where_of"]

_ARN = re.compile(r"^arn:([\w-]+):[\w-]+:([\w-]*|\*):(\d{12}|\*|):")


def _mentions(expr: str, address: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(address)}(?![\w-])", expr) is not None


def _queue_url(queue: Queue) -> str | None:
    if queue.arn:
        parts = queue.arn.split(":")
        if len(parts) >= 6:
            return f"https://sqs.{parts[3] or '*'}.amazonaws.com/{parts[4] or '*'}/{parts[5]}"
    return f"https://sqs.*.amazonaws.com/*/{queue.name}" if queue.name else None


def _referenced(expr: str, inventory: Inventory) -> str | None:
    candidates: Iterable[Bucket | Queue | KmsKey | Role | Function] = (
        *inventory.buckets,
        *inventory.queues,
        *inventory.kms_keys,
        *inventory.roles,
        *inventory.functions,
    )
    for item in candidates:
        if not _mentions(expr, item.address):
            continue
        if isinstance(item, Bucket):
            return item.name
        if isinstance(item, Queue):
            return _queue_url(item)
        if isinstance(item, Function):
            return item.name
        return item.arn
    return None


def environment_of(fn: Function, inventory: Inventory | None = None) -> dict[str, str | None]:
    """``name -> value`` for every variable the function declares (``None``: not known)."""
    env: dict[str, str | None] = {}
    for var in fn.environment:
        value = var.value
        if value is None and var.source_expr and inventory is not None:
            value = _referenced(var.source_expr, inventory)
        env[var.name] = value
    return env


_S3_BUCKET = ("Records", "[]", "s3", "bucket", "name")


def event_values(fn: Function, inventory: Inventory | None) -> dict[tuple[str, ...], str]:
    """Parts of the handler's event the function's triggers fix: the bucket of its S3
    notifications, when they all come from one bucket whose name is known."""
    if inventory is None:
        return {}
    names: set[str | None] = set()
    for trigger in inventory.triggers_of(fn):
        if trigger.kind is not TriggerKind.S3 or not trigger.source:
            continue
        if trigger.source.startswith("arn:aws:s3:::"):
            names.add(trigger.source.removeprefix("arn:aws:s3:::").split("/", 1)[0])
        else:
            bucket = inventory.lookup(Bucket, trigger.source)
            names.add(bucket.name if bucket else None)
    if len(names) != 1 or None in names:
        return {}
    return {_S3_BUCKET: str(names.pop())}


def where_of(fn: Function) -> Where:
    """Partition, region and account from the function's or its role's ARN, when known."""
    partition, region, account = "aws", "*", "*"
    for text in (fn.address, fn.role or ""):
        found = _ARN.match(text)
        if found is None:
            continue
        partition = found.group(1)
        region = found.group(2) or region
        account = found.group(3) or account
    return Where(partition, region, account)
