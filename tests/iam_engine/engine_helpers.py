"""Small builders for evaluation cases: policies as dicts, parsed by the engine under test."""

from __future__ import annotations

from typing import Any

from fnguard.iam.engine import Policy, PolicyKind, parse_policy

ACCOUNT = "111122223333"
OTHER = "444455556666"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/worker"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
OTHER_ROLE = f"arn:aws:iam::{OTHER}:role/partner"
OBJECT = "arn:aws:s3:::data-bucket/reports/q1.csv"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"


def statement(
    effect: str, action: Any = "s3:GetObject", resource: Any = "*", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": effect}
    if action is not None:
        body["Action"] = action
    if resource is not None:
        body["Resource"] = resource
    body.update(extra)
    return body


def allow(action: Any = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return statement("Allow", action, resource, **extra)


def deny(action: Any = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return statement("Deny", action, resource, **extra)


def policy(
    kind: str, *statements: dict[str, Any], name: str | None = None, version: str = "2012-10-17"
) -> Policy:
    return parse_policy(
        {"Version": version, "Statement": list(statements)}, name or kind, PolicyKind(kind)
    )
