"""IAM: every role of an account from one GetAccountAuthorizationDetails (paginated).

One call family per account instead of four per role: roles with trust, inline policies,
attached managed policies and boundaries, and the customer-managed policies' default
versions. AWS-managed policies are not listed (an account sees over a thousand, megabytes of
text): the ones roles attach are read with GetPolicy and GetPolicyVersion, two calls per
distinct policy, and fall back to fnguard's shipped copies when those are refused.
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
    from concurrent.futures import Executor

    from fnguard.collect.aws._api import Api
    from fnguard.model import Location

__all__ = ["collect_iam"]


def collect_iam(api: Api, shard: Shard, pool: Executor) -> Inventory:
    where = location(shard, "iam")
    details = api.pages_of(
        "iam",
        "GetAccountAuthorizationDetails",
        ("RoleDetailList", "Policies"),
        where=where,
        resource=shard.label,
        fields=("roles",),
        Filter=["Role", "LocalManagedPolicy"],
    )
    if details is None:
        return Inventory()  # the gap names the account; functions' roles stay unknown
    managed = {str(p["Arn"]): _default_document(p) for p in details["Policies"] if "Arn" in p}
    attached = sorted(
        {arn for raw in details["RoleDetailList"] for arn in _attached_arns(raw)} - set(managed)
    )
    aws_owned = [arn for arn in attached if is_aws_managed(arn)]
    documents = pool.map(lambda arn: _aws_document(api, arn), aws_owned)
    managed.update(zip(aws_owned, documents, strict=True))
    roles = tuple(_role(api, shard, raw, managed) for raw in details["RoleDetailList"])
    return Inventory(roles=roles)


def _attached_arns(raw: Mapping[str, Any]) -> list[str]:
    arns = [str(a.get("PolicyArn") or "") for a in raw.get("AttachedManagedPolicies") or ()]
    boundary = (raw.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    return [a for a in (*arns, boundary) if a]


def _aws_document(api: Api, arn: str) -> Mapping[str, Any] | None:
    """The live default version of an AWS-managed policy; ``None``: use the shipped copy."""
    policy = api.answer("iam", "GetPolicy", PolicyArn=arn)
    version = (
        (policy.get("Policy") or {}).get("DefaultVersionId") if isinstance(policy, dict) else None
    )
    if not version:
        return None
    answer = api.answer("iam", "GetPolicyVersion", PolicyArn=arn, VersionId=str(version))
    if isinstance(answer, str):
        return None
    return _document((answer.get("PolicyVersion") or {}).get("Document"))


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
        api.gap(where, f"the default version of policy {arn} could not be read", role, "policies")
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
