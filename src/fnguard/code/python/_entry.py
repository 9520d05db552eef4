"""Where a Python handler's module is, from the artifact's member names alone.

Light on purpose (no taint engine): the code enricher asks ``PROBE`` first for every Python
function, and a tree whose code is not built needs nothing more. ``PythonAnalyser`` finds the
module through the same helpers and words its gaps with the same functions.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from fnguard.code._probe import ReasonedProbe

if TYPE_CHECKING:
    from collections.abc import Set
    from pathlib import Path

    from fnguard.code._probe import Listing
    from fnguard.model import Function

__all__ = [
    "PROBE",
    "find_member",
    "handler_search",
    "handler_target",
    "handles",
    "module_not_found",
    "unreadable_handler",
]

_SOURCE = (".py",)


def handles(fn: Function) -> bool:
    return (fn.runtime or "").lower().startswith("python")


def handler_target(handler: str) -> tuple[str, str] | None:
    """``pkg/mod.fn`` / ``pkg.mod.fn`` -> (``pkg.mod``, ``fn``); a bare name is in ``main``.

    A bare entry point is how Google Cloud Functions names a Python function (in main.py).
    """
    handler = handler.strip()
    if not handler:
        return None
    if "." not in handler:
        return ("main", handler)
    module, _, function = handler.rpartition(".")
    module = module.replace("/", ".").strip(".")
    if not module or not function:
        return None
    return (module, function)


def handler_search(module_name: str) -> tuple[str, ...]:
    """The folders the handler's module is looked for in: the root, then its own folder."""
    folder = posixpath.dirname(module_name.replace(".", "/"))
    return ("", folder) if folder else ("",)


def find_member(names: Set[str], dotted: str, search: tuple[str, ...]) -> tuple[str, bool] | None:
    """The member holding module ``dotted`` under the first of ``search`` that has it, and
    whether it is a package."""
    rel = dotted.replace(".", "/")
    for base in search:
        prefix = f"{base}/" if base else ""
        for candidate, package in ((f"{rel}.py", False), (f"{rel}/__init__.py", True)):
            if prefix + candidate in names:
                return prefix + candidate, package
    return None


def unreadable_handler(handler: str | None) -> str:
    return f"cannot read handler name {handler!r}"


def module_not_found(module_name: str, path: Path | str) -> str:
    return f"handler module {module_name} not found in {path}; code rules cannot check it"


def _present(module_name: str, listing: Listing) -> bool:
    # every place the module may be is a .py file: with none there, nothing to look up
    return listing.holds_any(_SOURCE) and (
        find_member(listing.names, module_name, handler_search(module_name)) is not None
    )


class _Probe(ReasonedProbe):
    def handles(self, fn: Function) -> bool:
        return handles(fn)

    def reason(self, fn: Function, listing: Listing) -> str | None:
        target = handler_target(fn.handler or "")
        if target is None:
            return unreadable_handler(fn.handler)
        if _present(target[0], listing):
            return None  # there (or vendored, or unreadable): the analyser reads it
        return module_not_found(target[0], listing.shown)

    def module_absent(self, fn: Function, listing: Listing) -> bool:
        target = handler_target(fn.handler or "")
        return target is not None and not _present(target[0], listing)


PROBE = _Probe()
