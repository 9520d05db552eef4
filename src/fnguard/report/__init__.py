"""Reporters: text, json, sarif, junit; each behind the ``Reporter`` interface.

``get_reporter`` imports the chosen implementation only when asked, so the CLI's start-up
never loads rich or the JSON machinery.
"""

from __future__ import annotations

import importlib

from fnguard.errors import UsageError
from fnguard.report._interface import Reporter

__all__ = ["FORMATS", "Reporter", "get_reporter"]

#: every ``--format`` value, in the order help texts list them
FORMATS: tuple[str, ...] = ("text", "json", "sarif", "junit")

# format -> (module, class); the module is imported on first use.
_IMPLEMENTATIONS: dict[str, tuple[str, str]] = {
    "text": ("fnguard.report._text", "TextReporter"),
    "json": ("fnguard.report._json", "JsonReporter"),
    "sarif": ("fnguard.report._sarif", "SarifReporter"),
    "junit": ("fnguard.report._junit", "JunitReporter"),
}


def get_reporter(name: str, *, color: bool = False, width: int = 120) -> Reporter:
    """The reporter for ``--format name``. ``color`` and ``width`` matter to ``text`` only."""
    key = name.strip().lower()
    if key not in _IMPLEMENTATIONS:
        raise UsageError(f"unknown report format {name!r} (expected one of: {', '.join(FORMATS)})")
    module_name, class_name = _IMPLEMENTATIONS[key]
    cls = getattr(importlib.import_module(module_name), class_name)
    if key == "text":
        if width < 40:
            raise UsageError(f"report width must be at least 40 columns, got {width}")
        reporter: Reporter = cls(color=color, width=width)
    else:
        reporter = cls()
    return reporter
