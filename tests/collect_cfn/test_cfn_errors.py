"""Bad input: one-line errors with file:line, gaps for what lets the scan go on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from collect_cfn.cfn_helpers import collect_source

from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.errors import InputError
from fnguard.model import CollectionGap, Location

if TYPE_CHECKING:
    from pathlib import Path

_FN = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"


def _error(tmp_path: Path, text: str, name: str = "template.yaml") -> InputError:
    with pytest.raises(InputError) as info:
        collect_source(tmp_path, text, name)
    assert "\n" not in str(info.value)
    return info.value


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    err = _error(tmp_path, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n   Properties: [\n")
    assert (err.path, err.line) == ("template.yaml", 4)
    assert str(err).startswith("template.yaml:4: expected")


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    err = _error(
        tmp_path, '{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue",}\n  }\n}\n', "t.json"
    )
    assert (err.path, err.line) == ("t.json", 3)


def test_not_a_template(tmp_path: Path) -> None:
    assert (
        str(_error(tmp_path, "- just\n- a list\n"))
        == "template.yaml:1: expected a template (a mapping with Resources)"
    )
    assert (
        _error(tmp_path, "AWSTemplateFormatVersion: '2010-09-09'\n").expected
        == "expected a Resources mapping"
    )
    err = _error(tmp_path, "Resources:\n  Q:\n    Properties: {}\n")
    assert (err.line, err.expected) == (3, "expected a Type for resource Q")


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        rows.append(f"{cur}: &{cur} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    text = (
        "\n".join(rows) + "\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {X: *i}\n"
    )
    err = _error(tmp_path, text)
    assert str(err) == "template.yaml:1: expected no YAML alias amplification"


def test_many_aliases_are_refused_before_parsing(tmp_path: Path) -> None:
    aliases = ", ".join(["*x"] * 101)
    text = f"x: &x 1\ny: [{aliases}]\n{_FN}"
    assert str(_error(tmp_path, text)) == "template.yaml: expected at most 100 YAML aliases"


def test_few_aliases_are_fine(tmp_path: Path) -> None:
    text = (
        "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: &p {VisibilityTimeout: 60}\n"
        "  B:\n    Type: AWS::SQS::Queue\n    Properties: *p\n"
    )
    assert [q.visibility_timeout_s for q in collect_source(tmp_path, text).queues] == [60, 60]


def test_unreadable_and_non_utf8_files_are_gaps(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"Resources:\n  Q:\n    Type: AWS::SQS::Queue # caf\xe9\n")
    good = tmp_path / "good.yaml"
    good.write_text(_FN, encoding="utf-8")
    inv = CloudFormationCollector().collect([bad, good], tmp_path)
    assert inv.gaps == (
        CollectionGap(Location("latin1.yaml"), "not UTF-8 text (byte 47)", "", "file"),
    )
    assert [q.address for q in inv.queues] == ["good.yaml:Q"]  # several files: addresses say which


def test_unknown_short_form_tag_is_a_gap_not_a_crash(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
        "    Properties:\n      QueueName: !Frobnicate x\n",
    )
    assert inv.gaps == (
        CollectionGap(
            Location("template.yaml", 5),
            "intrinsic function Fn::Frobnicate is not understood",
            "Q",
            "queuename",
        ),
        CollectionGap(
            Location("template.yaml", 2),
            "QueueName = {Fn::Frobnicate} cannot be resolved offline",
            "Q",
            "name",
        ),
    )


def test_self_referencing_condition_and_resource_cycle(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "Conditions:\n  Loop: !Condition Loop\n"
        "Resources:\n"
        "  A:\n    Type: AWS::SQS::Queue\n    Condition: Loop\n"
        "  B:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !GetAtt C.TopicName}\n"
        "  C:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !GetAtt B.TopicName}\n",
    )
    reasons = sorted((g.resource, g.field, g.reason) for g in inv.gaps)
    assert reasons == [
        (
            "A",
            "condition",
            "condition Loop depends on deploy-time values; the resource is assumed to exist",
        ),
        ("A", "condition", "condition Loop refers to itself"),
        ("B", "depends_on", "circular dependency between B, C: CloudFormation cannot deploy this"),
        ("C", "depends_on", "circular dependency between B, C: CloudFormation cannot deploy this"),
    ]
    assert [q.address for q in inv.queues] == ["A"]
