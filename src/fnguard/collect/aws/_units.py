"""Units of a live scan and how one runs: (account x region) shards that return inventory.

A unit is a frozen value (``Access``, account, region, scope), and running it needs nothing
from the caller's process but a client factory, so units can be farmed out to threads today
and to another executor later; their pieces merge with ``Inventory.combine``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard.collect.aws._api import Api
from fnguard.collect.aws._apigw import collect_http_apis, collect_rest_apis
from fnguard.collect.aws._cloudtrail import collect_trails
from fnguard.collect.aws._iam import collect_iam
from fnguard.collect.aws._lambda import collect_lambda, list_functions
from fnguard.collect.aws._names import Shard, location
from fnguard.collect.aws._neighbours import collect_neighbours
from fnguard.collect.aws._session import Access, client_factory
from fnguard.collect.aws._settings import LiveSettings
from fnguard.collect.aws._sources import collect_buckets, collect_eventbridge, collect_sns
from fnguard.errors import CollectError
from fnguard.model import CollectionGap, Inventory

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from fnguard.collect.aws._api import ClientFactory

__all__ = ["GLOBAL", "Unit", "read_unit", "run_unit"]

GLOBAL = "global"
_ITEM_WORKERS = 16  # per-item calls (functions, buckets, rules, APIs) in flight per unit
_SERVICE_WORKERS = 8  # service listings in flight per unit


@dataclass(frozen=True)
class Unit:
    """One account in one region, or the account's global services (IAM, S3)."""

    access: Access
    account: str
    region: str  # a region name, or GLOBAL
    client_region: str  # where global services' clients connect
    settings: LiveSettings = field(default_factory=LiveSettings)

    @property
    def shard(self) -> Shard:
        return Shard(self.account, self.region)


def run_unit(unit: Unit, clients: ClientFactory | None = None) -> Inventory:
    """Collect one unit; unreachable accounts and refused calls become gaps, never errors."""
    return read_unit(unit, clients)[0]


def read_unit(
    unit: Unit, clients: ClientFactory | None = None, *, defer: bool = False
) -> tuple[Inventory, Api | None]:
    """``run_unit``, and the ``Api`` that read it (``None``: the account was unreachable).

    With ``defer``, functions come without the answers ``_deferred.complete`` asks once the
    whole inventory is known, through the returned ``Api``.
    """
    shard = unit.shard
    try:
        factory = clients or client_factory(
            unit.access, unit.client_region if unit.region == GLOBAL else unit.region
        )
    except CollectError as exc:
        gap = CollectionGap(location(shard, "sts"), str(exc), shard.label, "")
        return Inventory(gaps=(gap,)), None
    api = Api(factory)
    with (
        ThreadPoolExecutor(_SERVICE_WORKERS, thread_name_prefix="fnguard-svc") as services,
        ThreadPoolExecutor(_ITEM_WORKERS, thread_name_prefix="fnguard-call") as items,
        ThreadPoolExecutor(_ITEM_WORKERS, thread_name_prefix="fnguard-side") as side,
    ):
        if unit.region == GLOBAL:
            iam = services.submit(collect_iam, api, shard, side)
            buckets = collect_buckets(api, shard, items)
            pieces = [iam.result(), buckets]
        else:
            pieces = _regional(api, shard, unit.settings, defer, services, items, side)
    pieces.append(Inventory(gaps=api.gaps, sources=(shard.label,)))
    return Inventory.combine(pieces), api


def _regional(
    api: Api,
    shard: Shard,
    settings: LiveSettings,
    defer: bool,
    services: Executor,
    items: Executor,
    side: Executor,
) -> list[Inventory]:
    """A region: the services that point at functions are read while the functions are
    (their per-item calls on ``side``, not queued behind the functions' on ``items``)."""
    configs = list_functions(api, shard)
    if configs is None:  # refused: the unit's gaps say so
        return []
    if not configs:  # an empty region costs two calls, not twenty
        return [collect_lambda(api, shard, items, settings, defer=defer, configs=configs)]
    futures = [
        services.submit(collect_sns, api, shard),
        services.submit(collect_eventbridge, api, shard, side),
        services.submit(collect_rest_apis, api, shard, side),
        services.submit(collect_http_apis, api, shard, side),
        services.submit(collect_trails, api, shard, side),
    ]
    lambdas = collect_lambda(api, shard, items, settings, defer=defer, configs=configs)
    pieces = [lambdas, collect_neighbours(api, shard, lambdas, services, side)]
    pieces.extend(f.result() for f in futures)
    return pieces
