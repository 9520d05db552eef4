"""References prefixed while resolving (a scan of several templates) give what resolving
without the prefix and then prefixing the whole value gave: the same values of the same kinds
all the way down, the same problems, intrinsic count and mentioned names, whatever the mix of
functions, conditions, parameters and depths."""

from __future__ import annotations

from typing import Any

import pytest
from collect_cfn.test_cfn_prefixed_copy_on_write import _same
from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.collect.cloudformation._intrinsic import (
    _MAX_DEPTH,
    NO_VALUE,
    ParentRef,
    Ref,
    Resolver,
    Unknown,
    prefixed,
)
from fnguard.collect.cloudformation._nodes import Mark, marked_dict, marked_list, marked_str

_M = Mark(2, 0)
_PREFIX = "svc/serverless.yml:"
_TEMPLATE: dict[str, Any] = {
    "Parameters": {
        "Stage": {"Type": "String", "Default": "prod"},
        "Subnets": {"Type": "CommaDelimitedList", "Default": "a, b"},
        "Secret": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/app/key"},
        "Free": {"Type": "String"},
    },
    "Conditions": {
        "Yes": {"Fn::Equals": ["a", "a"]},
        "Deploy": {"Fn::Equals": [{"Ref": "Free"}, "x"]},
        "Named": {"Fn::Equals": [{"Fn::Sub": "${Queue.Arn}"}, "${Queue.Arn}"]},
    },
    "Mappings": {"M": {"k": {"v": [{"Ref": "Queue"}, "x"]}}},
}
_RESOURCES = {"Queue": object(), "Role": object(), "Fn": object()}
_GIVEN = {"Free": ParentRef("parent.yaml:Role", "Arn")}


def _both(values: list[Any], given: dict[str, Any] | None = None) -> None:
    """Each value resolved the earlier way (then ``prefixed`` when a function went in) and
    with ``prefix`` set, one resolver per way for all of them (its look-ups shared)."""
    before = Resolver(_TEMPLATE, _RESOURCES, {"Fn": "fn-name"}, given)
    now = Resolver(_TEMPLATE, _RESOURCES, {"Fn": "fn-name"}, given)
    now.prefix = _PREFIX
    for value in values:
        before.mentioned, now.mentioned = set(), set()
        met = before.intrinsics
        old = before.resolve(value)
        if before.intrinsics != met and old is not NO_VALUE:
            old = prefixed(old, _PREFIX)
        new = now.resolve(value)
        assert _same(new, old), (value, new, old)
        assert now.problems == before.problems
        assert now.intrinsics == before.intrinsics
        assert now.mentioned == before.mentioned
    assert now.prefix == _PREFIX


_names = st.sampled_from(["Queue", "Role", "Fn", "Stage", "Subnets", "Secret", "Free", "Nope"])
_names_marked = st.one_of(_names, _names.map(lambda s: marked_str(s, _M, _M)))
_texts = st.sampled_from(["arn:${Queue.Arn}", "${Fn}-x", "${Stage}/${AWS::Region}", "plain"])


def _functions(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda n: {"Ref": n}, _names_marked),
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, _names_marked, st.sampled_from(["Arn"])),
        st.builds(lambda n: {"Fn::GetAtt": n + ".Arn"}, _names),
        st.builds(lambda t: {"Fn::Sub": t}, _texts),
        st.builds(lambda t, v: {"Fn::Sub": [t, {"Stage": v}]}, _texts, inner),
        st.builds(
            lambda d, items: {"Fn::Join": [d, items]},
            st.sampled_from(["", ":"]),
            st.lists(inner, max_size=3),
        ),
        st.builds(
            lambda c, a, b: {"Fn::If": [c, a, b]},
            st.sampled_from(["Yes", "Deploy", "Named", "Missing"]),
            inner,
            inner,
        ),
        st.builds(
            lambda i, items: {"Fn::Select": [i, items]},
            st.integers(0, 2),
            st.lists(inner, max_size=3),
        ),
        st.builds(lambda v: {"Fn::ImportValue": v}, inner),
        st.builds(lambda v: {"Fn::FindInMap": ["M", "k", v]}, st.sampled_from(["v", "w"])),
        st.builds(lambda v: {"Fn::Base64": v}, inner),
        st.just({"Ref": "AWS::NoValue"}),
        st.just({"Condition": "Deploy"}),
        st.just({"Fn::Nope": 1}),
    )


