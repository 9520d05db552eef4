"""A resolver remembers what a ``Ref`` / ``GetAtt`` of plain names resolved to: the remembered
answer must be what resolving it afresh gives (value, problems, mentions, count), and a name
that is a problem stays one at each place it is written."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.collect.cloudformation import decode
from fnguard.collect.cloudformation._intrinsic import NO_VALUE, Ref, Resolver, Unknown

_TEXT = """\
Parameters:
  Stage: {Type: String, Default: prod}
  Open: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "a, b"}
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          A: !Ref Queue
          B: !Ref Queue
          C: !GetAtt Queue.Arn
          D: !GetAtt [Queue, Arn]
          E: !GetAtt [Queue, Arn]
          F: !Ref Stage
          G: !Ref Stage
          H: !Ref Open
          I: !Ref Subnets
          J: !Ref AWS::Region
          K: !Ref AWS::Partition
          L: !Ref Nowhere
          M: !Ref Nowhere
          N: !GetAtt [Nothing, Arn]
          O: !GetAtt [Nothing, Arn]
          P: {Ref: Queue}
          Q: [!Ref AWS::NoValue, !Ref Queue]
"""
_PLAIN: dict[str, Any] = {
    "A": {"Ref": "Queue"},
    "B": {"Ref": "Queue"},
    "D": {"Fn::GetAtt": ["Queue", "Arn"]},
    "E": {"Fn::GetAtt": ["Queue", "Arn"]},
    "F": {"Ref": "Stage"},
    "I": {"Ref": "Subnets"},
    "J": {"Ref": "AWS::Region"},
    "L": {"Ref": "Nowhere"},
    "M": {"Ref": "Nowhere"},
    "N": {"Fn::GetAtt": ["Nothing", "Arn"]},
    "O": {"Fn::GetAtt": ["Nothing", "Arn"]},
    "Q": [{"Ref": "AWS::NoValue"}, {"Ref": "Queue"}],
}


def _variables(template: dict[str, Any]) -> dict[str, Any]:
    variables: dict[str, Any] = template["Resources"]["Fn"]["Properties"]["Environment"][
        "Variables"
    ]
    return variables


def _each(template: dict[str, Any], values: dict[str, Any], shared: bool) -> list[Any]:
    """Every value resolved by one resolver (``shared``) or each by a fresh one: value,
    class of each part, problems, mentions and the count of functions met."""
    out: list[Any] = []
    one = Resolver(template, template["Resources"])
    for key, node in values.items():
        resolver = one if shared else Resolver(template, template["Resources"])
        resolver.mentioned = set()
        before, problems = resolver.intrinsics, len(resolver.problems)
        value = resolver.resolve(node)
        parts = value if isinstance(value, list) else [value]
        out.append(
            (
                key,
                value,
                [(p.__class__, getattr(p, "target", None).__class__) for p in parts],
                resolver.problems[problems:],
                resolver.mentioned,
                resolver.intrinsics - before,
            )
        )
    return out


@pytest.mark.parametrize("marked", [True, False], ids=["decoded", "plain"])
def test_remembered_answers_are_the_fresh_ones(marked: bool) -> None:
    template = decode(_TEXT, "t.yaml")
    values = _variables(template) if marked else _PLAIN
    assert _each(template, values, shared=True) == _each(template, values, shared=False)


def test_a_name_that_is_a_problem_is_one_where_each_is_written() -> None:
    template = decode(_TEXT, "t.yaml")
    resolver = Resolver(template, template["Resources"])
    values = _variables(template)
    for key in ("L", "M", "N", "O"):
        resolver.resolve(values[key])
    assert [line for line, _ in resolver.problems] == [23, 24, 25, 26]
    assert [message for _, message in resolver.problems] == [
        "!Ref Nowhere names no parameter or resource",
        "!Ref Nowhere names no parameter or resource",
        "!GetAtt Nothing.Arn names no resource",
        "!GetAtt Nothing.Arn names no resource",
    ]


def test_remembered_values_are_the_usual_kinds() -> None:
    template = decode(_TEXT, "t.yaml")
    resolver = Resolver(template, template["Resources"])
    values = _variables(template)
    resolved = {k: resolver.resolve(v) for k, v in values.items()}
    resolved_again = {k: resolver.resolve(v) for k, v in values.items()}
    assert resolved == resolved_again
    assert resolved["A"] is resolved["B"]
    assert resolved["P"] == resolved["A"]
    assert resolved["A"] == Ref("Queue")
    assert resolved["C"] == resolved["D"] == Ref("Queue", "Arn")
    assert resolved["F"] == "prod"
    assert resolved["H"] == Unknown("${Open}")
    assert resolved["I"] == ["a", "b"]
    assert resolved["J"] == "${AWS::Region}"
    assert resolved["K"] == "aws"
    assert resolved["Q"] == [Ref("Queue")]
    assert resolver.resolve({"Ref": "AWS::NoValue"}) is NO_VALUE
