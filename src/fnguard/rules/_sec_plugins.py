"""detect-secrets' regex plugins, without paying for its import when that can be avoided.

detect-secrets takes ~0.1 s to import (its plugin base pulls in ``requests``): a tenth of the
1,000-function scan budget, to run what are, for most plugins, a few regular expressions. So
``data/detect_secrets_patterns.json`` records every regex plugin's patterns, and whether the
plugin adds logic of its own on top of the base class's ``findall`` (the JWT plugin validates
tokens). While the installed detect-secrets is the recorded version, plain-regex plugins run
from the recorded patterns and the others are asked only when their pattern matched;
otherwise the plugins themselves run. ``data/gen_detect_secrets_patterns.py`` regenerates the
file, and a test fails when it is stale.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnguard._data import shipped_text
from fnguard._kept import kept

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Detector", "detectors", "installed_version", "live_plugins"]

# Not secrets (public IPs) or keyword heuristics fnguard replaces with its own name evidence.
_SKIPPED_PLUGINS = frozenset({"IPPublicDetector", "KeywordDetector"})
_INDEX = "detect_secrets_patterns.json"


@functools.lru_cache(maxsize=1)
def live_plugins() -> tuple[Any, ...]:
    """Every regex plugin detect-secrets ships, instantiated once (its settings untouched)."""
    import inspect
    from abc import abstractproperty

    from detect_secrets import plugins
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.util.importlib import import_types_from_package

    def is_regex_plugin(attr: Any) -> bool:
        return (
            inspect.isclass(attr)
            and issubclass(attr, RegexBasedDetector)
            and not isinstance(attr.secret_type, abstractproperty)
            and attr.__name__ not in _SKIPPED_PLUGINS
        )

    classes = import_types_from_package(plugins, filter=lambda attr: not is_regex_plugin(attr))
    return tuple(cls() for cls in sorted(classes, key=lambda c: c.__name__))


@dataclass(frozen=True)
class Detector:
    """One plugin: its recorded patterns (``(regex, flags)``), or the plugin object itself."""

    name: str
    secret_type: str
    sources: tuple[tuple[str, int], ...] = ()
    plain_regex: bool = True
    plugin: Any = None

    @kept
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """Compiled on first use: values are asked plugin after plugin and most stop at the
        first hit, so the 45 patterns (~5 ms to compile) are rarely all needed."""
        return tuple(re.compile(p, flags) for p, flags in self.sources)

    def analyze_string(self, string: str) -> Iterator[str]:
        if self.plugin is not None:
            yield from self.plugin.analyze_string(string)
            return
        found = self._findall(string)
        if self.plain_regex:
            yield from found
        elif found:  # the plugin validates its matches: let it decide
            live = {type(p).__name__: p for p in live_plugins()}
            yield from live[self.name].analyze_string(string)

    def _findall(self, string: str) -> list[str]:
        """Exactly what ``RegexBasedDetector.analyze_string`` yields."""
        out: list[str] = []
        for regex in self.patterns:
            for match in regex.findall(string):
                out.extend(filter(bool, match) if isinstance(match, tuple) else (match,))
        return out


def installed_version() -> str | None:
    """detect-secrets' version, read without importing the package."""
    spec = importlib.util.find_spec("detect_secrets")
    if spec is None or spec.origin is None:
        return None
    try:
        text = Path(spec.origin).with_name("__version__.py").read_text("utf-8")
    except OSError:
        return None
    match = re.search(r"VERSION\s*=\s*['\"]([^'\"]+)['\"]", text)
    return match.group(1) if match else None


def recorded_index() -> dict[str, Any]:
    data = json.loads(shipped_text(_INDEX))
    return data if isinstance(data, dict) else {}


@functools.lru_cache(maxsize=1)
def detectors() -> tuple[Detector, ...]:
    """The recorded patterns when they belong to the installed detect-secrets, else its plugins."""
    index = recorded_index()
    if index.get("detect_secrets") == installed_version():
        return tuple(
            Detector(
                name=str(entry["name"]),
                secret_type=str(entry["secret_type"]),
                sources=tuple((str(p), int(flags)) for p, flags in entry["patterns"]),
                plain_regex=bool(entry["plain_regex"]),
            )
            for entry in index.get("plugins", ())
        )
    return tuple(
        Detector(name=type(p).__name__, secret_type=str(p.secret_type), plugin=p)
        for p in live_plugins()
    )
