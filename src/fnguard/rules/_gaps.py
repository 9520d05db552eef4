"""``Inventory.gaps_for`` answered from one index per inventory, each question kept.

Rules ask for a function's gaps of one field once per function, rule after rule (the package
rules all ask about "package"), and a corpus may carry a gap for every function: the index
is built once per inventory and shared by every rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from fnguard.model import CollectionGap, Inventory

__all__ = ["GapIndex", "inventory_gaps"]


class _Several:
    """The gaps of a resource that has more than one: those of no field, and per field named
    those of that field or of none (in the inventory's order)."""

    __slots__ = ("all", "blank", "by_field")

    def __init__(self, gaps: tuple[CollectionGap, ...]) -> None:
        self.all = gaps
        self.blank = tuple(g for g in gaps if not g.field)
        self.by_field: dict[str, tuple[CollectionGap, ...]] = {
            name: tuple(g for g in gaps if g.field in ("", name))
            for name in dict.fromkeys(g.field for g in gaps)
            if name
        }


class GapIndex:
    """The inventory's gaps by resource; ``get`` answers as ``Inventory.gaps_for``.

    A corpus may carry a gap for every function, most resources one: a resource's single gap
    is kept as a one-gap tuple, which is its every answer or none, with nothing built per
    field; a resource with several (an empty tuple in ``_one``) has its answers per field
    made once (``_Several``)."""

    def __init__(self, inv: Inventory) -> None:
        first: dict[str, tuple[CollectionGap, ...]] = {}
        several: dict[str, list[CollectionGap]] = {}
        for gap in inv.gaps:
            resource = gap.resource
            found = first.get(resource)
            if found is None:
                first[resource] = (gap,)
            elif resource in several:
                several[resource].append(gap)
            else:
                several[resource] = [*found, gap]
        for resource in several:
            first[resource] = ()  # see ``_several``
        self._one = first
        self._several = {resource: _Several(tuple(gaps)) for resource, gaps in several.items()}

    def get(self, address: str, field_name: str = "") -> tuple[CollectionGap, ...]:
        """Gaps concerning ``address`` (only those of ``field_name`` or of no field, when a
        field is named), in the inventory's order. Every answer is ready-made: a corpus may
        carry a gap for every function, and rules ask about a dozen other fields of each."""
        found = self._one.get(address)
        if found is None:
            return ()
        if found:  # one gap
            if not field_name:
                return found
            named = found[0].field
            return found if not named or named == field_name else ()
        gaps = self._several[address]
        if not field_name:
            return gaps.all
        return gaps.by_field.get(field_name, gaps.blank)


inventory_gaps = per_object(GapIndex)
