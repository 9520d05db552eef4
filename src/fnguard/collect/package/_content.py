"""The seam to the content inspector (``fnguard.content``): dependencies and secrets in files.

The package reader decides which members exist and streams them; the inspector decides which
of them it wants (``wants``) and what they hold (``inspect``). The contract is structural, so
tests pass a fake and the scan passes the real module.
"""

from __future__ import annotations

import importlib
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


def default_inspector() -> ContentInspector | None:
    """The installed ``fnguard.content`` module, or ``None`` when this build has none."""
    try:
        module = importlib.import_module(_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != _MODULE:
            raise
        return None
    return cast("ContentInspector", module)
