"""Does an OSV record affect a package version? The OSV schema's own evaluation.

A record's ``affected`` entries name a package; for the entry naming ours, the version is
affected when it is listed in ``versions`` or falls in one of the ``ECOSYSTEM`` / ``SEMVER``
ranges. A range's events are sorted by version and walked: ``introduced`` (``"0"`` is the
start of time) opens it, ``fixed`` closes it at that version, ``last_affected`` closes it
after that version; ``limit`` bounds the whole range from above. Versions are ordered the
ecosystem's way: PEP 440 (``packaging``) for PyPI, SemVer 2 (``semver``) for npm. A version
or event that does not parse leaves the range undecided: nothing is guessed. ``GIT`` ranges
name commits, not releases, and are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import semver
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

__all__ = ["Match", "affected_entries", "base_ecosystem", "match", "same_package"]

_RANGE_TYPES = frozenset({"ECOSYSTEM", "SEMVER"})
_START = "0"


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...
    def __le__(self, other: Any, /) -> bool: ...


def _pypi(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _npm(text: str) -> semver.Version | None:
    try:
        return semver.Version.parse(text.strip().lstrip("v="))
    except (ValueError, TypeError):
        return None


_PARSERS: dict[str, Callable[[str], _Ordered | None]] = {"PyPI": _pypi, "npm": _npm}


def base_ecosystem(ecosystem: str) -> str:
    """``"Debian:11"`` -> ``"Debian"``; OSV suffixes some ecosystems with a release."""
    return ecosystem.split(":", 1)[0]


def same_package(ecosystem: str, a: str, b: str) -> bool:
    if ecosystem == "PyPI":
        return canonicalize_name(a) == canonicalize_name(b)
    return a == b


def affected_entries(
    record: Mapping[str, Any], ecosystem: str, name: str
) -> Iterator[Mapping[str, Any]]:
    """The record's ``affected`` entries about this package."""
    for entry in record.get("affected") or ():
        if not isinstance(entry, dict):
            continue
        package = entry.get("package")
        if not isinstance(package, dict):
            continue
        eco, pkg = package.get("ecosystem"), package.get("name")
        if not isinstance(eco, str) or not isinstance(pkg, str):
            continue
        if base_ecosystem(eco) == ecosystem and same_package(ecosystem, pkg, name):
            yield entry


@dataclass(frozen=True)
class Match:
    """Why a record affects a version: the affected entry that says so (its severity is read first)
    and the versions that fix it."""

    entry: Mapping[str, Any]  # the affected entry that matched
    fixed: tuple[str, ...]  # versions that fix it, as the record writes them


def _none(text: str) -> None:
    return None


def _listed(
    entry: Mapping[str, Any],
    version: str,
    parsed: _Ordered | None,
    parse: Callable[[str], _Ordered | None],
) -> bool:
    """Listed in ``versions``, as written or as the same version (PEP 440: 1.0 == 1.0.0)."""
    for listed in entry.get("versions") or ():
        if not isinstance(listed, str):
            continue
        if listed == version or (parsed is not None and parsed == parse(listed)):
            return True
    return False


def _in_range(
    events: list[Any], version: _Ordered, parse: Callable[[str], _Ordered | None]
) -> bool | None:
    """The schema's evaluation of one range; ``None`` when an event does not parse."""
    ordered: list[tuple[int, _Ordered | None, str, str]] = []  # (rank, version, kind, raw)
    limits: list[_Ordered] = []
    for event in events:
        if not isinstance(event, dict) or len(event) != 1:
            return None
        ((kind, raw),) = event.items()
        if not isinstance(raw, str):
            return None
        if kind == "introduced" and raw == _START:
            ordered.append((0, None, kind, raw))
            continue
        if kind == "limit" and raw == "*":
            continue
        at = parse(raw)
        if at is None:
            return None
        if kind == "limit":
            limits.append(at)
        elif kind in ("introduced", "fixed", "last_affected"):
            ordered.append((1, at, kind, raw))
    if limits and all(not version < limit for limit in limits):
        return False
    ordered.sort(key=_EventKey)
    affected = False
    for _, at, kind, _raw in ordered:
        reached = at is None or (at < version if kind == "last_affected" else at <= version)
        if reached:
            affected = kind == "introduced"
    return affected


class _EventKey:
    """Sort key: ``introduced: "0"`` first, then by version (each ecosystem's own order)."""

    __slots__ = ("rank", "version")

    def __init__(self, item: tuple[int, _Ordered | None, str, str]) -> None:
        self.rank, self.version = item[0], item[1]

    def __lt__(self, other: _EventKey) -> bool:
        if self.rank != other.rank or self.version is None or other.version is None:
            return self.rank < other.rank
        return self.version < other.version


def _fixed(entry: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for rng in entry.get("ranges") or ():
        if isinstance(rng, dict) and rng.get("type") in _RANGE_TYPES:
            for event in rng.get("events") or ():
                raw = event.get("fixed") if isinstance(event, dict) else None
                if isinstance(raw, str) and raw not in found:
                    found.append(raw)
    return tuple(found)


def match(record: Mapping[str, Any], ecosystem: str, name: str, version: str) -> Match | None:
    """The entry of ``record`` that affects ``name`` at ``version``, if any."""
    if record.get("withdrawn"):
        return None
    parse = _PARSERS.get(ecosystem, _none)
    parsed = parse(version)
    for entry in affected_entries(record, ecosystem, name):
        if _listed(entry, version, parsed, parse):
            return Match(entry, _fixed(entry))
        if parsed is None:
            continue
        for rng in entry.get("ranges") or ():
            if not isinstance(rng, dict) or rng.get("type") not in _RANGE_TYPES:
                continue
            events = rng.get("events")
            if isinstance(events, list) and _in_range(events, parsed, parse):
                return Match(entry, _fixed(entry))
    return None
