"""The public OSV API: ``POST /v1/querybatch`` for which advisories affect each version, then
``GET /v1/vulns/{id}`` for each advisory's record, both through the on-disk cache.

Only the standard library speaks HTTP here (``urllib.request``): two JSON endpoints do not
justify a client dependency, and nothing is imported until a scan asks. The base URL is a
constructor parameter so tests point the client at a server on 127.0.0.1. Any failure (no
network, a timeout, an HTTP error, a body that is not the documented JSON) marks the packages
concerned as failed with the reason; it never raises out of ``lookup``.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from fnguard import __version__
from fnguard.osv._cache import DiskCache
from fnguard.osv._interface import DEFAULT_API, Lookup, OsvError, OsvSource, PackageKey, Record

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["DEFAULT_API", "OsvApi"]

_BATCH = 1000  # the API's limit on queries per querybatch request
_MAX_PAGES = 20  # next_page_token rounds for one query before giving up
_MAX_BODY = 64 * 1024 * 1024
_WORKERS = 8
_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


class _TransientError(Exception):
    """An answer worth asking again for (rate limit, server error)."""


class OsvApi(OsvSource):
    def __init__(
        self,
        base_url: str = DEFAULT_API,
        cache: DiskCache | None = None,
        timeout: float = 30.0,
        *,
        retries: int = 2,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``retries`` more tries after a 429 or 5xx answer, waiting ``backoff`` s, doubled."""
        self.base_url = base_url.rstrip("/")
        self.name = f"OSV API {self.base_url}"
        self.cache = cache if cache is not None else DiskCache()
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep

    # ----------------------------------------------------------------- http

    def _call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One request, tried again after an overloaded or failing server's answer."""
        attempt = 0
        while True:
            try:
                return self._once(path, body)
            except _TransientError as exc:
                if attempt >= self.retries:
                    raise OsvError(str(exc)) from exc
                self._sleep(self.backoff * 2**attempt)
                attempt += 1

    def _once(self, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json", "User-Agent": f"fnguard/{__version__}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(_MAX_BODY + 1)
        except urllib.error.HTTPError as exc:
            message = f"{self.name}{path}: HTTP {exc.code} {exc.reason}"
            if exc.code in _TRANSIENT_STATUS:
                raise _TransientError(message) from exc
            raise OsvError(message) from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise OsvError(f"{self.name} unreachable ({reason})") from exc
        if len(raw) > _MAX_BODY:
            raise OsvError(f"{self.name}{path}: answer larger than {_MAX_BODY} bytes")
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise OsvError(f"{self.name}{path}: answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise OsvError(f"{self.name}{path}: answer is not a JSON object")
        return answer

    # ----------------------------------------------------------------- queries

    def _query_batch(self, keys: Sequence[PackageKey]) -> dict[PackageKey, list[tuple[str, str]]]:
        """``(id, modified)`` per package, following ``next_page_token`` where one is given."""
        found: dict[PackageKey, list[tuple[str, str]]] = {k: [] for k in keys}
        pending: dict[PackageKey, str | None] = dict.fromkeys(keys)
        for _ in range(_MAX_PAGES):
            if not pending:
                return found
            batch = list(pending)
            queries = []
            for key in batch:
                query: dict[str, Any] = {
                    "package": {"ecosystem": key.ecosystem, "name": key.name},
                    "version": key.version,
                }
                if pending[key]:
                    query["page_token"] = pending[key]
                queries.append(query)
            results = self._call("/v1/querybatch", {"queries": queries}).get("results")
            if not isinstance(results, list) or len(results) != len(batch):
                raise OsvError(f"{self.name}/v1/querybatch: answer does not match the queries")
            pending = {}
            for key, result in zip(batch, results, strict=True):
                result = result if isinstance(result, dict) else {}
                for vuln in result.get("vulns") or ():
                    if isinstance(vuln, dict) and isinstance(vuln.get("id"), str):
                        found[key].append((vuln["id"], str(vuln.get("modified") or "")))
                token = result.get("next_page_token")
                if isinstance(token, str) and token:
                    pending[key] = token
        raise OsvError(f"{self.name}/v1/querybatch: more than {_MAX_PAGES} pages of results")

    def _vuln(self, vuln_id: str, modified: str) -> Record:
        cached = self.cache.vuln(vuln_id, modified)
        if cached is not None:
            return cached
        record = self._call("/v1/vulns/" + urllib.parse.quote(vuln_id, safe=""))
        if record.get("id") != vuln_id:
            raise OsvError(f"{self.name}/v1/vulns/{vuln_id}: answer is another record")
        self.cache.store_vuln(record)
        return record

    # ----------------------------------------------------------------- lookup

    def _ids(
        self, keys: Sequence[PackageKey]
    ) -> tuple[dict[PackageKey, list[tuple[str, str]]], dict[PackageKey, str]]:
        ids: dict[PackageKey, list[tuple[str, str]]] = {}
        missing: list[PackageKey] = []
        for key in keys:
            cached = self.cache.query(key)
            if cached is None:
                missing.append(key)
            else:
                ids[key] = cached
        failed: dict[PackageKey, str] = {}
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            try:
                answered = self._query_batch(chunk)
            except OsvError as exc:
                failed.update(dict.fromkeys(chunk, str(exc)))
                continue
            for key, vulns in answered.items():
                self.cache.store_query(key, vulns)
                ids[key] = vulns
        return ids, failed

    def lookup(self, packages: Sequence[PackageKey]) -> Lookup:
        ids, failed = self._ids(list(dict.fromkeys(packages)))
        wanted = {vid: mod for vulns in ids.values() for vid, mod in vulns}
        records: dict[str, Record] = {}
        errors: dict[str, str] = {}

        def fetch(item: tuple[str, str]) -> None:
            try:
                records[item[0]] = self._vuln(*item)
            except OsvError as exc:
                errors[item[0]] = str(exc)

        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            list(pool.map(fetch, sorted(wanted.items())))
        found: dict[PackageKey, tuple[Record, ...]] = {}
        for key, vulns in ids.items():
            broken = [errors[vid] for vid, _ in vulns if vid in errors]
            if broken:
                failed[key] = broken[0]
            else:
                found[key] = tuple(records[vid] for vid, _ in vulns)
        return Lookup(records=found, failed=failed, matched=True)
