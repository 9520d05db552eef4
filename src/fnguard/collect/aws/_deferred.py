"""Two per-function questions asked last, and only for functions whose verdicts they decide.

GetFunctionConcurrency and ListFunctionEventInvokeConfigs cost one request per function each,
as much as the rest of a function's reading. Their answers feed few verdicts:

- ``reserved_concurrency`` feeds LIM005 only, which judges functions anyone may invoke without
  authentication: a public front door whose authorization is NONE, or a permission granting
  a function URL with auth type NONE. It is asked for every function with such a front door
  (throttled or not) or such a permission (whatever its principal).
- ``on_failure_destination`` feeds LIM006 for functions invoked asynchronously (an
  asynchronous trigger, a permission for a service principal); IAM007, through Lambda's own
  needs, for functions whose code is analysed; and ``own_accounts`` (IAM006 trust, EXP007
  layers), where the destination's account counts as one of yours. It is asked for functions
  with an asynchronous trigger or a service principal in their policy, and for every function
  when code is analysed (``--download-code``, ``LiveSettings.every_answer``) or when a layer
  or the trust policy of an execution role names an account the scan did not cover.

The decision is taken on the whole inventory (an S3 notification is read with the account's
global services; an API in another region may front a function), and the question is asked
whenever what the decision rests on is unknown: a refused GetPolicy or GetFunctionUrlConfig,
a refused trigger or API listing. A question not asked leaves the field at its "not
configured" value without a gap, because no rule reads it for that function: the tripwire in
``tests/collect_aws/test_aws_deferred.py`` fails when a new reader of either field appears.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from fnguard.collect.aws._lambda import on_failure_destination, reserved_concurrency
from fnguard.model import InvocationType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.collect.aws._api import Api
    from fnguard.model import Function, Inventory

__all__ = ["Deferred", "complete"]

_WORKERS = 16
_ACCOUNT = re.compile(r"(?<!\d)\d{12}(?!\d)")


@dataclass(frozen=True)
class Deferred:
    """Which of the two questions a function needs."""

    concurrency: bool
    destination: bool


def complete(
    parts: Sequence[tuple[Inventory, Api]], whole: Inventory, *, every_answer: bool = False
) -> Inventory:
    """``whole`` with the deferred answers of the functions that need them, and their gaps.

    ``parts`` pairs each unit's inventory with the ``Api`` that read it (its clients and
    gap record); ``every_answer`` asks the destination of every function.
    """
    destinations_matter = every_answer or _names_other_accounts(whole)
    wide = _unread_for_all(whole)
    asks = [
        (api, fn, need)
        for piece, api in parts
        for fn in piece.functions
        for need in (needs(whole, fn, wide, every_destination=destinations_matter),)
        if need.concurrency or need.destination
    ]
    if not asks:
        return whole
    before = {id(api): len(api.gaps) for _, api in parts}
    with ThreadPoolExecutor(min(_WORKERS, len(asks)), thread_name_prefix="fnguard-late") as pool:
        answered = {f.address: f for f in pool.map(lambda a: _answer(*a), asks)}
    gaps = tuple(g for _, api in parts for g in api.gaps[before[id(api)] :])
    functions = tuple(answered.get(fn.address, fn) for fn in whole.functions)
    return replace(whole, functions=functions, gaps=whole.gaps + gaps)


def needs(
    whole: Inventory, fn: Function, wide: frozenset[str], *, every_destination: bool = False
) -> Deferred:
    """The questions whose answers can change a verdict on ``fn`` (see the module's text);
    ``wide`` holds the fields unread for every function (``_unread_for_all``)."""

    def unread(field: str) -> bool:
        return field in wide or "" in wide or bool(whole.gaps_for(fn.address, field))

    unread_policy = unread("permissions")
    return Deferred(
        concurrency=unread_policy or unread("front_doors") or _may_be_open(whole, fn),
        destination=every_destination
        or unread_policy
        or unread("triggers")
        or _may_be_async(whole, fn),
    )


def _unread_for_all(whole: Inventory) -> frozenset[str]:
    """Fields with a gap on something other than a function (a listing, a bucket, an API;
    ``""``: a whole unit): what that thing would have said about any function is unknown."""
    functions = {fn.address for fn in whole.functions}
    return frozenset(g.field for g in whole.gaps if g.resource not in functions)


def _may_be_open(whole: Inventory, fn: Function) -> bool:
    """LIM005's entries, and more: throttling and principals are not looked at."""
    if any(_none(d.authorization) and d.public for d in whole.front_doors_of(fn)):
        return True
    return any(_none(p.function_url_auth_type) for p in whole.permissions_of(fn))


def _none(auth: str | None) -> bool:
    return (auth or "").strip().upper() == "NONE"


def _may_be_async(whole: Inventory, fn: Function) -> bool:
    """An asynchronous trigger (enabled or not), or a service principal in the policy."""
    if any(t.invocation is InvocationType.ASYNC for t in whole.triggers_of(fn)):
        return True
    return any(_is_service(p.principal) for p in whole.permissions_of(fn))


def _is_service(principal: str | None) -> bool:
    """``s3.amazonaws.com`` and the like: neither anyone, nor an account, nor an ARN."""
    if not principal or principal == "*":
        return False
    return ":" not in principal and "." in principal


def _names_other_accounts(whole: Inventory) -> bool:
    """Whether a function's layer (not one AWS publishes), or the trust policy of a function's
    role, names an account the scan did not cover: a destination's account could make that
    account one of yours."""
    from fnguard.rules._exp_layers import aws_publisher  # EXP007 never flags AWS's layers

    scanned = {_account(fn.address) for fn in whole.functions}
    named = {_account(layer) for fn in whole.functions for layer in fn.layers}
    named = {account for account in named if not aws_publisher(account)}
    roles = {id(r): r for r in (whole.role_of(fn) for fn in whole.functions) if r is not None}
    for role in roles.values():
        if role.trust_policy is not None and role.trust_policy.document is not None:
            text = json.dumps(role.trust_policy.document, default=str)
            named.update(_ACCOUNT.findall(text))
    return bool(named - scanned - {""})


def _account(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def _answer(api: Api, fn: Function, need: Deferred) -> Function:
    where = fn.location
    return replace(
        fn,
        reserved_concurrency=(
            reserved_concurrency(api, fn.address, where)
            if need.concurrency
            else fn.reserved_concurrency
        ),
        on_failure_destination=(
            on_failure_destination(api, fn.address, where)
            if need.destination
            else fn.on_failure_destination
        ),
    )
