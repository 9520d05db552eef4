"""The on-disk cache of OSV answers, shared by concurrent scans.

Layout under the cache folder (``default_cache_dir()``: ``$XDG_CACHE_HOME/fnguard/osv``, else
``~/.cache/fnguard/osv``)::

    queries/<ecosystem>/<sha256 of "name\\0version">.json
        {"format": 1, "ecosystem", "name", "version", "fetched": <epoch s>,
         "vulns": [{"id": "GHSA-...", "modified": "2024-..."}]}
    vulns/<id>.json
        {"format": 1, "fetched": <epoch s>, "vuln": <the OSV record>}

A query answer is trusted for ``ttl`` seconds (new advisories appear daily); a record is
trusted while its ``modified`` is at least the one the latest query reported. Every write goes
to a temporary file in the same folder and is renamed over the entry (``os.replace`` is atomic
on POSIX and Windows), so a concurrent scan sees the old entry or the new one, never half of
one. A cache that cannot be read or written only costs lookups: it is never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnguard.cache import atomic_write

if TYPE_CHECKING:
    from collections.abc import Callable

    from fnguard.osv._interface import PackageKey, Record

__all__ = ["DEFAULT_TTL", "DiskCache", "default_cache_dir"]

DEFAULT_TTL = 24 * 3600.0
_FORMAT = 1
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def _instant(text: object) -> datetime | None:
    """An RFC 3339 time as OSV writes it (``2024-05-01T12:00:00.123Z``), comparable."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "fnguard" / "osv"


class DiskCache:
    def __init__(
        self,
        root: Path | None = None,
        ttl: float = DEFAULT_TTL,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.root = root if root is not None else default_cache_dir()
        self.ttl = ttl
        self._now = now

    # ----------------------------------------------------------------- paths

    def _query_path(self, key: PackageKey) -> Path:
        digest = hashlib.sha256(f"{key.name}\0{key.version}".encode()).hexdigest()
        ecosystem = key.ecosystem if _SAFE_ID.match(key.ecosystem) else "other"
        return self.root / "queries" / ecosystem / f"{digest}.json"

    def _vuln_path(self, vuln_id: str) -> Path:
        name = vuln_id if _SAFE_ID.match(vuln_id) else hashlib.sha256(vuln_id.encode()).hexdigest()
        return self.root / "vulns" / f"{name}.json"

    # ----------------------------------------------------------------- io

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None  # missing, unreadable or torn by an older fnguard: a miss
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return None
        return data

    def _write(self, path: Path, data: dict[str, Any]) -> None:
        data = {"format": _FORMAT, "fetched": self._now(), **data}
        text = json.dumps(data, separators=(",", ":")).encode("utf-8")
        # An unwritable cache is not an error: the answer is simply not kept.
        with contextlib.suppress(OSError):
            atomic_write(path, text, prefix=".tmp-")

    # ----------------------------------------------------------------- entries

    def query(self, key: PackageKey) -> list[tuple[str, str]] | None:
        """``(id, modified)`` of the vulnerabilities last reported for ``key``, if fresh."""
        data = self._read(self._query_path(key))
        if data is None or (data.get("name"), data.get("version")) != (key.name, key.version):
            return None
        fetched = data.get("fetched")
        if not isinstance(fetched, int | float) or self._now() - fetched > self.ttl:
            return None
        vulns = data.get("vulns")
        if not isinstance(vulns, list):
            return None
        return [
            (str(v.get("id")), str(v.get("modified", ""))) for v in vulns if isinstance(v, dict)
        ]

    def store_query(self, key: PackageKey, vulns: list[tuple[str, str]]) -> None:
        entry = {
            "ecosystem": key.ecosystem,
            "name": key.name,
            "version": key.version,
            "vulns": [{"id": i, "modified": m} for i, m in vulns],
        }
        self._write(self._query_path(key), entry)

    def vuln(self, vuln_id: str, modified: str) -> Record | None:
        """The cached record, if at least as new as ``modified`` (ISO 8601, as OSV writes it)."""
        data = self._read(self._vuln_path(vuln_id))
        record = data.get("vuln") if data else None
        if not isinstance(record, dict) or record.get("id") != vuln_id:
            return None
        if modified:
            cached, latest = _instant(record.get("modified")), _instant(modified)
            if cached is None or latest is None or cached < latest:
                return None  # the advisory changed since it was cached
        return record

    def store_vuln(self, record: Record) -> None:
        vuln_id = record.get("id")
        if isinstance(vuln_id, str) and vuln_id:
            self._write(self._vuln_path(vuln_id), {"vuln": record})
