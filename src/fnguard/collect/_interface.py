"""What a collector is: one source format in, a piece of inventory out, nothing else.

A collector decides nothing about security. It resolves its format's quirks (variables,
defaults, globals) so that rules see the same model whatever the source, and records a
``CollectionGap`` for anything it could not read or resolve instead of dropping it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from fnguard.model import Inventory

__all__ = ["Collector", "Enricher"]


class Collector(ABC):
    #: short name shown in progress output and reports ("terraform", "cloudformation", ...)
    name: str

    @abstractmethod
    def claims(self, path: Path) -> bool:
        """Whether this file belongs to this collector's format (cheap: name and a peek)."""

    @abstractmethod
    def collect(self, paths: Sequence[Path], root: Path) -> Inventory:
        """Read the claimed files (``root`` is the scanned folder, for relative locations).

        Raises ``fnguard.errors.InputError`` for input that cannot be parsed at all; records
        gaps for what can be skipped while the rest of the scan goes on.
        """


class Enricher(ABC):
    """A stage after the collectors that reads what the inventory points at.

    Packages are found through the functions that deploy them, advisories through the
    packages' dependencies, handler code through the packages: each needs the inventory
    collected so far, so enrichers run in order after the collectors and return a piece
    to merge (new objects and gaps; they never rewrite what is there).
    """

    #: short name shown in progress output ("packages", "advisories", "code")
    name: str

    @abstractmethod
    def enrich(self, inventory: Inventory, root: Path | None) -> Inventory:
        """Return the new piece; ``root`` is the scanned folder for relative locations."""
