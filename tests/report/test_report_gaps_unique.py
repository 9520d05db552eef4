"""Gaps are deduplicated and ordered as ``set`` + a sort by their fields did it."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.model import CollectionGap, Inventory, Location
from fnguard.report._common import sorted_gaps, summarize
from fnguard.result import ScanResult

_few = st.sampled_from(("", "a", "b", "main.tf"))
gaps = st.builds(
    CollectionGap,
    location=st.builds(Location, _few, st.integers(0, 3)),
    reason=_few,
    resource=_few,
    field=_few,
)
_EMPTY = ScanResult(tool_version="0", targets=(), inventory=Inventory(), findings=(), rules=())


@settings(max_examples=150, deadline=None)
@given(st.lists(gaps, max_size=12))
def test_sorted_gaps_is_set_then_sort(found: list[CollectionGap]) -> None:
    reference = sorted(
        set(found),
        key=lambda g: (g.location.file, g.location.line, g.resource, g.field, g.reason),
    )
    assert sorted_gaps(found) == tuple(reference)
    result = replace(_EMPTY, inventory=Inventory(gaps=tuple(found)))
    assert summarize(result).gaps == len(set(found))
