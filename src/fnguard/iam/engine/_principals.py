"""Does a resource policy's Principal name the caller, and how?

How matters within one account: AWS's policy evaluation logic lets a resource policy that names
a user or a role *session* allow on its own, while one naming the role ARN is still limited by
the role's permission boundary and session policy, and one naming the account only delegates to
the account's identity policies.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from fnguard.iam.engine._model import PrincipalSpec
from fnguard.iam.engine._request import CallerKind

if TYPE_CHECKING:
    from fnguard.iam.engine._request import Caller

__all__ = ["Naming", "exempted", "naming"]


class Naming(StrEnum):
    """How a Principal element names the caller, from most to least direct."""

    DIRECT = "direct"  # the user, the role session, the federated user, the service, or "*"
    ROLE = "role"  # the role behind a role session (or the role itself)
    ACCOUNT = "account"  # the caller's account


def _names_role(value: str, caller: Caller) -> bool:
    prefix = f"arn:{caller.partition}:iam::{caller.account}:role/"
    return value.startswith(prefix) and value.rsplit("/", 1)[-1] == caller.role_name


def naming(spec: PrincipalSpec, caller: Caller) -> Naming | None:
    """The most direct way ``spec`` names ``caller``; ``None`` if it does not."""
    if caller.kind is CallerKind.SERVICE:
        return Naming.DIRECT if spec.anyone or caller.arn in spec.service else None
    if spec.anyone:
        return Naming.DIRECT
    if caller.kind is CallerKind.ANONYMOUS:
        return None
    if caller.arn in spec.aws or caller.arn in spec.federated:
        if caller.kind is CallerKind.ROLE:
            return Naming.ROLE
        return Naming.ACCOUNT if caller.kind is CallerKind.ACCOUNT else Naming.DIRECT
    if caller.role_name and any(_names_role(v, caller) for v in spec.aws):
        return Naming.ROLE
    if caller.root in spec.aws:
        return Naming.ACCOUNT
    return None


def exempted(spec: PrincipalSpec, caller: Caller) -> bool:
    """Does a ``NotPrincipal`` list spare ``caller``? The IAM User Guide (NotPrincipal with
    Deny): AWS may check the account first, then the role, then the session, so a caller is
    spared only when its account is listed too, beside the user, role or session."""
    if spec.anyone:
        return True
    if caller.kind is CallerKind.SERVICE:
        return caller.arn in spec.service
    if caller.kind is CallerKind.ANONYMOUS:
        return False
    if caller.root not in spec.aws:
        return False
    if caller.kind is CallerKind.ACCOUNT:
        return True
    return (
        naming(PrincipalSpec(aws=tuple(a for a in spec.aws if a != caller.root)), caller)
        is not None
    )
