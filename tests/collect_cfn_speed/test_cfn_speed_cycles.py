"""The cycle check reads each resource's mentions as they are (parameters, pseudo parameters
and resources a condition removed among them) and keeps only resources for the search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_cfn.cfn_helpers import collect_source

from fnguard.collect.cloudformation._graph import cycles, may_cycle

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
