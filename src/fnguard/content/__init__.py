"""What a package member says: the dependencies it declares and the secrets it holds.

The package collector walks an artifact member by member; for each it asks ``wants`` (from
the name and size alone, so it is cheap) and hands the bytes of the wanted ones to
``inspect``. Dependencies feed PKG007 through the OSV enricher, secrets feed SEC003.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnguard.content._kinds import Kind, classify, size_cap

if TYPE_CHECKING:
    from fnguard.model import Dependency, FoundSecret

__all__ = ["ContentFacts", "inspect", "wants"]

_BINARY_PROBE = 8192


@dataclass(frozen=True)
class ContentFacts:
    """What one package member holds for the rules: declared dependencies go to OSV (PKG007), masked
    secrets to SEC003."""

    dependencies: tuple[Dependency, ...] = ()
    secrets: tuple[FoundSecret, ...] = ()


_NOTHING = ContentFacts()


def wants(name: str, size: int) -> bool:
    """Whether the collector must read member ``name`` ('/' path from the artifact root)."""
    kind = classify(name)
    return kind is not None and size <= size_cap(kind)


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", "replace")


def inspect(name: str, data: bytes, location: str) -> ContentFacts:
    """The facts in member ``name``; ``location`` is the file name findings report.

    Members ``wants`` declines yield nothing. Secrets are masked before they are returned.
    """
    kind = classify(name)
    if kind is None:
        return _NOTHING
    # Manifest parsers (email headers, packaging) and secret detectors load on the first
    # member that needs them: most scans of infrastructure code read no package at all.
    from fnguard.content._manifests import dependencies
    from fnguard.content._secrets import find_secrets

    deps: tuple[Dependency, ...] = ()
    if kind.is_manifest:
        deps = dependencies(kind, _text(data), location)
    secrets: tuple[FoundSecret, ...] = ()
    if (not kind.is_manifest or kind is Kind.REQUIREMENTS) and b"\0" not in data[:_BINARY_PROBE]:
        secrets = find_secrets(kind, name, _text(data), location)
    if not deps and not secrets:
        return _NOTHING
    return ContentFacts(dependencies=deps, secrets=secrets)
