"""``AWS::NoValue`` as the whole argument of a function that keeps its argument's text
(``!ImportValue``, ``!GetAZs``, ``!Cidr``) is an unknown value naming it, not a crash."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from collect_cfn.cfn_helpers import collect_source

from fnguard.collect.cloudformation._intrinsic import Resolver, Unknown

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("fn", "reference"), [("Fn::ImportValue", True), ("Fn::GetAZs", False), ("Fn::Cidr", False)]
)
def test_no_value_argument(fn: str, reference: bool) -> None:
    resolver = Resolver({}, {})
    value = resolver.resolve({fn: {"Ref": "AWS::NoValue"}})
    label = fn.removeprefix("Fn::")
    assert value == Unknown(f'!{label} "AWS::NoValue"', (), reference)
    assert resolver.problems == []


def test_a_template_with_it_is_collected(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
        "    Properties:\n      QueueName: !ImportValue {Ref: AWS::NoValue}\n",
    )
    assert [q.address for q in inv.queues] == ["Q"]
    assert [q.name for q in inv.queues] == [None]
