"""What an OSV source is: package versions in, the OSV records that may affect them out.

Two sources implement it: the public OSV API (with an on-disk cache) and an offline OSV
export. Both hand back full OSV records (the JSON schema osv.dev publishes); deciding whether
a record affects a version, and how bad it is, is the same code for both (``_matching``,
``_severity``). A source that cannot answer for a package says so in ``failed``; the
enricher turns that into a collection gap so PKG007 reports "unknown", never "pass".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from fnguard.errors import FnguardError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["Lookup", "OsvError", "OsvSource", "PackageKey"]

DEFAULT_API = "https://api.osv.dev"

Record = dict[str, Any]


class PackageKey(NamedTuple):
    """A package version as OSV is queried for it (PyPI names PEP 503 normalised)."""

    ecosystem: str
    name: str
    version: str


class OsvError(FnguardError):
    """The OSV source could not answer (network, HTTP status, unreadable export)."""


@dataclass(frozen=True)
class Lookup:
    """Records per package; ``failed`` names the packages the source could not answer for."""

    records: Mapping[PackageKey, tuple[Record, ...]] = field(default_factory=dict)
    failed: Mapping[PackageKey, str] = field(default_factory=dict)
    #: True when the records were already matched to the version by the source (the API)
    matched: bool = False


class OsvSource(ABC):
    #: what the gap reason names: "OSV API https://api.osv.dev", "OSV database PyPI/all.zip"
    name: str

    @abstractmethod
    def lookup(self, packages: Sequence[PackageKey]) -> Lookup:
        """The OSV records that may affect each package; never raises for one package's sake."""
