"""Clients: created in globals, sessions, class attributes, arguments, return values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_sdk.sdk_helpers import analyse, needs, ops

if TYPE_CHECKING:
    from pathlib import Path


def test_global_client_literal_bucket(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            s3 = boto3.client("s3")

            def handler(event, context):
                s3.list_objects_v2(Bucket="reports", Prefix="in/")
                s3.get_object(Bucket="reports", Key="in/a.csv")
            """
        },
    )
    assert needs(report) == {
        ("s3:ListBucket", "arn:aws:s3:::reports"),
        ("s3:GetObject", "arn:aws:s3:::reports/in/a.csv"),
    }
    assert [c.location.line for c in report.calls] == [6, 7]
    assert report.handler.entry.line == 5
    assert not report.handler.dynamic_sdk_use


def test_session_client_and_resource(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            from boto3.session import Session

            session = boto3.Session()
            sqs = session.client("sqs", region_name="eu-west-1")
            ddb = Session().resource("dynamodb")

            def handler(event, context):
                sqs.send_message(QueueUrl="https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
                                 MessageBody="x")
                ddb.Table("orders").put_item(Item={})
            """
        },
    )
    assert needs(report) == {
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs"),
        ("dynamodb:PutItem", "arn:aws:dynamodb:*:*:table/orders"),
    }


def test_class_attribute_and_self_assignment(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3

            class Store:
                events = boto3.client("events")

                def __init__(self):
                    self.table = boto3.resource("dynamodb").Table("t")

                def save(self, item):
                    self.table.update_item(Key={"id": item})
                    self.events.put_events(Entries=[])

            def handler(event, context):
                Store().save(event["id"])
            """
        },
    )
    assert ops(report) == {("dynamodb", "UpdateItem"), ("events", "PutEvents")}
    assert ("dynamodb:UpdateItem", "arn:aws:dynamodb:*:*:table/t") in needs(report)


def test_client_passed_as_argument_and_returned(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            from helpers import make_client, publish

            def handler(event, context):
                sns = make_client("sns")
                publish(sns, "arn:aws:sns:eu-west-1:123456789012:alerts")
            """,
            "helpers.py": """
            import boto3

            def make_client(name):
                return boto3.client(name)

            def publish(client, topic):
                client.publish(TopicArn=topic, Message="hi")
            """,
        },
    )
    assert needs(report) == {("sns:Publish", "arn:aws:sns:eu-west-1:123456789012:alerts")}
    assert any(f.endswith("helpers.py") for f in report.handler.files)
    assert not report.handler.dynamic_sdk_use


def test_lazily_created_global_client(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            _client = None

            def client():
                global _client
                if _client is None:
                    _client = boto3.client("secretsmanager")
                return _client

            def handler(event, context):
                return client().get_secret_value(SecretId="prod/db")
            """
        },
    )
    assert needs(report) == {
        ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:prod/db-??????")
    }


def test_explicit_credentials_are_not_the_role(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3

            def handler(event, context):
                creds = boto3.client("sts").assume_role(RoleArn="arn:aws:iam::111122223333:role/x",
                                                        RoleSessionName="s")["Credentials"]
                other = boto3.client("s3", aws_access_key_id=creds["AccessKeyId"],
                                     aws_secret_access_key=creds["SecretAccessKey"])
                other.put_object(Bucket="partner", Key="k", Body=b"")
            """
        },
    )
    assert needs(report) == {("sts:AssumeRole", "arn:aws:iam::111122223333:role/x")}
    assert report.foreign == (f"{tmp_path.as_posix()}/app.py:9: s3.PutObject",)


def test_region_and_account_from_function_arn(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            ddb = boto3.client("dynamodb")

            def handler(event, context):
                ddb.get_item(TableName="users", Key={})
            """
        },
        address="arn:aws:lambda:eu-central-1:123456789012:function:f",
    )
    assert needs(report) == {
        ("dynamodb:GetItem", "arn:aws:dynamodb:eu-central-1:123456789012:table/users")
    }


def test_factory_called_for_a_class_attribute_still_records_its_calls(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3

            def make():
                client = boto3.client("s3")
                client.head_bucket(Bucket="warmup")
                return client

            class Job:
                def __init__(self):
                    self.s3 = make()

                def run(self):
                    self.s3.put_object(Bucket="out", Key="k", Body=b"")

            def handler(event, context):
                Job().run()
            """
        },
    )
    assert needs(report) == {
        ("s3:ListBucket", "arn:aws:s3:::warmup"),
        ("s3:PutObject", "arn:aws:s3:::out/k"),
    }


def test_session_region_and_credentials(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            mine = boto3.Session(region_name="eu-west-3").client("sqs")
            theirs = boto3.Session("AKIA...", "secret").client("sqs")

            def handler(event, context):
                mine.purge_queue(QueueUrl="https://queue.amazonaws.com/123456789012/a")
                theirs.purge_queue(QueueUrl="https://queue.amazonaws.com/123456789012/b")
            """
        },
    )
    assert needs(report) == {("sqs:PurgeQueue", "arn:aws:sqs:eu-west-3:123456789012:a")}
    assert len(report.foreign) == 1


def test_botocore_sessions(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import botocore.session
            from botocore.session import get_session

            a = botocore.session.get_session().create_client("sns")
            b = get_session().create_client("sqs", region_name="us-east-2")

            def handler(event, context):
                a.list_topics()
                b.list_queues()
            """
        },
    )
    assert needs(report) == {("sns:ListTopics", "*"), ("sqs:ListQueues", "*")}
