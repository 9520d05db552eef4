"""What an analyser answers without analysing: whether it takes a function, and its facts when
they follow from the artifact's member names alone.

Most functions of an unbuilt tree (serverless.yml before ``sls package``, TypeScript before
``tsc``) have no handler module on disk. Saying so is a lookup in the member names: it needs
neither the analyser's run nor its import. A ``Probe`` lives in a light module beside its
analyser, and the analyser answers through the same helpers, so both say the same.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Protocol

from fnguard.model import CollectionGap

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.model import Function, Location

__all__ = ["Listing", "Probe", "ReasonedProbe", "code_gap"]


class Listing:
    """An artifact's member names (links left out, as the analysers list them), listed once
    for all the functions whose code it holds."""

    __slots__ = ("_kinds", "names", "path", "shown")

    def __init__(self, path: Path, names: frozenset[str]) -> None:
        self.path = path
        self.names = names
        self.shown = str(path)  # as gaps name it: worded once, not per function
        self._kinds: dict[tuple[str, ...], bool] = {}

    def holds_any(self, suffixes: tuple[str, ...]) -> bool:
        """Whether some member's name ends with one of ``suffixes`` (asked once per listing:
        a tree with no source file of a language holds none of its handler modules)."""
        held = self._kinds.get(suffixes)
        if held is None:
            held = self._kinds[suffixes] = any(name.endswith(suffixes) for name in self.names)
        return held


class Probe(Protocol):
    def handles(self, fn: Function) -> bool:
        """Exactly what the analyser's ``handles`` says, from the function's provider,
        package type and runtime alone (the enricher asks once per combination)."""
        ...

    def answer(self, fn: Function, listing: Listing) -> CollectionGap | None:
        """The analyser's whole answer for ``fn`` in the artifact ``listing`` lists when the
        names alone decide it: the one gap it reports (no handler module there, a handler
        that names none); None when the analyser has to read the code."""
        ...

    def reason(self, fn: Function, listing: Listing) -> str | None:
        """``answer``'s gap as its reason alone: that gap is always ``code_gap(fn,
        fn.location, reason)``, so the enricher words it once, with its final field."""
        ...

    def module_absent(self, fn: Function, listing: Listing) -> bool:
        """Whether ``answer`` would be the analyser's "handler module not found" gap: asked
        instead when another analyser of the language said so already (one such gap per
        function is kept), it spares wording a gap that would be dropped."""
        ...


def code_gap(fn: Function, location: Location, reason: str) -> CollectionGap:
    """A ``field="code"`` gap about ``fn``: how an analyser says it could not look."""
    return CollectionGap(location, reason, fn.address, "code")


class ReasonedProbe(ABC):
    """A ``Probe`` whose ``answer`` is its ``reason`` worded as ``code_gap`` words it: each
    language's probe says only why."""

    def answer(self, fn: Function, listing: Listing) -> CollectionGap | None:
        reason = self.reason(fn, listing)
        return None if reason is None else code_gap(fn, fn.location, reason)

    @abstractmethod
    def reason(self, fn: Function, listing: Listing) -> str | None:
        """Why the handler's code is not there, or None (see ``Probe.reason``)."""
