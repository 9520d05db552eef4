"""Resolution tells the usual kinds (dict, list, str, int, bool and the marked ones) by their
class and takes a shorter way for them; any other kind of the same shape (a list or int
subclass, a mapping that is not a dict) takes the general way. Both must give the same values,
problems and intrinsic count, at every depth and whatever the mix."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from collect_cfn.cfn_strategies import scalars
from hypothesis import given
from hypothesis import strategies as st

from fnguard.collect.cloudformation._intrinsic import _MAX_DEPTH, Ref, Resolver, Unknown, _refs_of
from fnguard.collect.cloudformation._nodes import Mark, marked_dict, marked_list, marked_str

_M = Mark(4, 1)


class _List(list[Any]):
    """A list the shorter way does not know."""


class _Int(int):
    """An integer the shorter way does not know."""


class _Map(Mapping[Any, Any]):
    """A mapping that is not a dict."""

    def __init__(self, items: dict[Any, Any]) -> None:
        self._items = items

    def __getitem__(self, key: Any) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _general(value: Any) -> Any:
    """The same value made of kinds that go the general way."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return _Int(value)
    if isinstance(value, dict):
        return _Map({k: _general(v) for k, v in value.items()})
    if isinstance(value, list):
        return _List(_general(v) for v in value)
    return value


def _resolved(value: Any) -> tuple[Any, list[tuple[int, str]], int, str]:
    template = {
        "Parameters": {"Stage": {"Type": "String", "Default": "prod"}},
        "Conditions": {"Yes": {"Fn::Equals": ["a", "a"]}},
    }
    resolver = Resolver(template, {"Queue": object()})
    out = resolver.resolve(value)
    return out, resolver.problems, resolver.intrinsics, repr(out)


def _same_both_ways(value: Any) -> None:
    assert _resolved(value) == _resolved(_general(value))


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value, 7, True] if level % 2 else {"k": value, "t": marked_str("m", _M, _M)}
    return value


@pytest.mark.parametrize(
    "depth", [0, 1, _MAX_DEPTH - 2, _MAX_DEPTH - 1, _MAX_DEPTH, _MAX_DEPTH + 1]
)
def test_at_the_depth_limit(depth: int) -> None:
    _same_both_ways(_nested(depth, 5))
    _same_both_ways(_nested(depth, {"Ref": "Stage"}))
    _same_both_ways(_nested(depth, {"k": [1, False, None, 2.5, {"Ref": "AWS::NoValue"}]}))


def test_marked_containers_numbers_and_intrinsics() -> None:
    value = marked_dict(
        {
            "Size": 128,
            "On": True,
            "Env": {"A": {"Fn::If": ["Yes", 1, 2]}, "B": {"Ref": "AWS::NoValue"}, "C": [3]},
            "List": marked_list([4, {"Ref": "Queue"}, [{"Fn::GetAtt": ["Queue", "Arn"]}]], _M, _M),
            "Cond": {"Condition": "Yes"},
        },
        _M,
        _M,
    )
    _same_both_ways(value)


def test_references_are_equal_whether_shared_or_not() -> None:
    resolver = Resolver({}, {"Queue": object()})
    first = resolver.resolve([{"Ref": "Queue"}, {"Fn::GetAtt": "Queue.Arn"}])
    second = resolver.resolve([{"Ref": marked_str("Queue", _M, _M)}, {"Fn::GetAtt": "Queue.Arn"}])
    assert first == second
    assert type(first[0].target) is str
    assert type(second[0].target) is type(marked_str("Queue", _M, _M))  # its own kind kept


_LEAVES = scalars(
    st.sampled_from(
        [{"Ref": "Stage"}, {"Ref": "Queue"}, {"Ref": "AWS::NoValue"}, {"Fn::Join": ["-", [1]]}]
    ),
)


@given(
    st.recursive(
        _LEAVES,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=25,
    )
)
def test_generated_values(value: Any) -> None:
    _same_both_ways(value)


def _refs_reference(value: Any) -> tuple[str, ...]:
    """What ``_refs_of`` gives, written the plain way."""
    if isinstance(value, Ref):
        return (value.target,)
    if isinstance(value, Unknown):
        return value.refs
    if isinstance(value, Mapping):
        return tuple(r for v in value.values() for r in _refs_reference(v))
    if isinstance(value, list):
        return tuple(r for v in value for r in _refs_reference(v))
    return ()


_RESOLVED = st.recursive(
    scalars(
        st.builds(Ref, st.sampled_from(["A", "B"]), st.none() | st.just("Arn")),
        st.builds(Unknown, st.text(max_size=3), st.lists(st.sampled_from(["C", "D"])).map(tuple)),
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=3), inner, max_size=4)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3).map(_Map)
    ),
    max_leaves=20,
)


@given(_RESOLVED)
def test_the_resources_a_value_names_in_order(value: Any) -> None:
    assert _refs_of(value) == _refs_reference(value)
