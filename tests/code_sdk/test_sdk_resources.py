"""Resources, collections, paginators, waiters and boto3's helper methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_sdk.sdk_helpers import analyse, needs, ops

from fnguard.code.sdk import _resources

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_resource_actions_collections_and_loads(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            s3 = boto3.resource("s3")
            bucket = s3.Bucket("media")

            def handler(event, context):
                body = s3.Object("media", "a/b.txt").get()["Body"]
                for summary in bucket.objects.filter(Prefix="tmp/"):
                    summary.delete()
                size = bucket.Object("c.txt").content_length
                bucket.objects.all().delete()
            """
        },
    )
    assert ops(report) == {
        ("s3", "GetObject"),
        ("s3", "ListObjects"),
        ("s3", "DeleteObject"),
        ("s3", "HeadObject"),
        ("s3", "DeleteObjects"),
    }
    assert needs(report) == {
        ("s3:GetObject", "arn:aws:s3:::media/a/b.txt"),
        ("s3:ListBucket", "arn:aws:s3:::media"),
        ("s3:DeleteObject", "arn:aws:s3:::media/*"),
        ("s3:GetObject", "arn:aws:s3:::media/c.txt"),
    }


def test_table_resource_batch_writer_and_waiter(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            table = boto3.resource("dynamodb").Table("events")

            def handler(event, context):
                table.wait_until_exists()
                with table.batch_writer() as batch:
                    batch.put_item(Item={"id": "1"})
                table.query(IndexName="by-day", KeyConditionExpression="x")
            """
        },
    )
    arn = "arn:aws:dynamodb:*:*:table/events"
    assert needs(report) == {
        ("dynamodb:DescribeTable", arn),
        ("dynamodb:PutItem", arn),
        ("dynamodb:DeleteItem", arn),
        ("dynamodb:Query", arn + "/index/by-day"),
    }


def test_paginators_and_waiters(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            s3 = boto3.client("s3")
            ddb = boto3.client("dynamodb")

            def handler(event, context):
                pages = s3.get_paginator("list_objects_v2").paginate(Bucket="logs")
                for page in pages:
                    pass
                ddb.get_waiter("table_exists").wait(TableName="jobs")
            """
        },
    )
    assert {(c.operation, c.actions) for c in report.calls} == {
        ("ListObjectsV2", ("s3:ListBucket",)),
        ("DescribeTable", ("dynamodb:DescribeTable",)),
    }
    assert needs(report) == {
        ("s3:ListBucket", "arn:aws:s3:::logs"),
        ("dynamodb:DescribeTable", "arn:aws:dynamodb:*:*:table/jobs"),
    }


def test_transfer_helpers_and_presigned_urls(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            s3 = boto3.client("s3")

            def handler(event, context):
                s3.download_file("in", "data.csv", "/tmp/data.csv")
                s3.upload_file("/tmp/out.csv", "out", f"reports/{event['day']}.csv")
                return s3.generate_presigned_url(
                    "get_object", Params={"Bucket": "out", "Key": "public/x"}
                )
            """
        },
    )
    assert needs(report) == {
        ("s3:GetObject", "arn:aws:s3:::in/data.csv"),
        ("s3:PutObject", "arn:aws:s3:::out/reports/*.csv"),
        ("s3:AbortMultipartUpload", "arn:aws:s3:::out/reports/*.csv"),
        ("s3:GetObject", "arn:aws:s3:::out/public/x"),
    }


def test_without_boto3_resource_use_is_dynamic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_resources, "_data_root", lambda: None)
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            table = boto3.resource("dynamodb").Table("t")
            s3 = boto3.client("s3")

            def handler(event, context):
                table.put_item(Item={})
                s3.head_bucket(Bucket="b")
            """
        },
    )
    assert report.handler.dynamic_sdk_use
    assert "boto3 is not installed here" in report.dynamic[0]
    assert needs(report) == {("s3:ListBucket", "arn:aws:s3:::b")}
