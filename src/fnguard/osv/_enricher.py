"""The advisory stage: every dependency the packages declare, checked against OSV.

Runs after the package collector. Each distinct ``(ecosystem, name, version)`` is looked up
once, whatever the number of packages shipping it; one ``Advisory`` per vulnerability and
dependency lands in the inventory (``Inventory.advisories_for`` finds them). Records that
describe the same vulnerability under several IDs (a GHSA and its PYSEC alias, both
returned by OSV) become one advisory: the best-rated record names it and lists the others as
aliases. A lookup that fails is a ``CollectionGap`` on each package concerned
(``field="advisories"``), so PKG007 reports unknown there instead of passing.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnguard.collect._interface import Enricher
from fnguard.errors import UsageError
from fnguard.model import Advisory, CollectionGap, Inventory
from fnguard.osv._interface import DEFAULT_API, Lookup, OsvSource, PackageKey

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from fnguard.model import Package
    from fnguard.osv._matching import Match
    from fnguard.osv._severity import Rating

__all__ = ["ADVISORIES_FIELD", "SUPPORTED_ECOSYSTEMS", "AdvisoryEnricher", "OsvMode"]

#: ``CollectionGap.field`` of a package whose dependencies could not be checked
ADVISORIES_FIELD = "advisories"
SUPPORTED_ECOSYSTEMS = frozenset({"PyPI", "npm"})
_SUMMARY_CHARS = 200
# Which record names a merged vulnerability, when several are equally rated.
_ID_PREFERENCE = ("GHSA-", "PYSEC-", "CVE-")


class OsvMode(enum.StrEnum):
    ONLINE = "online"  # the public OSV API, through the on-disk cache
    OFFLINE = "offline"  # an OSV export given with --osv-db
    OFF = "off"  # no lookups; PKG007 reports unknown


def _summary(record: Mapping[str, Any]) -> str:
    text = record.get("summary") or record.get("details") or record.get("id") or ""
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return first if len(first) <= _SUMMARY_CHARS else first[: _SUMMARY_CHARS - 1] + "…"


def _aliases(record: Mapping[str, Any]) -> tuple[str, ...]:
    raw = record.get("aliases") or ()
    return tuple(a for a in raw if isinstance(a, str)) if isinstance(raw, list) else ()


class _Found:
    """One record that affects one dependency, before merging aliases."""

    def __init__(self, record: Mapping[str, Any], hit: Match) -> None:
        from fnguard.osv._severity import rating  # CVSS parsing: only once something matched

        self.id = str(record.get("id", ""))
        self.record = record
        self.rating: Rating = rating(record, hit.entry)
        self.fixed = hit.fixed
        self.names = {self.id, *_aliases(record)}

    def rank(self) -> tuple[int, int, int]:
        preferred = next(
            (n for n, p in enumerate(_ID_PREFERENCE) if self.id.startswith(p)),
            len(_ID_PREFERENCE),
        )
        return (0 if self.rating.rated else 1, preferred, -self.rating.impact)


def _merge(key: PackageKey, found: list[_Found]) -> Iterable[Advisory]:
    """One advisory per vulnerability: records sharing an ID or alias are one."""
    groups: list[list[_Found]] = []
    for item in found:
        joined = [g for g in groups if any(item.names & other.names for other in g)]
        merged = [item, *(x for g in joined for x in g)]
        groups = [g for g in groups if g not in joined] + [merged]
    for group in groups:
        lead = min(group, key=_Found.rank)
        rated = [x.rating.impact for x in group if x.rating.rated]
        names = sorted({n for x in group for n in x.names} - {lead.id})
        fixed = tuple(dict.fromkeys(v for x in group for v in x.fixed))
        yield Advisory(
            id=lead.id,
            ecosystem=key.ecosystem,
            name=key.name,
            version=key.version,
            summary=_summary(lead.record),
            impact=max(rated) if rated else lead.rating.impact,
            aliases=tuple(names),
            fixed=fixed,
        )


def _api_match(record: Mapping[str, Any], key: PackageKey) -> Match | None:
    """The API matched the version already; find the entry for severity and fixed versions."""
    from fnguard.osv._matching import Match, affected_entries, match

    local = match(record, key.ecosystem, key.name, key.version)
    if local is not None:
        return local
    entry = next(affected_entries(record, key.ecosystem, key.name), None)
    return Match(entry or {}, ())


def _match(record: Mapping[str, Any], key: PackageKey) -> Match | None:
    from fnguard.osv._matching import match

    return match(record, *key)


class AdvisoryEnricher(Enricher):
    name = "checking dependencies against OSV"

    def __init__(
        self,
        mode: OsvMode | str | None = None,
        db_path: Path | str | None = None,
        *,
        source: OsvSource | None = None,
        cache_dir: Path | None = None,
        api_url: str = DEFAULT_API,
    ) -> None:
        """``mode`` defaults to offline when ``db_path`` is given, else online.

        Raises ``UsageError`` for an unknown mode, offline mode without a database, or a
        database with online mode (which one was meant is unclear).
        ``source`` replaces the chosen source (tests inject one).
        """
        try:
            chosen = OsvMode(mode) if mode is not None else None
        except ValueError:
            choices = ", ".join(m.value for m in OsvMode)
            raise UsageError(f"--osv: unknown mode {mode!r} (expected one of: {choices})") from None
        if chosen is None:
            chosen = OsvMode.OFFLINE if db_path is not None else OsvMode.ONLINE
        if chosen is OsvMode.ONLINE and db_path is not None:
            raise UsageError("--osv-db is an offline database: use it with --osv offline")
        if chosen is OsvMode.OFFLINE and db_path is None and source is None:
            raise UsageError("--osv offline needs --osv-db PATH (an OSV export: folder or zip)")
        self.mode = chosen
        self._source = source
        # The sources (an HTTP client, a zip reader) load only when a dependency is to be
        # checked: most scans of infrastructure code never find one.
        self._api = (api_url, cache_dir) if source is None and chosen is OsvMode.ONLINE else None
        self._db = (
            Path(db_path)
            if source is None and chosen is OsvMode.OFFLINE and db_path is not None
            else None
        )

    def _chosen_source(self) -> OsvSource | None:
        if self._source is None and self._db is not None:
            from fnguard.osv._offline import OsvDatabase

            self._source = OsvDatabase(self._db)
        elif self._source is None and self._api is not None:
            from fnguard.osv._cache import DiskCache
            from fnguard.osv._online import OsvApi

            self._source = OsvApi(self._api[0], DiskCache(self._api[1]))
        return self._source

    def _gaps(
        self, packages: Iterable[Package], failed: Mapping[PackageKey, str]
    ) -> list[CollectionGap]:
        gaps: list[CollectionGap] = []
        for package in packages:
            reasons = [
                failed[k]
                for k in dict.fromkeys(
                    PackageKey(d.ecosystem, d.name, d.version) for d in package.dependencies
                )
                if k in failed
            ]
            if reasons:
                gaps.append(
                    CollectionGap(
                        location=package.location,
                        reason=f"{reasons[0]}; {len(reasons)} dependencies not checked",
                        resource=package.address,
                        field=ADVISORIES_FIELD,
                    )
                )
        return gaps

    def enrich(self, inventory: Inventory, root: Path | None) -> Inventory:
        keys = list(
            dict.fromkeys(
                PackageKey(d.ecosystem, d.name, d.version)
                for package in inventory.packages
                for d in package.dependencies
                if d.ecosystem in SUPPORTED_ECOSYSTEMS
            )
        )
        if not keys:
            return Inventory()
        source = self._chosen_source()
        if source is None:  # OsvMode.OFF
            lookup = Lookup(failed=dict.fromkeys(keys, "OSV lookups turned off (--osv off)"))
        else:
            lookup = source.lookup(keys)
        advisories: list[Advisory] = []
        for key in keys:
            found: list[_Found] = []
            for record in lookup.records.get(key, ()):
                hit = _api_match(record, key) if lookup.matched else _match(record, key)
                if hit is not None:
                    found.append(_Found(record, hit))
            advisories.extend(_merge(key, found))
        return Inventory(
            advisories=tuple(advisories),
            gaps=tuple(self._gaps(inventory.packages, lookup.failed)),
        )
