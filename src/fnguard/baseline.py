"""Baselines: accept today's findings so that CI fails only on new ones.

The file is JSON, sorted, one entry per finding, keyed by ``Finding.fingerprint`` (rule,
resource and message), so it diffs well in review and survives line moves in the source.

``write`` replaces the file atomically (a temporary file beside it, then ``os.replace``): a scan
interrupted with Ctrl-C, or two scans writing at once, leave the old baseline or a whole new
one, never half of one. ``load`` reads at most ``max-file-bytes`` and reports any malformed
file as a ``ConfigError`` with its line.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnguard import limits
from fnguard.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fnguard.model import Finding

__all__ = ["Baseline"]

_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    """The findings a team has accepted, by fingerprint: a scan hides those, so that CI fails only
    on new ones."""

    fingerprints: frozenset[str]

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Baseline:
        return cls(frozenset(f.fingerprint for f in findings))

    def __contains__(self, finding: object) -> bool:
        fingerprint = getattr(finding, "fingerprint", None)
        return fingerprint in self.fingerprints

    @staticmethod
    def render(findings: Iterable[Finding]) -> str:
        entries = sorted(
            {
                f.fingerprint: {
                    "fingerprint": f.fingerprint,
                    "rule_id": f.rule_id,
                    "resource": f.resource,
                    "message": f.message,
                }
                for f in findings
            }.values(),
            key=lambda e: (e["rule_id"], e["resource"], e["fingerprint"]),
        )
        return json.dumps({"version": _VERSION, "findings": entries}, indent=2) + "\n"

    @classmethod
    def write(cls, path: Path, findings: Iterable[Finding]) -> int:
        """Write the baseline of ``findings`` atomically; the number of entries written.

        Raises ``OSError`` when the folder cannot be written (the CLI says so).
        """
        text = cls.render(findings)
        folder = path.parent
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            Path(temp).replace(path)
        except BaseException:  # Ctrl-C included: no temporary file is left behind
            with contextlib.suppress(OSError):
                Path(temp).unlink()
            raise
        return text.count('"fingerprint":')

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            from fnguard.collect._shared import read_bounded

            text = read_bounded(path, str(path)).decode("utf-8")
        except limits.LimitError as exc:
            raise ConfigError(str(path), 0, f"baseline: {exc.expected}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), 0, f"cannot read baseline ({exc})") from None
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(str(path), exc.lineno, f"baseline is not JSON ({exc.msg})") from None
        except RecursionError:
            raise ConfigError(str(path), 1, "baseline nested too deeply to be one") from None
        expected = 'a fnguard baseline: {"version": 1, "findings": [{"fingerprint": ...}]}'
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            raise ConfigError(str(path), 1, f"expected {expected}")
        entries = data.get("findings")
        if not isinstance(entries, list):
            raise ConfigError(str(path), 1, f"expected {expected}")
        prints: set[str] = set()
        for entry in entries:
            value = entry.get("fingerprint") if isinstance(entry, dict) else None
            if not isinstance(value, str):
                raise ConfigError(str(path), 0, f"every finding needs a fingerprint: {expected}")
            prints.add(value)
        return cls(frozenset(prints))
