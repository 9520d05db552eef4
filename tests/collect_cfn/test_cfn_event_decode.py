"""YAML built from libyaml's events agrees with YAML built from composed nodes.

``decode_yaml`` builds from events; the node builder is the reference it follows (and still
decides documents nested deeper than ``EVENT_DEPTH``). Both must give the same values, kinds,
positions, shared objects for aliases and depth, and refuse the same documents.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard.collect.cloudformation import _fast_yaml
from fnguard.collect.cloudformation._fast_yaml import (
    EVENT_DEPTH,
    MAX_EXPANDED_NODES,
    UndecidedError,
    decode_yaml,
)


def _marks(node: Any) -> tuple[tuple[int, int] | None, ...]:
    return tuple(
        (int(m.line), int(m.column)) if (m := getattr(node, attr, None)) is not None else None
        for attr in ("start_mark", "end_mark")
    )


def _same(got: Any, ref: Any, seen: dict[int, int], path: str = "$") -> None:
    """Same types, values, key order, positions, and the same sharing of objects."""
    assert type(got) is type(ref), f"{path}: {type(got)} vs {type(ref)}"
    assert _marks(got) == _marks(ref), path
    if isinstance(got, dict | list):
        # an object met twice in one value is met twice, as the same object, in the other
        assert seen.setdefault(id(got), id(ref)) == id(ref), f"{path}: sharing differs"
    if isinstance(got, float) and math.isnan(got):
        assert math.isnan(ref), path
    elif isinstance(got, dict):
        assert list(got) == list(ref), path
        for (key, value), (ref_key, ref_value) in zip(got.items(), ref.items(), strict=True):
            _same(key, ref_key, seen, f"{path}.key({key})")
            _same(value, ref_value, seen, f"{path}.{key}")
    elif isinstance(got, list):
        assert len(got) == len(ref), path
        for i, (item, ref_item) in enumerate(zip(got, ref, strict=True)):
            _same(item, ref_item, seen, f"{path}[{i}]")
    else:
        assert got == ref, path


def _decided(load: Any, text: str) -> tuple[bool, Any]:
    try:
        return True, load(text)
    except UndecidedError as exc:
        return False, exc


def check_paths_agree(text: str) -> bool:
    """Events and nodes give the same value and depth, or both refuse; True when decided."""
    ok_events, events = _decided(_fast_yaml._from_events, text)
    ok_nodes, nodes = _decided(_fast_yaml._from_nodes, text)
    assert ok_events == ok_nodes, f"events: {events!r}, nodes: {nodes!r}"
    if ok_events:
        _same(events[0], nodes[0], {})
        assert events[1] == nodes[1]
    return ok_events


TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Parameters:
  Stage: {Default: prod, Type: String}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: &trust
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}}]
  Other:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: *trust}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Role: &role !GetAtt Role.Arn
      Again: *role
      Other: !GetAtt [Role, Arn]
      Name: &name "fn"
      Names: [*name, *name]
      Size: &size 128
      Sizes: [*size, *size]
      Sub: !Sub
        - "${A}-${B}"
        - A: !Ref Stage
          B: !ImportValue shared
      Tagged: &tagged !Sub {x: [1, !Ref y]}
      TaggedAgain: [*tagged]
      Chosen: !If [IsProd, 1024, !Ref AWS::NoValue]
      Env:
        Variables: {A: '1', B: "two", C: 3, D: 4.5, E: true, F: null, G: ~, H: 2024-01-31}
      Numbers: [0x1F, 0o17, 1_000, 1e3, .inf, -.inf, .nan, +12, 012, 1:20]
      Bare: ! plain
      Block: |
        line one
      ? complex
      : key
"""


