"""Credentials, accounts and regions: which (account x region) units a scan covers.

Everything a unit needs to rebuild its clients is in ``Access`` (profile, role to assume,
external id, endpoint), a plain frozen value: a unit can run in another thread or process.
Sessions and assumed-role credentials are cached per process, one per ``Access``.
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from fnguard.errors import CollectError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.collect.aws._api import ClientFactory

__all__ = ["Access", "account_of", "client_factory", "enabled_regions", "org_accesses"]

_DEFAULT_REGION = "us-east-1"
_lock = threading.Lock()


@dataclass(frozen=True)
class Access:
    """How to reach one account: the credential chain, optionally through an assumed role."""

    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    endpoint_url: str | None = None
    session_name: str = "fnguard"

    @property
    def endpoint(self) -> str | None:
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None


_ATTEMPTS = 10  # adaptive retries ride out throttling on large accounts
_PROBE_ATTEMPTS = 2  # the first call answers quickly whether the endpoint is there at all


def _config(attempts: int = _ATTEMPTS) -> Any:
    from botocore.config import Config

    from fnguard import __version__

    return Config(
        retries={"mode": "adaptive", "max_attempts": attempts},
        max_pool_connections=16,
        user_agent_extra=f"fnguard/{__version__}",
    )


@functools.cache
def _session(access: Access) -> Any:
    """A botocore session for ``access`` (assuming its role once per process).

    botocore's own session, not boto3's: boto3 only wraps it, and the scan needs nothing
    boto3 adds (resources, s3transfer) nor the import time they cost.
    """
    import botocore.session
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        base = botocore.session.Session(profile=access.profile)
        base.get_scoped_config()  # an unknown profile fails here, not at the first call
    except BotoCoreError as exc:
        raise CollectError("aws", 0, f"cannot open AWS profile {access.profile}: {exc}") from None
    if not access.role_arn:
        return base
    params: dict[str, Any] = {"RoleArn": access.role_arn, "RoleSessionName": access.session_name}
    if access.external_id:
        params["ExternalId"] = access.external_id
    region = _region_of(base)
    sts: Any = base.create_client(
        "sts", region_name=region or _DEFAULT_REGION, endpoint_url=access.endpoint, config=_config()
    )
    try:
        creds = sts.assume_role(**params)["Credentials"]
    except (ClientError, BotoCoreError) as exc:
        raise CollectError("aws", 0, f"cannot assume {access.role_arn}: {_why(exc)}") from None
    assumed = botocore.session.Session()
    assumed.set_credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    if region:
        assumed.set_config_variable("region", region)
    return assumed


def _region_of(session: Any) -> str | None:
    region = session.get_config_variable("region")
    return str(region) if region else None


def _why(exc: Exception) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'error')}: {error.get('Message', '')}".rstrip(": ")
    return str(exc)


def client_factory(access: Access, region: str, attempts: int = _ATTEMPTS) -> ClientFactory:
    """Clients for one account and region, created on first use with adaptive retries."""
    session = _session_locked(access)
    config = _config(attempts)

    def make(service: str) -> Any:
        with _lock:  # creating clients from one session is not thread-safe
            return session.create_client(
                service, region_name=region, endpoint_url=access.endpoint, config=config
            )

    return make


def _session_locked(access: Access) -> Any:
    with _lock:
        return _session(access)


def default_region(access: Access) -> str:
    return _region_of(_session_locked(access)) or _DEFAULT_REGION


def account_of(access: Access) -> str:
    """The account id behind the credentials (sts:GetCallerIdentity needs no permission)."""
    from botocore.exceptions import BotoCoreError, ClientError

    sts = client_factory(access, default_region(access), _PROBE_ATTEMPTS)("sts")
    try:
        return str(sts.get_caller_identity()["Account"])
    except (ClientError, BotoCoreError) as exc:
        raise CollectError("aws", 0, f"no usable AWS credentials ({_why(exc)})") from None


def enabled_regions(access: Access) -> tuple[str, ...]:
    """Regions enabled for the account (DescribeRegions answers only those by default)."""
    from botocore.exceptions import BotoCoreError, ClientError

    ec2 = client_factory(access, default_region(access))("ec2")
    try:
        answer = ec2.describe_regions(
            Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
        )
    except (ClientError, BotoCoreError) as exc:
        raise CollectError("aws", 0, f"cannot list regions ({_why(exc)})") from None
    return tuple(sorted(str(r["RegionName"]) for r in answer.get("Regions") or ()))


def org_accesses(access: Access, role_name: str) -> Sequence[tuple[str, Access]]:
    """Every active account of the organisation, reached through ``role_name`` in each.

    The account the credentials belong to is scanned with them directly.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    me = account_of(access)
    orgs = client_factory(access, default_region(access))("organizations")
    try:
        accounts = [
            a
            for page in orgs.get_paginator("list_accounts").paginate()
            for a in page.get("Accounts") or ()
        ]
    except (ClientError, BotoCoreError) as exc:
        raise CollectError(
            "aws", 0, f"cannot list the organisation's accounts ({_why(exc)})"
        ) from None
    out: list[tuple[str, Access]] = []
    for account in accounts:
        ident = str(account.get("Id"))
        if account.get("Status", "ACTIVE") != "ACTIVE":
            continue
        if ident == me:
            out.append((ident, access))
            continue
        partition = "aws"
        arn = str(account.get("Arn") or "")
        if arn.startswith("arn:"):
            partition = arn.split(":")[1]
        out.append(
            (ident, replace(access, role_arn=f"arn:{partition}:iam::{ident}:role/{role_name}"))
        )
    return out
