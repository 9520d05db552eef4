"""The dated runtime lifecycle table (``fnguard/data/runtimes.json``) behind PKG009.

The table is data, not code: each entry carries the provider's published deprecation and
block dates and the page they come from, and the file records when the facts were taken.
A broken file is a packaging bug, so it raises ``RuleError`` rather than passing silently.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from fnguard._data import shipped_text
from fnguard.errors import RuleError
from fnguard.model import Provider

__all__ = ["RuntimeLifecycle", "RuntimeTable", "default_runtime_table", "parse_runtime_table"]


@dataclass(frozen=True)
class RuntimeLifecycle:
    """One runtime's published end-of-support dates (``None``: not published / not recorded)."""

    runtime: str
    provider: Provider
    name: str
    deprecation: _dt.date | None
    block_create: _dt.date | None
    block_update: _dt.date | None
    source: str
    note: str = ""


@dataclass(frozen=True)
class RuntimeTable:
    """The runtime lifecycle dates by provider and runtime, with the day they were taken: PKG009
    shows it, so that a verdict can be read as of then."""

    retrieved: _dt.date
    entries: Mapping[tuple[Provider, str], RuntimeLifecycle]

    def get(self, provider: Provider, runtime: str) -> RuntimeLifecycle | None:
        return self.entries.get((provider, runtime.strip().lower()))


def _date(entry: Mapping[str, Any], key: str, where: str) -> _dt.date | None:
    raw = entry.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise RuleError(f"{where}: {key} must be an ISO date string or null")
    try:
        return _dt.date.fromisoformat(raw)
    except ValueError:
        raise RuleError(f"{where}: {key} is not an ISO date: {raw!r}") from None


def _text(entry: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    raw = entry.get(key, "")
    if not isinstance(raw, str) or (required and not raw.strip()):
        raise RuleError(f"{where}: {key} must be a non-empty string")
    return raw


def parse_runtime_table(document: Mapping[str, Any], origin: str = "runtimes.json") -> RuntimeTable:
    """Validate and index a runtime table document."""
    retrieved = _date(document, "retrieved", origin)
    if retrieved is None:
        raise RuleError(f"{origin}: 'retrieved' date is required")
    raw_entries = document.get("runtimes")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise RuleError(f"{origin}: 'runtimes' must be a non-empty list")
    entries: dict[tuple[Provider, str], RuntimeLifecycle] = {}
    for index, raw in enumerate(raw_entries):
        where = f"{origin}: runtimes[{index}]"
        if not isinstance(raw, Mapping):
            raise RuleError(f"{where}: must be an object")
        runtime = _text(raw, "runtime", where).strip().lower()
        try:
            provider = Provider(_text(raw, "provider", where))
        except ValueError:
            raise RuleError(f"{where}: provider must be 'aws' or 'gcp'") from None
        source = _text(raw, "source", where)
        if not source.startswith("https://"):
            raise RuleError(f"{where}: source must be an https URL")
        entry = RuntimeLifecycle(
            runtime=runtime,
            provider=provider,
            name=_text(raw, "name", where),
            deprecation=_date(raw, "deprecation", where),
            block_create=_date(raw, "block_function_create", where),
            block_update=_date(raw, "block_function_update", where),
            source=source,
            note=_text(raw, "note", where, required=False),
        )
        if entry.deprecation is None:
            raise RuleError(f"{where}: deprecation date is required")
        if (provider, runtime) in entries:
            raise RuleError(f"{where}: duplicate entry for {provider.value} {runtime}")
        entries[(provider, runtime)] = entry
    return RuntimeTable(retrieved=retrieved, entries=entries)


SHIPPED = "fnguard/data/runtimes.json"


@cache
def shipped_document() -> Mapping[str, Any]:
    """The runtimes.json shipped with fnguard (lifecycle and platform facts), read once."""
    try:
        document = json.loads(shipped_text("runtimes.json"))
    except (OSError, ValueError) as exc:
        raise RuleError(f"{SHIPPED} is unreadable: {exc}") from None
    if not isinstance(document, Mapping):
        raise RuleError(f"{SHIPPED} must hold a JSON object")
    return document


@cache
def default_runtime_table() -> RuntimeTable:
    """The table shipped with fnguard, read once per process."""
    return parse_runtime_table(shipped_document(), SHIPPED)
