"""IAM policies -> invoker permissions, the HTTP front door's authorisation, project roles.

An IAM grant on a function (or, for gen 2, on the Cloud Run service under it) is a
``Permission`` with ``principal`` = the member and ``action`` = the role, as the Terraform
mapper records ``google_cloudfunctions_function_iam_*`` resources. Project roles held by a
service account become its ``Role.gcp_roles``. Conditional bindings count as granted: a
condition narrows a grant, it does not make it safe to ignore.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fnguard.collect.gcp._names import is_default_account
from fnguard.model import FrontDoor, FrontDoorKind, Permission, Provider, Role

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from fnguard.model import Function, Location

__all__ = ["account_role", "bindings", "door", "grants", "policy_address", "roles_of_members"]

_PUBLIC = frozenset({"allusers", "allauthenticatedusers"})
# Grants that let a member call the function (any role but a read-only one does).
_READ_ONLY_ROLE = re.compile(r"\.viewer$|^roles/browser$")


def policy_address(resource: str) -> str:
    """The address of the IAM policy attached to a resource (functions and services)."""
    return f"{resource}#iam"


def bindings(policy: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(role, member) pairs of an IAM policy's bindings."""
    for binding in policy.get("bindings") or ():
        role = binding.get("role")
        if not role:
            continue
        for member in binding.get("members") or ():
            yield str(role), str(member)


def grants(
    policy: Mapping[str, Any], resource: str, function: str, where: Location
) -> tuple[Permission, ...]:
    """The policy on ``resource`` as one permission per (role, member) for ``function``."""
    address = policy_address(resource)
    return tuple(
        Permission(address=address, function=function, location=where, action=role, principal=m)
        for role, m in bindings(policy)
    )


def door(fn: Function, perms: Iterable[Permission], unread: bool) -> FrontDoor:
    """The function's HTTP entry: NONE when allUsers / allAuthenticatedUsers may call it, IAM
    otherwise, unknown (``None``) when an invoker policy could not be read."""
    public_invoker = any(
        (p.principal or "").lower() in _PUBLIC and not _READ_ONLY_ROLE.search(p.action)
        for p in perms
    )
    authorization = "NONE" if public_invoker else None if unread else "IAM"
    return FrontDoor(
        address=fn.address,
        kind=FrontDoorKind.GCP_HTTP,
        location=fn.location,
        functions=(fn.address,),
        authorization=authorization,
        public=fn.gcp_ingress != "ALLOW_INTERNAL_ONLY",
    )


def roles_of_members(policy: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Member (``serviceAccount:e-mail``, lower-cased) -> the roles the policy grants it."""
    out: dict[str, list[str]] = {}
    for role, member in bindings(policy):
        out.setdefault(member.lower(), []).append(role)
    return {member: tuple(dict.fromkeys(roles)) for member, roles in out.items()}


def account_role(email: str, where: Location, roles: tuple[str, ...]) -> Role:
    """A service account as the model's ``Role``: addressed (and ``arn``-ed) by its e-mail."""
    return Role(
        address=email,
        provider=Provider.GCP,
        location=where,
        name=email.split("@", 1)[0],
        arn=email,
        gcp_roles=roles,
        is_default_service_account=is_default_account(email),
    )
