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
from fnguard.collect.aws._lambda import collect_lambda
from fnguard.collect.aws._names import Shard, location
from fnguard.collect.aws._neighbours import collect_neighbours
from fnguard.collect.aws._session import Access, client_factory
from fnguard.collect.aws._settings import LiveSettings
from fnguard.collect.aws._sources import collect_buckets, collect_eventbridge, collect_sns
from fnguard.errors import CollectError
from fnguard.model import CollectionGap, Inventory

if TYPE_CHECKING:
    from fnguard.collect.aws._api import ClientFactory

__all__ = ["GLOBAL", "Unit", "run_unit"]

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
    shard = unit.shard
    try:
        factory = clients or client_factory(
            unit.access, unit.client_region if unit.region == GLOBAL else unit.region
        )
    except CollectError as exc:
        return Inventory(gaps=(CollectionGap(location(shard, "sts"), str(exc), shard.label, ""),))
    api = Api(factory)
    with (
        ThreadPoolExecutor(_SERVICE_WORKERS, thread_name_prefix="fnguard-svc") as services,
        ThreadPoolExecutor(_ITEM_WORKERS, thread_name_prefix="fnguard-call") as items,
    ):
        if unit.region == GLOBAL:
            iam = services.submit(collect_iam, api, shard)
            buckets = collect_buckets(api, shard, items)
            pieces = [iam.result(), buckets]
        else:
            lambdas = collect_lambda(api, shard, items, unit.settings)
            pieces = [lambdas]
            if lambdas.functions:  # an empty region costs one call, not twenty
                futures = [
                    services.submit(collect_sns, api, shard),
                    services.submit(collect_eventbridge, api, shard, items),
                    services.submit(collect_rest_apis, api, shard, items),
                    services.submit(collect_http_apis, api, shard, items),
                    services.submit(collect_trails, api, shard, items),
                ]
                pieces.append(collect_neighbours(api, shard, lambdas, services, items))
                pieces.extend(f.result() for f in futures)
    pieces.append(Inventory(gaps=api.gaps, sources=(shard.label,)))
    return Inventory.combine(pieces)
