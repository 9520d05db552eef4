"""The seam to the content inspector (``fnguard.content``): dependencies and secrets in files.

The package reader decides which members exist and streams them; the inspector decides which
of them it wants (``wants``) and what they hold (``inspect``). The contract is structural, so
tests pass a fake and the scan passes the real module.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from fnguard.model import Dependency, FoundSecret

__all__ = ["ContentFacts", "ContentInspector", "default_inspector"]

_MODULE = "fnguard.content"


class ContentFacts(Protocol):
    @property
    def dependencies(self) -> tuple[Dependency, ...]: ...

    @property
    def secrets(self) -> tuple[FoundSecret, ...]: ...


class ContentInspector(Protocol):
    def wants(self, name: str, size: int) -> bool:
        """Whether the member ``name`` (``size`` bytes uncompressed) is worth reading."""
        ...

    def inspect(self, name: str, data: bytes, location: str) -> ContentFacts:
        """Dependencies and (masked) secrets in one member; ``location`` names it in findings."""
        ...


class _Deferred:
    """``fnguard.content``, imported when a member is first offered to it: the packages of
    an unbuilt tree (a serverless service folder holding only its configuration) offer none."""

    __slots__ = ("_module",)

    def __init__(self) -> None:
        self._module: ContentInspector | None = None

    def _loaded(self) -> ContentInspector:
        if self._module is None:
            self._module = cast("ContentInspector", importlib.import_module(_MODULE))
        return self._module

    def wants(self, name: str, size: int) -> bool:
        return self._loaded().wants(name, size)

    def inspect(self, name: str, data: bytes, location: str) -> ContentFacts:
        return self._loaded().inspect(name, data, location)


def default_inspector() -> ContentInspector | None:
    """The installed ``fnguard.content`` module (loaded on first use), or ``None`` when this
    build has none."""
    if importlib.util.find_spec(_MODULE) is None:
        return None
    return _Deferred()
