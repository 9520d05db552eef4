"""Shortcuts of the mapper and the resolver give what the long way gives.

- A policy document with no reference inside is handed on as resolution built it; one with
  references is copied only down to them, and the resolved value is left as it was.
- ``Fn::Join`` reads each item's text once: text items as they are, references as
  ``${X.Arn}``, unknown parts as ``?`` (the result then an ``Unknown``).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fnguard.collect.cloudformation._intrinsic import Ref, Resolver, Unknown
from fnguard.collect.cloudformation._mapper import _document_value

_PLAIN: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*", "N": 5}],
}


def test_a_document_without_references_is_handed_on() -> None:
    assert _document_value(_PLAIN) is _PLAIN


def test_references_are_copied_down_to_and_the_value_is_left_alone() -> None:
    doc: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": Ref("Queue", "Arn")},
            {"Effect": "Allow", "Action": "s3:*", "Resource": [Unknown("arn:${Bucket}/*")]},
            {"Effect": "Allow", "Action": "logs:*", "Resource": "*"},
        ],
    }
    before = copy.deepcopy(doc)
    out = _document_value(doc)
    assert doc == before
    assert out == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "${Queue.Arn}"},
            {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:${Bucket}/*"]},
            {"Effect": "Allow", "Action": "logs:*", "Resource": "*"},
        ],
    }
    assert out["Statement"][2] is doc["Statement"][2]  # no reference inside: not copied


def _join(items: list[Any]) -> Any:
    resolver = Resolver({"Parameters": {"Open": {"Type": "String"}}}, {"Queue": object()})
    return resolver.resolve({"Fn::Join": ["-", items]}), resolver.problems


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["a", "b", 3, True], "a-b-3-true"),
        (["a", {"Ref": "AWS::Partition"}], "a-aws"),
        (["a", {"Fn::GetAtt": ["Queue", "Arn"]}], Unknown("a-${Queue.Arn}", ("Queue",))),
        (["a", {"Ref": "Open"}], Unknown("a-${Open}")),
        (["a", {"Fn::Base64": {"Ref": "Open"}}, {"K": 1}], Unknown("a-${Open}-?")),
        (["a", {"Ref": "Queue"}, ["x"]], Unknown("a-${Queue}-?", ("Queue",))),
        ([], ""),
    ],
)
def test_join_reads_each_item_once(items: list[Any], expected: Any) -> None:
    assert _join(items) == (expected, [])


def test_values_made_before_resolution_pass_through_as_they_are() -> None:
    unknown = Unknown("arn:aws:dynamodb:${aws:region}:table/t", (), reference=True)
    ref = Ref("Queue", "Arn")
    resolver = Resolver({}, {"Queue": object()})
    out = resolver.resolve({"A": unknown, "B": [ref, unknown], "C": {"D": ref}})
    assert out == {"A": unknown, "B": [ref, unknown], "C": {"D": ref}}
    assert out["A"] is unknown and out["B"][0] is ref and out["C"]["D"] is ref
    assert resolver.resolve(unknown) is unknown
    assert (resolver.problems, resolver.intrinsics) == ([], 0)
