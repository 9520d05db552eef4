"""``Inventory.gaps_for`` answered from one index per inventory, each question kept.

Rules ask for a function's gaps of one field once per function, rule after rule (the package
rules all ask about "package"), and a corpus may carry a gap for every function: the index
and the answers are built once per inventory and shared by every rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from fnguard.model import CollectionGap, Inventory

__all__ = ["GapIndex", "inventory_gaps"]


class GapIndex:
    """The inventory's gaps by resource; ``get`` answers as ``Inventory.gaps_for``."""

    def __init__(self, inv: Inventory) -> None:
        self._by_resource: dict[str, list[CollectionGap]] = {}
        for gap in inv.gaps:
            self._by_resource.setdefault(gap.resource, []).append(gap)
        self._asked: dict[tuple[str, str], tuple[CollectionGap, ...]] = {}

    def get(self, address: str, field_name: str = "") -> tuple[CollectionGap, ...]:
        """Gaps concerning ``address`` (only those of ``field_name`` or of no field, when a
        field is named), in the inventory's order."""
        gaps = self._by_resource.get(address)
        if gaps is None:  # most resources have no gap: nothing to filter or keep
            return ()
        key = (address, field_name)
        found = self._asked.get(key)
        if found is None:
            found = self._asked[key] = tuple(
                g for g in gaps if not field_name or g.field in ("", field_name)
            )
        return found


inventory_gaps = per_object(GapIndex)
