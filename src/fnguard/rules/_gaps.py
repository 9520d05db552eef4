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


class _Resource:
    """One resource's gaps: all of them, those of no field, and per field named those of that
    field or of none (in the inventory's order)."""

    __slots__ = ("all", "blank", "by_field")

    def __init__(self, gaps: list[CollectionGap]) -> None:
        self.all = tuple(gaps)
        if len(gaps) == 1:  # the usual case (a corpus may carry one gap per function)
            named = gaps[0].field
            self.blank: tuple[CollectionGap, ...] = () if named else self.all
            self.by_field: dict[str, tuple[CollectionGap, ...]] = {named: self.all} if named else {}
            return
        self.blank = tuple(g for g in gaps if not g.field)
        self.by_field = {
            name: tuple(g for g in gaps if g.field in ("", name))
            for name in dict.fromkeys(g.field for g in gaps)
            if name
        }


class GapIndex:
    """The inventory's gaps by resource; ``get`` answers as ``Inventory.gaps_for``."""

    def __init__(self, inv: Inventory) -> None:
        grouped: dict[str, list[CollectionGap]] = {}
        for gap in inv.gaps:
            grouped.setdefault(gap.resource, []).append(gap)
        self._by_resource = {resource: _Resource(gaps) for resource, gaps in grouped.items()}

    def get(self, address: str, field_name: str = "") -> tuple[CollectionGap, ...]:
        """Gaps concerning ``address`` (only those of ``field_name`` or of no field, when a
        field is named), in the inventory's order. Every answer is ready-made: a corpus may
        carry a gap for every function, and rules ask about a dozen other fields of each."""
        found = self._by_resource.get(address)
        if found is None:
            return ()
        if not field_name:
            return found.all
        return found.by_field.get(field_name, found.blank)


inventory_gaps = per_object(GapIndex)
