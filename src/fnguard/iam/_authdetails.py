"""``aws iam get-account-authorization-details`` output as graph principals.

Roles and users with their inline policies, attached managed policies (the default version from
the file's ``Policies`` list), group policies for users, permission boundaries and trust
policies. Documents may be URL-encoded strings (as the raw API returns them) or objects (as
the CLI prints them). A managed policy the file does not carry has unknown text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from fnguard.errors import InputError
from fnguard.iam._escalation import Principal
from fnguard.model import Policy, PolicyKind

__all__ = ["AuthorizationDetails", "read_authorization_details"]


class AuthorizationDetails:
    """The principals of one account, and the policies whose text was not in the file."""

    def __init__(self, principals: tuple[Principal, ...], unknown: tuple[str, ...]) -> None:
        self.principals = principals
        self.unknown = unknown


def _document(raw: Any, where: str) -> Mapping[str, Any] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(unquote(raw))
        except json.JSONDecodeError as exc:
            raise InputError(where, 0, f"policy document is not JSON: {exc.msg}") from exc
    if not isinstance(raw, Mapping):
        raise InputError(where, 0, "policy document is not an object")
    return raw


def _managed(details: Mapping[str, Any], path: str) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for entry in details.get("Policies", ()) or ():
        arn = str(entry.get("Arn", ""))
        default = entry.get("DefaultVersionId")
        for version in entry.get("PolicyVersionList", ()) or ():
            if version.get("IsDefaultVersion") or version.get("VersionId") == default:
                doc = _document(version.get("Document"), f"{path}: {arn}")
                if doc is not None:
                    out[arn] = doc
    return out


def _policies(
    entry: Mapping[str, Any],
    inline_key: str,
    managed: Mapping[str, Mapping[str, Any]],
    unknown: set[str],
    path: str,
) -> list[Policy]:
    name = entry.get("RoleName") or entry.get("UserName") or entry.get("GroupName") or "?"
    out = [
        Policy(
            f"{name}/{p.get('PolicyName')}",
            PolicyKind.INLINE,
            _document(p.get("PolicyDocument"), f"{path}: {name}"),
        )
        for p in entry.get(inline_key, ()) or ()
    ]
    for attached in entry.get("AttachedManagedPolicies", ()) or ():
        arn = str(attached.get("PolicyArn", ""))
        doc = managed.get(arn)
        if doc is None:
            unknown.add(arn)
        kind = PolicyKind.AWS_MANAGED if ":aws:policy/" in arn else PolicyKind.MANAGED
        out.append(Policy(str(attached.get("PolicyName") or arn), kind, doc, arn=arn))
    return out


def read_authorization_details(text: str, path: str) -> AuthorizationDetails:
    """Parse the file; ``InputError`` when it is not authorization-details JSON."""
    try:
        details = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, f"not JSON: {exc.msg}") from exc
    if not isinstance(details, Mapping) or not any(
        k in details for k in ("RoleDetailList", "UserDetailList", "Policies")
    ):
        raise InputError(path, 0, "expected aws iam get-account-authorization-details output")
    managed = _managed(details, path)
    unknown: set[str] = set()
    groups = {
        str(g.get("GroupName")): _policies(g, "GroupPolicyList", managed, unknown, path)
        for g in details.get("GroupDetailList", ()) or ()
    }
    principals: list[Principal] = []
    for role in details.get("RoleDetailList", ()) or ():
        policies = _policies(role, "RolePolicyList", managed, unknown, path)
        boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        if boundary_arn:
            doc = managed.get(boundary_arn)
            if doc is None:
                unknown.add(boundary_arn)
            policies.append(Policy("boundary", PolicyKind.BOUNDARY, doc, arn=boundary_arn))
        trust_doc = _document(role.get("AssumeRolePolicyDocument"), f"{path}: trust")
        principals.append(
            Principal(
                key=str(role.get("Arn") or role.get("RoleName")),
                arn=str(role.get("Arn") or role.get("RoleName")),
                policies=tuple(p for p in policies if p.document is not None),
                trust=Policy("trust", PolicyKind.TRUST, trust_doc),
            )
        )
    for user in details.get("UserDetailList", ()) or ():
        policies = _policies(user, "UserPolicyList", managed, unknown, path)
        for group in user.get("GroupList", ()) or ():
            policies.extend(groups.get(str(group), ()))
        principals.append(
            Principal(
                key=str(user.get("Arn") or user.get("UserName")),
                arn=str(user.get("Arn") or user.get("UserName")),
                policies=tuple(p for p in policies if p.document is not None),
                kind="user",
            )
        )
    return AuthorizationDetails(tuple(principals), tuple(sorted(unknown)))
