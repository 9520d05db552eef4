"""Helpers every AWS collector needs in the same form: one copy, so the formats agree.

- which event source an ARN names (SQS, Kinesis, DynamoDB stream);
- the AWS-managed policy documents fnguard ships (``fnguard/data/aws_managed_policies.json``);
- scalar conversions from parsed template values (YAML/JSON/HCL give ints as floats or text);
- reading a file that a source names (a module, ``file()``), within the ``max-file-bytes`` limit.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
import re
import stat
from typing import TYPE_CHECKING, Any

from fnguard import limits
from fnguard._data import shipped_text
from fnguard.model import CollectionGap, Policy, PolicyKind, TriggerKind

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from fnguard.model import Location

__all__ = [
    "aws_managed_policy",
    "by_identity",
    "default_log_group",
    "event_source_kind",
    "is_aws_managed",
    "known_str",
    "managed_document",
    "package_path",
    "read_bounded",
    "to_int",
]

_AWS_MANAGED = re.compile(r"^arn:aws[\w-]*:iam::aws:policy/")
_PARTITION = re.compile(r"^arn:aws[\w-]*:")


def read_bounded(path: Path, rel: str | None = None) -> bytes:
    """A regular file's bytes, refused past ``max-file-bytes`` before anything is read.

    Raises ``OSError`` (unreadable, or not a regular file: a FIFO would block, a device never
    end) and ``LimitError`` naming ``rel`` (default: the path as given).
    """
    limit = limits.active().max_file_bytes
    with open(path, "rb") as handle:  # noqa: PTH123 - one open, then fstat on the same file
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path}: not a regular file")
        if info.st_size > limit:
            what = f"file of {info.st_size:,} bytes"
            raise limits.LimitError(rel or str(path), 0, "max_file_bytes", what)
        data = handle.read(limit + 1)  # a file growing while read stops at the limit too
    if len(data) > limit:
        raise limits.LimitError(rel or str(path), 0, "max_file_bytes", "file grew while read")
    return data


def package_path(base: str, path: str) -> str:
    """A code path written relative to its source file's folder, as a path from the scan root."""
    if path.startswith("/"):
        return path
    return posixpath.normpath(posixpath.join(base, path))


def default_log_group(name: str | None) -> str | None:
    """The log group Lambda writes to when the function names none."""
    return f"/aws/lambda/{name}" if name else None


def event_source_kind(arn: str) -> TriggerKind | None:
    """The polled event source an ARN names, or ``None`` for anything else."""
    if ":sqs:" in arn:
        return TriggerKind.SQS
    if ":kinesis:" in arn:
        return TriggerKind.KINESIS
    if ":dynamodb:" in arn and "/stream/" in arn:
        return TriggerKind.DYNAMODB_STREAM
    return None


def is_aws_managed(arn: str) -> bool:
    """An ``arn:<partition>:iam::aws:policy/...`` ARN: a policy AWS owns and versions."""
    return bool(_AWS_MANAGED.match(arn))


@functools.cache
def _managed_documents() -> dict[str, Any]:
    policies: dict[str, Any] = json.loads(shipped_text("aws_managed_policies.json"))["policies"]
    return policies


def managed_document(arn: str) -> dict[str, Any] | None:
    """The shipped document of an AWS-managed policy (any partition), or ``None``."""
    document = _managed_documents().get(_PARTITION.sub("arn:aws:", arn))
    return document if isinstance(document, dict) else None


def aws_managed_policy(
    arn: str, where: Location, owner: str, kind: PolicyKind | None
) -> tuple[Policy, CollectionGap | None]:
    """An AWS-managed policy attached by ARN, from the shipped copy; a gap when there is none.

    The gap names ``owner`` (the role) so that rules asking about the role see it.
    """
    doc = managed_document(arn)
    gap = (
        None
        if doc is not None
        else CollectionGap(
            where, f"AWS-managed policy {arn} is not in fnguard's policy data", owner, "policies"
        )
    )
    policy = Policy(arn.rsplit("/", 1)[-1], kind or PolicyKind.AWS_MANAGED, doc, arn, where)
    return policy, gap


def by_identity(
    identity: Mapping[tuple[str, str], str], value: str, types: Sequence[str]
) -> str | None:
    """The declared resource a literal names: by its name, or by the last pieces of its ARN.

    ``identity`` maps (resource type, name or ARN) to an address; a function ARN may carry a
    qualifier, hence the second-to-last piece too.
    """
    candidates = [value]
    if value.startswith("arn:"):
        tail = re.split(r"[:/]", value)
        candidates.append(tail[-1])
        if len(tail) > 1:
            candidates.append(tail[-2])
    for name in candidates:
        for rtype in types:
            found = identity.get((rtype, name))
            if found:
                return found
    return None


def known_str(value: Any) -> str | None:
    """A scalar as text (``5.0`` -> ``"5"``), ``None`` for booleans, lists, maps, unknowns."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_int(value: Any) -> int | None:
    """An integer from an int, a whole float or decimal text; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None
