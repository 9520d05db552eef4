"""Each trigger kind, the function URL front door, and resource-policy permissions."""

from __future__ import annotations

from collect.tf_helpers import collect_fixture

from fnguard.model import (
    Bucket,
    FrontDoor,
    FrontDoorKind,
    InvocationType,
    Location,
    Permission,
    Trigger,
    TriggerKind,
)

INV = collect_fixture("triggers")
FN = "aws_lambda_function.worker"
URL = "aws_lambda_function_url.worker"


def loc(line: int) -> Location:
    return Location("main.tf", line)


def test_triggers() -> None:
    assert INV.triggers == (
        Trigger(URL, TriggerKind.FUNCTION_URL, FN, InvocationType.SYNC, loc(93), URL, (), URL),
        Trigger(
            "aws_lambda_event_source_mapping.jobs",
            TriggerKind.SQS,
            FN,
            InvocationType.POLL,
            loc(18),
            "aws_sqs_queue.jobs",
            (("pattern", '{"body":{"kind":["order"]}}'),),
            batch_size=10,
            batching_window_s=0,
        ),
        Trigger(
            "aws_lambda_event_source_mapping.stream",
            TriggerKind.KINESIS,
            FN,
            InvocationType.POLL,
            loc(28),
            "arn:aws:kinesis:eu-west-1:111122223333:stream/clicks",
            batch_size=50,
            batching_window_s=0,
            enabled=False,
        ),
        Trigger(
            "aws_lambda_event_source_mapping.table",
            TriggerKind.DYNAMODB_STREAM,
            FN,
            InvocationType.POLL,
            loc(36),
            "arn:aws:dynamodb:eu-west-1:111122223333:table/t/stream/2024-01-01T00:00:00.000",
            batch_size=100,
            batching_window_s=0,
        ),
        Trigger(
            "aws_s3_bucket_notification.uploads.lambda_function[0]",
            TriggerKind.S3,
            FN,
            InvocationType.ASYNC,
            loc(49),
            "aws_s3_bucket.uploads",
            (("event", "s3:ObjectCreated:*"), ("prefix", "in/"), ("suffix", ".csv")),
        ),
        Trigger(
            "aws_sns_topic_subscription.worker",
            TriggerKind.SNS,
            FN,
            InvocationType.ASYNC,
            loc(61),
            "aws_sns_topic.alerts",
        ),
        Trigger(
            "aws_cloudwatch_event_target.nightly",
            TriggerKind.SCHEDULE,
            FN,
            InvocationType.ASYNC,
            loc(83),
            "aws_cloudwatch_event_rule.nightly",
        ),
        Trigger(
            "aws_cloudwatch_event_target.orders",
            TriggerKind.EVENTBRIDGE,
            FN,
            InvocationType.ASYNC,
            loc(88),
            "aws_cloudwatch_event_rule.orders",
            (("pattern", '{"source":["shop.orders"]}'),),
        ),
    )


def test_function_url_front_door() -> None:
    assert INV.front_doors == (
        FrontDoor(
            URL,
            FrontDoorKind.FUNCTION_URL,
            loc(93),
            functions=(FN,),
            integration_timeout_ms=None,
            authorization="NONE",
            cors_allow_origins=("*",),
        ),
    )


def test_permissions_resolve_names_arns_and_references() -> None:
    assert INV.permissions == (
        Permission(
            "aws_lambda_permission.s3",
            FN,
            loc(101),
            principal="s3.amazonaws.com",
            source_arn="aws_s3_bucket.uploads",
            source_account="111122223333",
        ),
        Permission(
            "aws_lambda_permission.public_url",
            FN,
            loc(110),
            action="lambda:InvokeFunctionUrl",
            principal="*",
            function_url_auth_type="NONE",
        ),
        Permission("aws_lambda_permission.events", FN, loc(117), principal="events.amazonaws.com"),
    )
    assert INV.gaps == ()


def test_buckets() -> None:
    assert INV.buckets == (
        Bucket("aws_s3_bucket.uploads", loc(42), "uploads-bucket", "arn:aws:s3:::uploads-bucket"),
    )
