"""Hypothesis strategies for decoded template values (shared by the shortcut tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from fnguard.collect.cloudformation._nodes import Mark, marked_str

MARK = Mark(3, 4)


def scalars(*extra: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Plain and marked strings, numbers, booleans and None, with ``extra`` kinds."""
    return st.one_of(
        st.text(max_size=5),
        st.text(max_size=5).map(lambda s: marked_str(s, MARK, MARK)),
        st.integers(),
        st.none(),
        st.booleans(),
        *extra,
    )
