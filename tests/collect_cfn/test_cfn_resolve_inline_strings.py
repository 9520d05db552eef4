"""Strings inside a map or list resolve inline as ``resolve`` resolves them, depth limit too.

``Resolver.resolve`` copies a map's or list's plain strings without a call each; a string of
another kind (a ``str`` subclass of our own) still takes the call, so resolving the same tree
both ways must give the same values, problems and intrinsic count, at every nesting depth.
"""

from __future__ import annotations

from typing import Any

import pytest
from collect_cfn.cfn_strategies import scalars
from hypothesis import given
from hypothesis import strategies as st

from fnguard.collect.cloudformation._intrinsic import _MAX_DEPTH, Resolver
from fnguard.collect.cloudformation._nodes import Mark, marked_dict, marked_list, marked_str


class _Other(str):
    """A string the inline copy leaves to ``resolve``."""


_M = Mark(6, 2)


def _as_other(value: Any) -> Any:
    if isinstance(value, str):
        other = _Other(value)
        for attr in ("start_mark", "end_mark"):  # a refused string is located by its mark
            if hasattr(value, attr):
                setattr(other, attr, getattr(value, attr))
        return other
    if isinstance(value, dict):
        return {k: _as_other(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_other(v) for v in value]
    return value


def _resolved(value: Any) -> tuple[Any, list[tuple[int, str]], int]:
    template = {"Parameters": {"Stage": {"Type": "String", "Default": "prod"}}, "Resources": {}}
    resolver = Resolver(template, {"Queue": object()})
    out = resolver.resolve(value)
    return out, resolver.problems, resolver.intrinsics


def _same_both_ways(value: Any) -> None:
    got, ref = _resolved(value), _resolved(_as_other(value))
    assert got == ref
    assert repr(got[0]) == repr(ref[0])  # plain str all the way down, in the same order


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value, "s"] if level % 2 else {"k": value, "t": marked_str("m", _M, _M)}
    return value


@pytest.mark.parametrize(
    "depth", [0, 1, _MAX_DEPTH - 2, _MAX_DEPTH - 1, _MAX_DEPTH, _MAX_DEPTH + 1]
)
def test_at_the_depth_limit(depth: int) -> None:
    _same_both_ways(_nested(depth, "leaf"))
    _same_both_ways(_nested(depth, {"Ref": "Stage"}))
    _same_both_ways(_nested(depth, ["a", marked_str("b", _M, _M), 3, None]))


def test_marked_containers_and_intrinsics() -> None:
    value = marked_dict(
        {
            "Name": marked_str("fn", _M, _M),
            "Env": {"A": {"Fn::Sub": "${Stage}-x"}, "B": {"Ref": "AWS::NoValue"}, "C": "c"},
            "List": marked_list(["x", {"Ref": "Queue"}, {"Fn::GetAtt": ["Queue", "Arn"]}], _M, _M),
            "Missing": {"Ref": "Nope"},
        },
        _M,
        _M,
    )
    _same_both_ways(value)


_LEAVES = scalars(
    st.sampled_from([{"Ref": "Stage"}, {"Ref": "Queue"}, {"Fn::Join": ["-", ["a", "b"]]}]),
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
