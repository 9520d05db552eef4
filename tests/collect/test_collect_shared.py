"""The helpers every collector shares: one behaviour whatever the format."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fnguard.collect._batch import collect_each
from fnguard.collect._shared import (
    aws_managed_policy,
    by_identity,
    default_log_group,
    event_source_kind,
    is_aws_managed,
    known_str,
    managed_document,
    to_int,
)
from fnguard.model import Function, Inventory, Location, PolicyKind, Provider, TriggerKind

if TYPE_CHECKING:
    from pathlib import Path

BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


@pytest.mark.parametrize(
    ("arn", "kind"),
    [
        ("arn:aws:sqs:eu-west-1:1:jobs", TriggerKind.SQS),
        ("arn:aws:kinesis:eu-west-1:1:stream/clicks", TriggerKind.KINESIS),
        ("arn:aws:dynamodb:eu-west-1:1:table/t/stream/2024-01-01", TriggerKind.DYNAMODB_STREAM),
        ("arn:aws:dynamodb:eu-west-1:1:table/t", None),  # a table is not its stream
        ("arn:aws:sns:eu-west-1:1:topic", None),
    ],
)
def test_event_source_kind(arn: str, kind: TriggerKind | None) -> None:
    assert event_source_kind(arn) is kind


def test_managed_documents_in_any_partition() -> None:
    document = managed_document(BASIC)
    assert document is not None and document["Statement"]
    assert managed_document(BASIC.replace("arn:aws:", "arn:aws-cn:")) == document
    assert managed_document("arn:aws:iam::aws:policy/NoSuchPolicy") is None
    assert is_aws_managed(BASIC) and not is_aws_managed("arn:aws:iam::111:policy/mine")


def test_aws_managed_policy_gap_names_the_owner() -> None:
    where = Location("t.yaml", 3)
    policy, gap = aws_managed_policy(BASIC, where, "Role", None)
    assert (policy.name, policy.kind, gap) == (
        "AWSLambdaBasicExecutionRole",
        PolicyKind.AWS_MANAGED,
        None,
    )
    unknown, gap = aws_managed_policy("arn:aws:iam::aws:policy/Nope", where, "Role", None)
    assert unknown.document is None
    assert gap is not None and (gap.resource, gap.field) == ("Role", "policies")


@pytest.mark.parametrize(
    ("value", "text", "number"),
    [(5, "5", 5), (5.0, "5", 5), ("7", "7", 7), (2.5, "2.5", None), (True, None, None)],
)
def test_scalar_conversions(value: object, text: str | None, number: int | None) -> None:
    assert (known_str(value), to_int(value)) == (text, number)
    assert known_str(["x"]) is None and to_int("seven") is None


def test_by_identity_names_and_arn_tails() -> None:
    identity = {("Fn", "orders"): "Orders", ("Queue", "jobs"): "Jobs"}
    assert by_identity(identity, "orders", ("Fn",)) == "Orders"
    assert by_identity(identity, "arn:aws:lambda:r:1:function:orders:live", ("Fn",)) == "Orders"
    assert by_identity(identity, "arn:aws:sqs:r:1:jobs", ("Queue",)) == "Jobs"
    assert by_identity(identity, "jobs", ("Fn",)) is None  # another type


def test_collect_each_prefixes_only_several_files(tmp_path: Path) -> None:
    def one(path: Path, rel: str, prefix: str) -> Inventory:
        fn = Function(f"{prefix}Fn", Provider.AWS, Location(rel, 1))
        return Inventory(functions=(fn,))

    (tmp_path / "a.yaml").touch()
    (tmp_path / "b.yaml").touch()
    both = collect_each([tmp_path / "b.yaml", tmp_path / "a.yaml"], tmp_path, one)
    assert [f.address for f in both.functions] == ["a.yaml:Fn", "b.yaml:Fn"]
    single = collect_each([tmp_path / "a.yaml"], tmp_path, one)
    assert [(f.address, f.location.file) for f in single.functions] == [("Fn", "a.yaml")]


def test_default_log_group() -> None:
    assert default_log_group("orders") == "/aws/lambda/orders"
    assert default_log_group(None) is None  # an unknown name names no group