_leaves = st.one_of(
    st.text(max_size=4),
    st.text(max_size=4).map(lambda s: marked_str(s, _M, _M)),
    st.integers(-2, 2),
    st.booleans(),
    st.none(),
    # the kinds made before resolution: serverless.yml variables, a parent stack's resources
    st.just(Unknown("${ssm:/x}", (), reference=True)),
    st.just(ParentRef("parent.yaml:Queue")),
)
_values = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        _functions(inner),
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(lambda v: marked_list(v, _M, _M)),
        st.dictionaries(st.sampled_from(["A", "B", "Ref", "Fn::Sub"]), inner, max_size=3),
        st.dictionaries(st.text(max_size=2), inner, max_size=3).map(
            lambda v: marked_dict(v, _M, _M)
        ),
    ),
    max_leaves=16,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_values, min_size=1, max_size=6), st.booleans())
def test_prefixing_while_resolving_gives_what_prefixing_after_gave(
    values: list[Any], passed: bool
) -> None:
    _both(values, _GIVEN if passed else None)


def test_a_shared_reference_is_prefixed_once_and_shared() -> None:
    resolver = Resolver(_TEMPLATE, _RESOURCES)
    resolver.prefix = _PREFIX
    first = resolver.resolve({"A": {"Ref": "Queue"}, "B": [{"Fn::GetAtt": ["Queue", "Arn"]}]})
    again = resolver.resolve({"Ref": "Queue"})
    assert first == {"A": Ref(_PREFIX + "Queue"), "B": [Ref(_PREFIX + "Queue", "Arn")]}
    assert again is first["A"]


def test_text_made_by_a_function_keeps_the_names_as_written() -> None:
    resolver = Resolver(_TEMPLATE, _RESOURCES)
    resolver.prefix = _PREFIX
    out = resolver.resolve({"Fn::Sub": "arn:${Queue.Arn}/${Role}"})
    assert out == Unknown("arn:${Queue.Arn}/${Role}", (_PREFIX + "Queue", _PREFIX + "Role"))


def test_a_condition_leaves_the_prefix_as_it_was() -> None:
    resolver = Resolver(_TEMPLATE, _RESOURCES)
    resolver.prefix = _PREFIX
    assert resolver.resolve({"Fn::If": ["Yes", {"Ref": "Queue"}, "no"]}) == Ref(_PREFIX + "Queue")
    assert resolver.resolve({"Fn::If": ["Named", "a", "b"]}) == Unknown("!If Named")
    assert resolver.prefix == _PREFIX


def test_a_reference_made_before_resolution_is_prefixed_as_one_resolution_makes() -> None:
    """(No collector makes one with names today; a function-less value holding one was left
    unprefixed by the walk after resolution, which looked only where a function went in.)"""
    resolver = Resolver(_TEMPLATE, _RESOURCES)
    resolver.prefix = _PREFIX
    made = [Unknown("x", ("Queue",)), Ref("Role")]
    assert resolver.resolve(made) == [Unknown("x", (_PREFIX + "Queue",)), Ref(_PREFIX + "Role")]


@pytest.mark.parametrize("depth", [_MAX_DEPTH - 1, _MAX_DEPTH, _MAX_DEPTH + 2])
def test_at_the_depth_limit_too(depth: int) -> None:
    value: Any = {"Ref": "Queue"}
    for level in range(depth):
        value = [value, "x"] if level % 2 else {"k": value, "f": {"Fn::GetAtt": ["Role", "Arn"]}}
    _both([value])
