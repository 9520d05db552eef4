"""``is_mapping`` answers exactly as ``isinstance(value, Mapping)`` does, odd kinds included."""

from __future__ import annotations

import collections
import datetime
import types
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fnguard.collect.cloudformation import is_mapping
from fnguard.collect.cloudformation._intrinsic import NO_VALUE, ParentRef, Ref, Unknown
from fnguard.collect.cloudformation._nodes import Mark, marked_dict, marked_list, marked_str


class _OwnMapping(Mapping[str, int]):
    def __getitem__(self, key: str) -> int:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class _Str(str):
    pass


class _Dict(dict[str, Any]):
    pass


_M = Mark(1, 2)
_ODD: list[Any] = [
    {},
    {"a": 1},
    marked_dict({"Ref": "X"}, _M, _M),
    collections.OrderedDict(a=1),
    collections.defaultdict(list),
    collections.ChainMap({}),
    types.MappingProxyType({"a": 1}),
    _OwnMapping(),
    _Dict(),
    "",
    "text",
    marked_str("Fn::Sub", _M, _M),
    _Str("x"),
    b"bytes",
    0,
    1.5,
    True,
    None,
    [],
    marked_list([{"a": 1}], _M, _M),
    (),
    {"a"},
    frozenset(),
    datetime.date(2026, 1, 1),
    Ref("Fn", "Arn"),
    ParentRef("p.yaml:Role"),
    Unknown("x", ("Fn",)),
    NO_VALUE,
    object(),
    Mapping,
]


@pytest.mark.parametrize("value", _ODD, ids=lambda v: type(v).__name__)
def test_odd_kinds(value: Any) -> None:
    assert is_mapping(value) is isinstance(value, Mapping)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner) | st.tuples(inner),
        max_leaves=8,
    )
)
def test_decoded_values(value: Any) -> None:
    assert is_mapping(value) is isinstance(value, Mapping)
