"""Which file holds a Node.js handler, from the artifact's member names alone.

Light on purpose (no tree-sitter, no taint engine): the code enricher asks ``PROBE`` first
for every Node.js function, and a tree whose code is not built needs nothing more. The
analyser finds the entry through the same helpers and words its gaps with the same functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.code._probe import ReasonedProbe
from fnguard.code.javascript._grammar import SOURCE_EXTENSIONS
from fnguard.code.javascript._locate import (
    MANIFEST,
    entry_candidates,
    own_candidates,
    parse_handler,
)

if TYPE_CHECKING:
    from collections.abc import Set

    from fnguard.code._probe import Listing
    from fnguard.code.javascript._locate import HandlerRef
    from fnguard.model import Function

__all__ = ["PROBE", "first_present", "handles", "module_not_found", "unnamed"]


def handles(fn: Function) -> bool:
    return (fn.runtime or "").lower().startswith("nodejs")


def first_present(candidates: list[str], names: Set[str]) -> str | None:
    return next((c for c in candidates if c in names), None)


def unnamed(handler: str | None) -> str:
    return f"handler {handler!r} does not name <module>.<export>"


def module_not_found(ref: HandlerRef, candidates: list[str]) -> str:
    tried = ", ".join(candidates[:6])
    return f"handler module {ref.module!r} not found in the code (tried {tried})"


def _candidates(ref: HandlerRef, listing: Listing) -> list[str]:
    """Where the entry may be. Past the module's own names every candidate is in another
    folder, with a source extension: a tree with no source file at all needs only the first
    (the gap names six, where both lists agree)."""
    if listing.holds_any(SOURCE_EXTENSIONS):
        return entry_candidates(ref.module)
    return own_candidates(ref.module)


class _Probe(ReasonedProbe):
    def handles(self, fn: Function) -> bool:
        return handles(fn)

    def reason(self, fn: Function, listing: Listing) -> str | None:
        if MANIFEST in listing.names:
            return None  # its "main" may name the module, and reading it may fail
        ref = parse_handler(fn.handler or "", None)
        if ref is None:
            return unnamed(fn.handler)
        candidates = _candidates(ref, listing)
        if first_present(candidates, listing.names) is not None:
            return None
        return module_not_found(ref, candidates)

    def module_absent(self, fn: Function, listing: Listing) -> bool:
        if MANIFEST in listing.names:
            return False
        ref = parse_handler(fn.handler or "", None)
        return ref is not None and first_present(_candidates(ref, listing), listing.names) is None


PROBE = _Probe()
