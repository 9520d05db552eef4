"""IAM: every role of an account from one GetAccountAuthorizationDetails (paginated).

One call family per account instead of four per role: roles with trust, inline policies,
attached managed policies and boundaries, and the managed policies' default versions.
AWS-managed policies the answer leaves out fall back to fnguard's shipped copies.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from fnguard.collect._shared import is_aws_managed, managed_document
from fnguard.collect.aws._names import Shard, location
from fnguard.model import Inventory, Policy, PolicyKind, Provider, Role

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fnguard.collect.aws._api import Api
    from fnguard.model import Location

__all__ = ["collect_iam"]


def collect_iam(api: Api, shard: Shard) -> Inventory:
    where = location(shard, "iam")
    details = api.pages_of(
        "iam",
        "GetAccountAuthorizationDetails",
        ("RoleDetailList", "Policies"),
        where=where,
        resource=shard.label,
        fields=("roles",),
        Filter=["Role", "LocalManagedPolicy", "AWSManagedPolicy"],
    )
    if details is None:
        return Inventory()  # the gap names the account; functions' roles stay unknown
    managed = {str(p["Arn"]): _default_document(p) for p in details["Policies"] if "Arn" in p}
    roles = tuple(_role(api, shard, raw, managed) for raw in details["RoleDetailList"])
    return Inventory(roles=roles)


def _role(
    api: Api, shard: Shard, raw: Mapping[str, Any], managed: Mapping[str, Mapping[str, Any] | None]
) -> Role:
    name = str(raw.get("RoleName") or "")
    arn = str(raw.get("Arn") or shard.arn("iam", f"role/{name}", regional=False))
    where = location(shard, "iam", f"role/{name}")
    policies = [
        Policy(
            str(p.get("PolicyName") or ""),
            PolicyKind.INLINE,
            _document(p.get("PolicyDocument")),
            None,
            where,
        )
        for p in raw.get("RolePolicyList") or ()
    ]
    for attached in raw.get("AttachedManagedPolicies") or ():
        policy_arn = str(attached.get("PolicyArn") or "")
        policies.append(_attached(api, arn, where, policy_arn, managed, None))
    boundary_arn = (raw.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    trust = raw.get("AssumeRolePolicyDocument")
    return Role(
        address=arn,
        provider=Provider.AWS,
        location=where,
        name=name,
        arn=arn,
        trust_policy=(
            Policy("AssumeRolePolicyDocument", PolicyKind.TRUST, _document(trust), None, where)
            if trust is not None
            else None
        ),
        policies=tuple(policies),
        boundary=(
            _attached(api, arn, where, str(boundary_arn), managed, PolicyKind.BOUNDARY)
            if boundary_arn
            else None
        ),
    )


def _attached(
    api: Api,
    role: str,
    where: Location,
    arn: str,
    managed: Mapping[str, Mapping[str, Any] | None],
    kind: PolicyKind | None,
) -> Policy:
    aws_owned = is_aws_managed(arn)
    document = managed.get(arn)
    if document is None and aws_owned:
        document = managed_document(arn)
    if document is None:
        api.gap(
            where,
            f"the default version of policy {arn} was not in GetAccountAuthorizationDetails",
            role,
            "policies",
        )
    kind = kind or (PolicyKind.AWS_MANAGED if aws_owned else PolicyKind.MANAGED)
    return Policy(arn.rsplit("/", 1)[-1], kind, document, arn, where)


def _default_document(policy: Mapping[str, Any]) -> Mapping[str, Any] | None:
    default = policy.get("DefaultVersionId")
    for version in policy.get("PolicyVersionList") or ():
        if version.get("IsDefaultVersion") or version.get("VersionId") == default:
            return _document(version.get("Document"))
    return None


def _document(raw: Any) -> Mapping[str, Any] | None:
    """Policy text as a mapping: botocore decodes it, raw answers are URL-encoded JSON."""
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        for text in (raw, unquote(raw)):
            try:
                doc = json.loads(text)
            except ValueError:
                continue
            if isinstance(doc, dict):
                return doc
    return None
