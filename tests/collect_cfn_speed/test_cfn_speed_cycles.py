"""The cycle check reads each resource's mentions as they are (parameters, pseudo parameters
and resources a condition removed among them) and keeps only resources for the search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_cfn.cfn_helpers import collect_source
from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.collect.cloudformation._graph import _count_down, cycles, may_cycle

if TYPE_CHECKING:
    from pathlib import Path


def _cycle_gaps(tmp_path: Path, resources: str) -> list[tuple[str, int, str]]:
    text = (
        "Parameters:\n  P: {Type: String, Default: x}\n"
        "Conditions:\n  Never: !Equals [a, b]\nResources:\n" + resources
    )
    inv = collect_source(tmp_path, text)
    return [(g.resource, g.location.line, g.reason) for g in inv.gaps if g.field == "depends_on"]


def test_names_that_are_no_kept_resource_make_no_cycle(tmp_path: Path) -> None:
    gaps = _cycle_gaps(
        tmp_path,
        "  A:\n    Type: AWS::SNS::Topic\n"
        "    Properties: {TopicName: !Sub '${P}-${AWS::Region}-${B.TopicName}'}\n"
        "  B:\n    Type: AWS::SNS::Topic\n    Condition: Never\n"
        "    Properties: {TopicName: !GetAtt A.TopicName}\n"
        "  C:\n    Type: AWS::SNS::Topic\n    DependsOn: [P, Nowhere]\n"
        "    Properties: {TopicName: !Ref P}\n",
    )
    assert gaps == []


def test_depends_on_and_references_close_a_cycle(tmp_path: Path) -> None:
    gaps = _cycle_gaps(
        tmp_path,
        "  A:\n    Type: AWS::SNS::Topic\n    DependsOn: B\n"
        "    Properties: {TopicName: !Ref P}\n"
        "  B:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !GetAtt C.TopicName}\n"
        "  C:\n    Type: AWS::SNS::Topic\n    DependsOn: [A, P]\n"
        "  D:\n    Type: AWS::SNS::Topic\n    DependsOn: D\n",
    )
    reason = "circular dependency between A, B, C: CloudFormation cannot deploy this"
    assert gaps == [
        ("A", 6, reason),
        ("B", 10, reason),
        ("C", 13, reason),
        ("D", 16, "circular dependency between D: CloudFormation cannot deploy this"),
    ]


def test_the_quick_test_and_the_search_agree_on_names_outside_the_graph() -> None:
    # "P" and "AWS::Region" are no nodes: the quick test takes them as depending on nothing
    acyclic = {"A": {"B", "P"}, "B": {"AWS::Region"}, "C": set()}
    cyclic = {"A": {"B", "P"}, "B": {"A", "AWS::Region"}, "C": {"C"}}
    assert not may_cycle(acyclic)
    assert may_cycle(cyclic)
    kept = {k: v & cyclic.keys() for k, v in cyclic.items()}
    assert cycles(kept) == [{"A", "B"}, {"C"}]


_NAMES = [f"N{i}" for i in range(10)]


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(_NAMES),
        st.sets(st.sampled_from([*_NAMES, "P", "AWS::Region"]), max_size=3),
        max_size=10,
    )
)
def test_the_set_wise_rounds_answer_as_the_count_down_and_the_search(
    graph: dict[str, set[str]],
) -> None:
    kept = {node: targets & graph.keys() for node, targets in graph.items()}
    assert may_cycle(graph) == _count_down(graph) == bool(cycles(kept))


def test_chains_longer_than_the_rounds_are_counted_down() -> None:
    chain = {f"N{i}": {f"N{i + 1}"} for i in range(100)}
    assert not may_cycle(chain)
    chain["N100"] = {"N0"}
    assert may_cycle(chain)
    chain["N100"] = {"P"}
    chain["N50"].add("N7")
    assert may_cycle(chain)
