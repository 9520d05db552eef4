"""Known vulnerabilities of the dependencies a function ships, from OSV data (PKG007).

``AdvisoryEnricher`` is the scan stage; ``OsvApi`` (the public API with an on-disk cache) and
``OsvDatabase`` (an offline OSV export) are its two sources, behind ``OsvSource``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard._lazy import exports
from fnguard.osv._enricher import (
    ADVISORIES_FIELD,
    SUPPORTED_ECOSYSTEMS,
    AdvisoryEnricher,
    OsvMode,
)
from fnguard.osv._interface import DEFAULT_API, Lookup, OsvError, OsvSource, PackageKey

if TYPE_CHECKING:
    from fnguard.osv._cache import DEFAULT_TTL, DiskCache, default_cache_dir
    from fnguard.osv._matching import match
    from fnguard.osv._offline import OsvDatabase
    from fnguard.osv._online import OsvApi
    from fnguard.osv._severity import DEFAULT_IMPACT, impact_from_score, rating

__all__ = [
    "ADVISORIES_FIELD",
    "DEFAULT_API",
    "DEFAULT_IMPACT",
    "DEFAULT_TTL",
    "SUPPORTED_ECOSYSTEMS",
    "AdvisoryEnricher",
    "DiskCache",
    "Lookup",
    "OsvApi",
    "OsvDatabase",
    "OsvError",
    "OsvMode",
    "OsvSource",
    "PackageKey",
    "default_cache_dir",
    "impact_from_score",
    "match",
    "rating",
]

# The sources, version matching and CVSS scoring load when a dependency is checked.
__getattr__ = exports(
    __name__,
    {
        "DEFAULT_TTL": "_cache",
        "DiskCache": "_cache",
        "default_cache_dir": "_cache",
        "match": "_matching",
        "OsvDatabase": "_offline",
        "OsvApi": "_online",
        "DEFAULT_IMPACT": "_severity",
        "impact_from_score": "_severity",
        "rating": "_severity",
    },
)
