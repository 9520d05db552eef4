"""Feeding a live inventory through the ordinary scan pipeline.

``fnguard.scan.scan`` reads its inventory from source paths through collectors. A live
inventory has no path, so ``LiveSource`` stands in as a collector that claims one marker
path (this module's own file, which always exists) and returns the inventory already read;
suppressions, baselines, rules and reports then work exactly as for IaC.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from fnguard.collect._interface import Collector

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.model import Inventory
    from fnguard.result import ScanResult
    from fnguard.scan import Progress, ScanRequest

__all__ = ["LiveSource", "scan_live"]

_MARKER = Path(__file__).resolve()


class LiveSource(Collector):
    """A collector that hands over an inventory read from a cloud account."""

    name = "aws"

    def __init__(self, inventory: Inventory) -> None:
        self._inventory = inventory

    def claims(self, path: Path) -> bool:
        return path == _MARKER

    def collect(self, paths: Sequence[Path], root: Path) -> Inventory:
        return self._inventory


def scan_live(
    request: ScanRequest, inventory: Inventory, progress: Progress | None = None
) -> ScanResult:
    """``scan`` over ``request``'s paths plus the live inventory (its sources as targets)."""
    from fnguard.scan import scan

    live = replace(
        request,
        targets=(*request.targets, _MARKER),
        collectors=(LiveSource(inventory), *request.collectors),
    )
    result = scan(live, progress)
    return replace(result, targets=(*(str(t) for t in request.targets), *inventory.sources))
