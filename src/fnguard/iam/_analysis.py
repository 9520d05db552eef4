"""Analyses of one principal's identity policies: admin, and what it can do on ``Resource: *``.

Every answer comes from the injected ``PermissionChecker`` (the evaluator by default), so
explicit denies, the permission boundary and conditions count. Classes follow the ones
practitioners use for IAM triage (Cloudsplaining's "data exfiltration", "resource exposure",
"credentials exposure"), with access levels from the action dataset.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.iam._interface import Decision, PermissionChecker
    from fnguard.model import Policy

__all__ = [
    "CREDENTIALS_EXPOSURE",
    "DATA_EXFILTRATION",
    "Exposure",
    "ExposureClass",
    "admin_decision",
    "exposure",
]

# "Every action on every resource" asked literally, then a few actions a carve-out (a Deny on
# iam:*, a boundary) would typically remove: admin only if none is removed.
_ADMIN_PROBES = (
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "sts:AssumeRole",
    "organizations:LeaveOrganization",
    "s3:GetObject",
    "ec2:RunInstances",
    "lambda:UpdateFunctionCode",
    "kms:Decrypt",
)

# Reads that hand over data or key material (a judgement list, not an access level).
DATA_EXFILTRATION = (
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "dynamodb:Scan",
    "dynamodb:Query",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:ExportTableToPointInTime",
    "rds-data:ExecuteStatement",
    "lambda:GetFunction",
)
# Actions that return credentials or tokens usable elsewhere (Cloudsplaining's list, trimmed
# to actions the dataset knows).
CREDENTIALS_EXPOSURE = (
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateAccessKey",
    "sts:AssumeRole",
    "sts:GetSessionToken",
    "sts:GetFederationToken",
    "ecr:GetAuthorizationToken",
    "codeartifact:GetAuthorizationToken",
    "redshift:GetClusterCredentials",
    "rds-db:connect",
    "cognito-identity:GetCredentialsForIdentity",
    "cognito-identity:GetOpenIdToken",
    "lightsail:GetInstanceAccessDetails",
    "lightsail:DownloadDefaultKeyPair",
    "ec2-instance-connect:SendSSHPublicKey",
    "chime:CreateApiKey",
    "gamelift:RequestUploadCredentials",
    "mediapackage:RotateChannelCredentials",
    "sso:GetRoleCredentials",
)


_EXFILTRATION = frozenset(a.lower() for a in DATA_EXFILTRATION)
_CREDENTIALS = frozenset(a.lower() for a in CREDENTIALS_EXPOSURE)


class ExposureClass(StrEnum):
    DATA_EXFILTRATION = "data exfiltration"
    PERMISSIONS_MANAGEMENT = "permissions management"
    CREDENTIALS_EXPOSURE = "credentials exposure"
    WRITE = "write"


@dataclass(frozen=True)
class Exposure:
    """What a principal can do on ``Resource: *``, by class; ``deciding`` per action."""

    actions: dict[ExposureClass, tuple[str, ...]]
    deciding: dict[str, tuple[str, ...]]
    conditional: frozenset[str] = frozenset()

    def of(self, cls: ExposureClass) -> tuple[str, ...]:
        return self.actions.get(cls, ())


def admin_decision(checker: PermissionChecker, policies: Sequence[Policy]) -> Decision | None:
    """The decision granting every action on every resource, ``None`` if not admin."""
    decision = checker.identity_allows(policies, "*", "*")
    if not decision.allowed:
        return None
    if any(not checker.identity_allows(policies, a, "*").allowed for a in _ADMIN_PROBES):
        return None
    return decision


@functools.lru_cache(maxsize=1)
def _managed_levels() -> tuple[tuple[str, str], ...]:
    """(action, level) for every Permissions-management and Write action of the dataset."""
    from fnguard.iam._actions import access_level, expand_action

    out = []
    for action in expand_action("*"):
        level = access_level(action)
        if level in ("Permissions management", "Write"):
            out.append((action, level))
    return tuple(out)


def exposure(
    checker: PermissionChecker,
    policies: Sequence[Policy],
    candidates: Sequence[str] | None = None,
    permissions_management: frozenset[str] | None = None,
) -> Exposure:
    """Classify what ``policies`` allow on ``*``. ``candidates``: the actions to ask about
    (default: the exfiltration and credentials lists plus every Write / Permissions-management
    action of the dataset, which is thousands of questions; rules pass the few a cheap look
    at the statements leaves possible). ``permissions_management``: the lower-case actions of
    that level, when the caller has them at hand (no per-action level lookup, no Write class).
    """
    wanted = (
        candidates
        if candidates is not None
        else (*DATA_EXFILTRATION, *CREDENTIALS_EXPOSURE, *(a for a, _ in _managed_levels()))
    )
    found: dict[ExposureClass, list[str]] = {}
    deciding: dict[str, tuple[str, ...]] = {}
    conditional: set[str] = set()
    exfiltration = _EXFILTRATION
    credentials = _CREDENTIALS
    for action in dict.fromkeys(wanted):
        decision = checker.identity_allows(policies, action, "*")
        if not decision.allowed:
            continue
        deciding[action] = decision.deciding
        if decision.conditional:
            conditional.add(action)
        lowered = action.lower()
        if lowered in exfiltration:
            found.setdefault(ExposureClass.DATA_EXFILTRATION, []).append(action)
        if lowered in credentials:
            found.setdefault(ExposureClass.CREDENTIALS_EXPOSURE, []).append(action)
        if permissions_management is not None:
            if lowered in permissions_management:
                found.setdefault(ExposureClass.PERMISSIONS_MANAGEMENT, []).append(action)
            continue
        level = checker.access_level(action)
        if level == "Permissions management":
            found.setdefault(ExposureClass.PERMISSIONS_MANAGEMENT, []).append(action)
        elif level == "Write" and lowered not in credentials:
            found.setdefault(ExposureClass.WRITE, []).append(action)
    return Exposure({k: tuple(v) for k, v in found.items()}, deciding, frozenset(conditional))
