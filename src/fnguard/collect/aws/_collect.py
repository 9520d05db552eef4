"""A live scan end to end: plan the units, run them concurrently, merge, link the gaps."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard.collect.aws._deferred import complete
from fnguard.collect.aws._session import (
    Access,
    account_of,
    default_region,
    enabled_regions,
    org_accesses,
)
from fnguard.collect.aws._settings import LiveSettings
from fnguard.collect.aws._units import GLOBAL, Unit, read_unit
from fnguard.errors import UsageError
from fnguard.model import CollectionGap, Inventory

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from fnguard.collect.aws._api import Api, ClientFactory
    from fnguard.scan import Progress

__all__ = ["AwsOptions", "collect_aws", "plan_units", "summary"]

_UNIT_WORKERS = 8  # (account x region) units in flight
_REASON = re.compile(r"^([\w-]+:\w+) answered (\S+)$")


@dataclass(frozen=True)
class AwsOptions:
    """What ``fnguard scan aws`` was asked to read."""

    access: Access = field(default_factory=Access)
    regions: tuple[str, ...] = ()  # empty: the profile's region; ("all",): every enabled one
    org_role_name: str | None = None  # scan every account of the organisation through it
    settings: LiveSettings = field(default_factory=LiveSettings)


def plan_units(options: AwsOptions) -> tuple[Unit, ...]:
    """Accounts (one, or the organisation's) times regions, plus one global unit per account."""
    if options.org_role_name:
        accounts = list(org_accesses(options.access, options.org_role_name))
    else:
        accounts = [(account_of(options.access), options.access)]
    home = default_region(options.access)
    units: list[Unit] = []
    for account, access in accounts:
        if options.regions == ("all",):
            regions: Sequence[str] = enabled_regions(options.access)
        else:
            regions = options.regions or (home,)
        first = regions[0] if regions else home
        units.append(Unit(access, account, GLOBAL, first, options.settings))
        units.extend(Unit(access, account, region, region, options.settings) for region in regions)
    return tuple(units)


def collect_aws(
    options: AwsOptions,
    progress: Progress | None = None,
    clients: Callable[[Unit], ClientFactory] | None = None,
) -> Inventory:
    """Read every unit (in parallel) into one inventory; refusals are gaps, never errors."""
    if "all" in options.regions and len(options.regions) > 1:
        raise UsageError("--region all cannot be combined with named regions")
    units = plan_units(options)
    if progress is not None:
        progress.stage("reading AWS (accounts x regions)", len(units))
    # An incremental scan caches each function whole, so it asks every question up front.
    defer = not options.settings.incremental
    read: list[tuple[Inventory, Api | None]] = []
    with ThreadPoolExecutor(min(_UNIT_WORKERS, len(units)) or 1) as pool:
        futures = [
            pool.submit(read_unit, unit, clients(unit) if clients else None, defer=defer)
            for unit in units
        ]
        for future in as_completed(futures):
            read.append(future.result())
            if progress is not None:
                progress.advance()
    # Completion order varies; the inventory's order must not.
    read.sort(key=lambda r: r[0].sources)
    whole = Inventory.combine(piece for piece, _ in read)
    if defer:
        parts = [(piece, api) for piece, api in read if api is not None]
        settings = options.settings
        whole = complete(parts, whole, every_answer=settings.every_answer or bool(settings.code))
    return link_gaps(whole)


def link_gaps(inventory: Inventory) -> Inventory:
    """Account-level refusals, restated on each function they leave unknown.

    When IAM could not be read, no role is there for a function's role ARN; a gap on the
    function's ``role`` makes the IAM rules say "unknown" with the reason, not "not declared".
    """
    iam_gaps = {g.resource: g for g in inventory.gaps if g.field == "roles"}
    if not iam_gaps:
        return inventory
    known = {r.arn for r in inventory.roles}
    extra: list[CollectionGap] = []
    for fn in inventory.functions:
        account = fn.address.split(":")[4] if fn.address.count(":") >= 5 else ""
        gap = iam_gaps.get(f"aws://{account}/{GLOBAL}")
        if gap is not None and fn.role not in known:
            reason = f"the account's roles could not be read ({gap.reason})"
            extra.append(CollectionGap(fn.location, reason, fn.address, "role"))
    return inventory.merge(Inventory(gaps=tuple(extra)))


def summary(inventory: Inventory) -> str:
    """One line: what was read, and which API calls were refused (the permissions lacking),
    each with the number of resources (account, function, bucket ...) it left unknown."""
    accounts = {s.split("/")[2] for s in inventory.sources if s.startswith("aws://")}
    regions = {s.split("/")[3] for s in inventory.sources if s.startswith("aws://")} - {GLOBAL}
    read = (
        f"aws: read {len(inventory.functions)} functions, {len(inventory.roles)} roles, "
        f"{len(inventory.triggers)} triggers, {len(inventory.front_doors)} front doors in "
        f"{len(accounts)} account(s) x {len(regions)} region(s)"
    )
    refused: dict[str, set[str]] = {}
    for gap in inventory.gaps:
        match = _REASON.match(gap.reason)
        if match:
            refused.setdefault(f"{match.group(1)} ({match.group(2)})", set()).add(gap.resource)
    if not refused:
        return f"{read}; every call answered"
    lacking = ", ".join(f"{api} x{len(where)}" for api, where in sorted(refused.items()))
    return f"{read}; refused: {lacking}"
