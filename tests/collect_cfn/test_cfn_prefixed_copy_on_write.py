"""Prefixing references copies only what holds one: the same values as a full copy."""

from __future__ import annotations

from typing import Any

from collect_cfn.cfn_strategies import MARK, scalars
from hypothesis import given
from hypothesis import strategies as st

from fnguard.collect.cloudformation._collector import _prefixed
from fnguard.collect.cloudformation._intrinsic import NO_VALUE, ParentRef, Ref, Unknown
from fnguard.collect.cloudformation._nodes import marked_dict, marked_list


def _full_copy(value: Any, prefix: str) -> Any:
    """The walk before copy-on-write: every map and list rebuilt, every reference renamed."""
    match value:
        case str() | ParentRef():
            return value
        case Ref(target=target, attr=attr):
            return Ref(prefix + target, attr)
        case Unknown(expr=expr, refs=refs, reference=reference):
            return Unknown(expr, tuple(prefix + r for r in refs), reference)
        case dict():
            return dict(zip(value, (_full_copy(v, prefix) for v in value.values()), strict=True))
        case list():
            return list(map(lambda v: _full_copy(v, prefix), value))
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same kinds all the way down (a plain dict is not a marked one)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


_M = MARK
_leaves = scalars(
    st.just(NO_VALUE),
    st.builds(Ref, st.sampled_from(["Fn", "Role", "Queue"]), st.sampled_from([None, "Arn"])),
    st.builds(ParentRef, st.sampled_from(["parent.yaml:Role"]), st.none()),
    st.builds(
        Unknown,
        st.text(max_size=6),
        st.lists(st.sampled_from(["Fn", "Bucket"]), max_size=2).map(tuple),
    ),
)
_values = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=3), inner, max_size=4),
        st.lists(inner, max_size=3).map(lambda v: marked_list(v, _M, _M)),
        st.dictionaries(st.text(max_size=3), inner, max_size=3).map(
            lambda v: marked_dict(v, _M, _M)
        ),
    ),
    max_leaves=20,
)


@given(_values, st.sampled_from(["", "a/template.yaml:", "b.json:"]))
def test_copy_on_write_gives_what_the_full_copy_gave(value: Any, prefix: str) -> None:
    before = repr(value)
    assert _same(_prefixed(value, prefix), _full_copy(value, prefix))
    assert repr(value) == before  # the value prefixed is left as it was


def test_only_the_paths_down_to_a_reference_are_new() -> None:
    plain = {"Size": 512, "Tags": [{"Key": "a", "Value": "b"}]}
    value = {"Plain": plain, "Env": {"Vars": {"Q": Ref("Queue", "Arn"), "Stage": "prod"}}}
    out = _prefixed(value, "t.yaml:")
    assert out["Plain"] is plain
    assert out["Env"]["Vars"] == {"Q": Ref("t.yaml:Queue", "Arn"), "Stage": "prod"}
    assert value["Env"]["Vars"]["Q"] == Ref("Queue", "Arn")
    assert _prefixed(plain, "t.yaml:") is plain
    # a marked map (left by a parameter default) comes back a plain one, as before
    marked = marked_dict({"k": "v"}, _M, _M)
    assert type(_prefixed(marked, "t.yaml:")) is dict
