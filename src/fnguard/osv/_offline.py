"""An offline OSV export: a folder or zip of OSV JSON records, as osv.dev publishes them.

osv.dev publishes one ``all.zip`` per ecosystem (``PyPI/all.zip``, ``npm/all.zip``), each
holding one ``<id>.json`` per advisory. ``--osv-db`` accepts such a zip, a folder holding
them (or their extracted JSON files), or any mix. Records are parsed only when one of
their raw ``"name"`` fields names a package being looked up, so a scan reads an export of
tens of thousands of records without parsing them all.

An ecosystem the export has no record for at all (an export of PyPI only, asked about npm
packages) fails those packages: "no advisory" would be a guess there, not a fact.
"""

from __future__ import annotations

import json
import re
import zipfile
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from fnguard.osv._interface import Lookup, OsvError, OsvSource, PackageKey, Record
from fnguard.osv._matching import affected_entries, base_ecosystem

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

__all__ = ["OsvDatabase"]

_ECOSYSTEM = re.compile(rb'"ecosystem"\s*:\s*"([^"]+)"')
_NAME = re.compile(rb'"name"\s*:\s*"([^"]+)"')


def _index(keys: Sequence[PackageKey]) -> dict[str, list[PackageKey]]:
    """Keys by the name a record would write (PyPI names compared PEP 503 normalised)."""
    index: dict[str, list[PackageKey]] = {}
    for key in keys:
        name = canonicalize_name(key.name) if key.ecosystem == "PyPI" else key.name
        index.setdefault(name, []).append(key)
    return index


def _candidates(raw: bytes, index: dict[str, list[PackageKey]]) -> list[PackageKey]:
    """The looked-up packages this raw record may be about (from its ``"name"`` fields)."""
    found: list[PackageKey] = []
    for match in _NAME.findall(raw):
        name = match.decode("utf-8", "replace")
        for candidate in {name, canonicalize_name(name)}:
            found.extend(k for k in index.get(candidate, ()) if k not in found)
    return found


class OsvDatabase(OsvSource):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"OSV database {path}"

    def _raw_records(self) -> Iterator[tuple[str, bytes]]:
        if not self.path.exists():
            raise OsvError(f"{self.name}: no such file or folder")
        if self.path.is_dir():
            for item in sorted(self.path.rglob("*")):
                if item.suffix == ".json" and item.is_file():
                    yield str(item), item.read_bytes()
                elif item.suffix == ".zip" and item.is_file():
                    yield from self._zip(item)
        else:
            yield from self._zip(self.path)

    def _zip(self, path: Path) -> Iterator[tuple[str, bytes]]:
        try:
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.filename.endswith(".json") and not info.is_dir():
                        yield f"{path}!/{info.filename}", archive.read(info)
        except (OSError, zipfile.BadZipFile) as exc:
            raise OsvError(f"{self.name}: cannot read {path.name} ({exc})") from exc

    def lookup(self, packages: Sequence[PackageKey]) -> Lookup:
        keys = list(dict.fromkeys(packages))
        index = _index(keys)
        ecosystems = {key.ecosystem for key in keys}
        seen_ecosystems: set[str] = set()
        found: dict[PackageKey, list[Record]] = {key: [] for key in keys}
        try:
            for _, raw in self._raw_records():
                if ecosystems - seen_ecosystems:
                    seen_ecosystems.update(
                        base_ecosystem(m.decode("utf-8", "replace"))
                        for m in _ECOSYSTEM.findall(raw)
                    )
                candidates = _candidates(raw, index)
                if not candidates:
                    continue
                try:
                    record = json.loads(raw)
                except ValueError:
                    continue  # one broken file does not hide the others
                if not isinstance(record, dict):
                    continue
                for key in candidates:
                    if next(affected_entries(record, key.ecosystem, key.name), None) is not None:
                        found[key].append(record)
        except OsvError as exc:
            return Lookup(failed=dict.fromkeys(keys, str(exc)))
        except OSError as exc:
            return Lookup(failed=dict.fromkeys(keys, f"{self.name}: {exc}"))
        failed = {
            key: f"{self.name} holds no {key.ecosystem} advisories"
            for key in keys
            if key.ecosystem not in seen_ecosystems
        }
        records = {key: tuple(recs) for key, recs in found.items() if key not in failed}
        return Lookup(records=records, failed=failed)