@pytest.mark.parametrize(
    "text",
    [
        TEMPLATE,
        TEMPLATE.replace("\n", "\r\n"),
        "a: &x [[1, {b: [2]}]]\nc: {d: {e: *x}}\nf: *x\n",
        "a: &x {b: !GetAtt X.Y}\nc: [[*x]]\n",
        "a: &x !GetAtt X.Y\nb: [[*x]]\n",
        "a: &x !Ref y\nb: {c: *x}\n",
        "&k key: 1\nother: *k\n",  # an anchored key, then the same scalar as a value
        "a: &k key\n*k : 2\n",  # an alias as a key
        "a: &n 5\n*n : 2\n",
        "a: &m [1]\n*m : 2\n",  # a list as a key: refused
        "a: &r !Ref x\n*r : 2\n",  # a short form as a key: refused
        "a: &r [*r]\n",  # recursive
        "a: &r {b: *r}\n",
        "a: *nowhere\n",
        "a: &x 1\nb: &x 2\n",  # a repeated anchor
        "a: &x [1]\nb: &x [2]\nc: *x\n",
        "a: &e ''\nb: *e\n",
        "a: &n ~\nb: *n\n",
        "~: x\n",
        "k: !Sub {~: 1, a: 1, a: 2}\n",
        "a: 1\na: 2\n",
        "base: &b {x: 1}\nmerged:\n  <<: *b\n",
        "a: &s !!str 5\nb: *s\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!map {b: 1}\nc: !!seq [1]\nd: !!str {e: 1}\n",
        "k: !GetAtt {a: b}\n",
        "--- a\n--- b\n",
        "--- \n",
        "",
        "# a comment only\n",
        "scalar\n",
        "!Ref top\n",
        "k: [\n",
        # integers: plain decimals are built directly, every other form by PyYAML
        "1: a\n0: b\n10: c\n007: d\n-3: e\n+4: f\n1_0: g\n08: h\n"
        "v: [0, 7, 10, 007, 010, 08, -3, +4, 1_0, 0x1f, 0b11, 1:30, 99999999999999999999, '5']\n",
        "a: 1\n1: x\nb: {1: 2, 3: [4, 5]}\n",
        "1: a\n1: b\n",  # a repeated integer key: refused
    ],
)
def test_cases_agree(text: str) -> None:
    check_paths_agree(text)


def test_aliases_share_one_object_as_the_node_path_does() -> None:
    value, _ = decode_yaml(TEMPLATE)
    props = value["Resources"]["Fn"]["Properties"]
    assert props["Again"] is props["Role"]
    assert props["TaggedAgain"][0] is props["Tagged"]
    trust = value["Resources"]["Role"]["Properties"]["AssumeRolePolicyDocument"]
    assert value["Resources"]["Other"]["Properties"]["AssumeRolePolicyDocument"] is trust
    assert props["Names"][0] == "fn" and props["Names"][0] is not props["Names"][1]


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_expansion_is_counted_as_the_node_path_counts_it() -> None:
    assert 2**18 > MAX_EXPANDED_NODES > 2**16
    assert check_paths_agree(_laughs(14))  # ~32k values once expanded: decided
    assert not check_paths_agree(_laughs(18))  # ~500k: refused, cfn-lint decides


def _nested(levels: int) -> str:
    """``levels`` mappings inside the top one (depth ``levels``, ``levels + 1`` mappings)."""
    return "Resources: " + "{a: " * levels + "x" + "}" * levels + "\n"


@pytest.mark.parametrize("levels", [EVENT_DEPTH - 2, EVENT_DEPTH - 1])
def test_documents_up_to_event_depth_are_built_from_events(levels: int) -> None:
    assert check_paths_agree(_nested(levels))
    assert decode_yaml(_nested(levels))[1] == levels


def test_a_deeper_document_is_left_to_the_node_path() -> None:
    text = _nested(EVENT_DEPTH)
    with pytest.raises(_fast_yaml._TooDeepError):
        _fast_yaml._from_events(text)
    value, depth = decode_yaml(text)
    _same(value, _fast_yaml._from_nodes(text)[0], {})
    assert depth == EVENT_DEPTH


def test_path_resolvers_leave_the_document_to_the_node_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_fast_yaml._Loader, "yaml_path_resolvers", {((), None): "x"})
    with pytest.raises(_fast_yaml._TooDeepError):
        _fast_yaml._from_events("a: 1\n")


# Template-like leaves: words, intrinsic names, numbers, booleans, nulls and dates as text.
_LEAVES = st.sampled_from(["Arn", "Ref", "*", "", "yes", "0x1F", "2024-01-31", "a b"]) | (
    st.integers(-5, 5) | st.booleans() | st.none() | st.text(max_size=6)
)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(["Type", "Properties", "Fn::Sub", "Ref", "1", "null"])
    return st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3)


_VALUES = st.recursive(_LEAVES, _containers, max_leaves=16)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_VALUES, _VALUES, st.booleans())
def test_generated_documents_with_shared_parts_agree(shared: Any, other: Any, flow: bool) -> None:
    # PyYAML writes an object met twice once, with an anchor, and an alias after.
    document = {"Resources": {"a": shared, "b": [shared, other], "c": {"d": shared}}}
    text = yaml.safe_dump(document, default_flow_style=flow)
    assert check_paths_agree(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_templates_agree(data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(TEMPLATE) - 1))
    size = data.draw(st.integers(min_value=0, max_value=4))
    insert = data.draw(
        st.sampled_from(["", "&", "&z ", "*", "*trust", "!", "!Ref ", ":", "-", "{", "]", " "])
    )
    check_paths_agree(TEMPLATE[:cut] + insert + TEMPLATE[cut + size :])
