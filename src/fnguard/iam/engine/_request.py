"""The request being judged and who is asking, as IAM sees them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from fnguard.iam.engine._errors import PolicyError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Caller", "CallerKind", "ContextValue", "Request", "normalise_context"]

ContextValue = str | list[str] | tuple[str, ...] | bool | int
_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):(?P<service>iam|sts)::(?P<account>\d{12}):(?P<rest>.+)$"
)
_SERVICE = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")


class CallerKind(StrEnum):
    ACCOUNT = "account"  # arn:aws:iam::ID:root
    USER = "user"
    ROLE = "role"  # the role itself (as the simulator does)
    ROLE_SESSION = "role-session"  # arn:aws:sts::ID:assumed-role/Role/session
    FEDERATED_USER = "federated-user"
    SERVICE = "service"  # lambda.amazonaws.com
    ANONYMOUS = "anonymous"  # an unauthenticated caller ("*"), as S3 allows


@dataclass(frozen=True)
class Caller:
    """The principal of a request. ``role_arn`` is the role behind a role session (its path is
    not in a session ARN, so a role named with a path matches by account and name)."""

    arn: str
    kind: CallerKind
    account: str = ""
    role_name: str = ""
    partition: str = "aws"

    @property
    def root(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:root"

    @property
    def has_identity(self) -> bool:
        """Services and anonymous callers have no identity policies, boundary, SCPs or
        session: only resource policies (and RCPs) decide for them."""
        return self.kind not in (CallerKind.SERVICE, CallerKind.ANONYMOUS)

    @property
    def principal_arn(self) -> str:
        """What ``aws:PrincipalArn`` holds: the role ARN for a role session."""
        if self.kind is CallerKind.ROLE_SESSION:
            return f"arn:{self.partition}:iam::{self.account}:role/{self.role_name}"
        return self.arn

    @staticmethod
    def parse(text: str) -> Caller:
        return _parse_caller(text)


@functools.lru_cache(maxsize=1024)
def _parse_caller(text: str) -> Caller:
    """``Caller.parse``, memoised: a batch of requests names few principals."""
    if text in ("*", "anonymous"):
        return Caller("*", CallerKind.ANONYMOUS)
    if _SERVICE.match(text):
        return Caller(text, CallerKind.SERVICE)
    if len(text) == 12 and text.isdigit():
        return Caller(f"arn:aws:iam::{text}:root", CallerKind.ACCOUNT, text)
    found = _ARN.match(text)
    if not found:
        raise PolicyError("request", "/principal", f"not a principal ARN: {text!r}")
    partition, service, account, rest = found.group("partition", "service", "account", "rest")
    kind_name, _, name = rest.partition("/")
    if service == "iam" and rest == "root":
        return Caller(text, CallerKind.ACCOUNT, account, partition=partition)
    if service == "iam" and kind_name in ("user", "role") and name:
        kind = CallerKind.USER if kind_name == "user" else CallerKind.ROLE
        role = name.rsplit("/", 1)[-1] if kind is CallerKind.ROLE else ""
        return Caller(text, kind, account, role, partition)
    if service == "sts" and kind_name == "assumed-role" and "/" in name:
        role = name.split("/", 1)[0]
        return Caller(text, CallerKind.ROLE_SESSION, account, role, partition)
    if service == "sts" and kind_name == "federated-user" and name:
        return Caller(text, CallerKind.FEDERATED_USER, account, partition=partition)
    raise PolicyError("request", "/principal", f"not a principal ARN: {text!r}")


def _values(value: ContextValue) -> tuple[str, ...]:
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, int | str):
        return (str(value),)
    return tuple(str(v) for v in value)


def normalise_context(context: Mapping[str, ContextValue]) -> dict[str, tuple[str, ...]]:
    """Keys lower-cased (condition keys are case-insensitive), every value a tuple of strings."""
    return {key.lower(): _values(value) for key, value in context.items()}


@dataclass(frozen=True)
class Request:
    """One API call: who, what, on which resource, with which context keys.

    ``resource_account`` is needed only for ARNs without an account (S3 buckets); by default
    such a resource is in the caller's account.
    """

    principal: str
    action: str
    resource: str = "*"
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    resource_account: str = ""

    @property
    def caller(self) -> Caller:
        return Caller.parse(self.principal)
