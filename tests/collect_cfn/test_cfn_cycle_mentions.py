"""The cycle check's references are gathered while resolving: they must be what ``raw_refs``
finds in the written value, whatever the functions, conditions or mappings around them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from collect_cfn.cfn_helpers import collect_source
from collect_cfn.cfn_strategies import scalars
from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.collect.cloudformation._graph import raw_refs
from fnguard.collect.cloudformation._intrinsic import Resolver
from fnguard.model import CollectionGap, Location

if TYPE_CHECKING:
    from pathlib import Path

_IDS = ("A", "B", "C")
_NAMES = st.sampled_from([*_IDS, "P", "Nope", "AWS::Region", "AWS::NoValue"])
_TEMPLATE: dict[str, Any] = {
    "Parameters": {"P": {"Type": "String", "Default": "d"}, "C": {"Type": "String"}},
    "Conditions": {
        "Yes": {"Fn::Equals": ["a", "a"]},
        "Deploy": {"Fn::Equals": [{"Ref": "B"}, "x"]},
        "Chain": {"Fn::Not": [{"Condition": "Deploy"}]},
    },
    "Mappings": {"M": {"k": {"v": {"Ref": "A"}, "w": {"Fn::GetAtt": ["B", "Arn"]}}}},
}


def _functions(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Intrinsic functions (well- and ill-formed) and maps and lists around ``inner``."""
    condition = st.sampled_from(["Yes", "Deploy", "Chain", "Missing"])
    return st.one_of(
        st.builds(lambda n: {"Ref": n}, _NAMES),
        st.builds(lambda v: {"Ref": v}, inner),
        st.builds(lambda n: {"Fn::GetAtt": [n, "Arn"]}, _NAMES),
        st.builds(lambda n, v: {"Fn::GetAtt": [n, v]}, _NAMES, inner),
        st.builds(lambda n: {"Fn::GetAtt": f"{n}.Arn"}, _NAMES),
        st.builds(lambda n, m: {"Fn::Sub": f"x-${{{n}}}-${{{m}.Arn}}-${{!{n}}}"}, _NAMES, _NAMES),
        st.builds(lambda n, v: {"Fn::Sub": [f"${{{n}}}-${{V}}", {"V": v}]}, _NAMES, inner),
        st.builds(lambda v: {"Fn::Sub": ["${A}", v, v]}, inner),
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, condition, inner, inner),
        st.builds(lambda a, b: {"Fn::Join": [a, b]}, inner, inner),
        st.builds(lambda a: {"Fn::Join": a}, inner),
        st.builds(lambda a, b: {"Fn::Select": [a, b]}, inner, inner),
        st.builds(lambda a, b: {"Fn::Split": [a, b]}, inner, inner),
        st.builds(lambda a: {"Fn::FindInMap": ["M", "k", a]}, st.sampled_from(["v", "w", "z"])),
        st.builds(lambda a: {"Fn::FindInMap": ["M", "z", "v", {"DefaultValue": a}]}, inner),
        st.builds(lambda a: {"Fn::Base64": a}, inner),
        st.builds(lambda a: {"Fn::ImportValue": [a]}, inner),
        st.builds(lambda a: {"Fn::Frobnicate": a}, inner),
        st.builds(lambda a: {"Fn::Equals": a}, inner),
        st.builds(lambda c: {"Condition": c}, condition),
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["Ref", "Fn::Sub", "K", "L"]), inner, max_size=3),
    )


_VALUES = st.recursive(scalars(), _functions, max_leaves=12)


def _gathered(props: dict[str, Any]) -> set[str]:
    resolver = Resolver(_TEMPLATE, dict.fromkeys(_IDS))
    resolver.mentioned = set()
    for node in props.values():
        resolver.resolve(node)
    return resolver.mentioned


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(["Role", "Environment", "Policies"]), _VALUES))
def test_resolving_gathers_what_raw_refs_finds(props: dict[str, Any]) -> None:
    assert _gathered(props) == set(raw_refs(props))


def test_past_the_depth_limit_the_rest_is_walked_whole() -> None:
    deep: Any = {"Fn::Sub": "${B}"}
    for _ in range(70):
        deep = {"K": [deep, {"Ref": "A"}]} if _ % 7 == 0 else {"K": deep}
    props = {"Role": deep}
    assert _gathered(props) == set(raw_refs(props)) == {"A", "B"}


def test_a_cycle_through_an_untaken_branch_and_its_gaps_come_before_resolution_ones(
    tmp_path: Path,
) -> None:
    # raw_refs counts both branches of !If (CloudFormation checks them too), and the cycle's
    # gaps keep their place: after the condition's, before those resolution finds
    inv = collect_source(
        tmp_path,
        "Parameters:\n  Stage: {Type: String}\n"
        "Conditions:\n  Never: !Equals [a, b]\n  Later: !Equals [!Ref Stage, x]\n"
        "Resources:\n"
        "  A:\n    Type: AWS::SNS::Topic\n    Condition: Later\n"
        "    Properties: {TopicName: !If [Never, !Ref B, plain], DisplayName: !Ref Nope}\n"
        "  B:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Sub '${A.TopicName}'}\n",
    )
    cycle = "circular dependency between A, B: CloudFormation cannot deploy this"
    assert inv.gaps[:4] == (
        CollectionGap(
            Location("template.yaml", 7),
            "condition Later depends on deploy-time values; the resource is assumed to exist",
            "A",
            "condition",
        ),
        CollectionGap(Location("template.yaml", 7), cycle, "A", "depends_on"),
        CollectionGap(Location("template.yaml", 11), cycle, "B", "depends_on"),
        CollectionGap(
            Location("template.yaml", 10),
            "!Ref Nope names no parameter or resource",
            "A",
            "displayname",
        ),
    )
