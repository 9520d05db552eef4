"""The generated policy (exact JSON) and ``fnguard policy generate`` end to end."""

from __future__ import annotations

import argparse
import io
import json
import zipfile
from typing import TYPE_CHECKING, NoReturn

import pytest
from code_sdk.sdk_helpers import write

from fnguard import _cli_policy, cli
from fnguard.code.sdk import minimal_policy
from fnguard.errors import FnguardError, UsageError
from fnguard.model import Location, SdkCall

if TYPE_CHECKING:
    from pathlib import Path

HANDLER = """
import os
import boto3

s3 = boto3.client("s3")
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])

def lambda_handler(event, context):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="inbox"):
        for item in page.get("Contents", []):
            body = s3.get_object(Bucket="inbox", Key=item["Key"])["Body"].read()
            table.put_item(Item={"key": item["Key"], "size": len(body)})
            s3.delete_object(Bucket="inbox", Key=item["Key"])
    boto3.client("sts").get_caller_identity()
"""

EXPECTED = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DynamodbAccess1",
            "Effect": "Allow",
            "Action": ["dynamodb:PutItem"],
            "Resource": ["arn:aws:dynamodb:*:*:table/orders"],
        },
        {
            "Sid": "S3Access1",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": ["arn:aws:s3:::inbox"],
        },
        {
            "Sid": "S3Access2",
            "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:GetObject"],
            "Resource": ["arn:aws:s3:::inbox/*"],
        },
    ],
}


def test_minimal_policy_groups_by_service_and_resources() -> None:
    def call(actions: tuple[str, ...], *resources: str) -> SdkCall:
        return SdkCall("f", Location("a.py", 1), "s3", "X", actions, resources)

    policy = minimal_policy(
        [
            call(("s3:PutObject",), "arn:aws:s3:::b/out/*"),
            call(("s3:GetObject",), "arn:aws:s3:::b/in/*", "arn:aws:s3:::b/out/*"),
            call(("s3:GetObject",), "*"),
            call(("s3:ListBucket",), "arn:aws:s3:::b"),
            call(("sqs:SendMessage",), "arn:aws:sqs:*:*:q"),
            call(()),
        ],
        extra=[("logs:PutLogEvents", "*")],
    )
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "LogsAccess1",
                "Effect": "Allow",
                "Action": ["logs:PutLogEvents"],
                "Resource": ["*"],
            },
            {"Sid": "S3Access1", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]},
            {
                "Sid": "S3Access2",
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": ["arn:aws:s3:::b"],
            },
            {
                "Sid": "S3Access3",
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": ["arn:aws:s3:::b/out/*"],
            },
            {
                "Sid": "SqsAccess1",
                "Effect": "Allow",
                "Action": ["sqs:SendMessage"],
                "Resource": ["arn:aws:sqs:*:*:q"],
            },
        ],
    }


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _run(*argv: str) -> tuple[int, str]:
    parser = _Parser(prog="fnguard policy")
    _cli_policy.add_arguments(parser)
    out = io.StringIO()
    return _cli_policy.run(parser.parse_args(list(argv)), out), out.getvalue()


def test_generate_json_from_a_folder(tmp_path: Path) -> None:
    write(tmp_path, {"lambda_function.py": HANDLER})
    code, out = _run("generate", str(tmp_path), "--env", "TABLE=orders", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["policy"] == EXPECTED
    assert document["handler"] == "lambda_function.lambda_handler"
    assert document["dynamic_sdk_use"] is False
    assert document["notes"] == [
        f"{tmp_path.as_posix()}/lambda_function.py:14: sts.GetCallerIdentity needs no permission"
    ]
    assert {c["operation"] for c in document["calls"]} == {
        "ListObjectsV2",
        "GetObject",
        "PutItem",
        "DeleteObject",
        "GetCallerIdentity",
    }


def test_generate_text_from_a_file_with_unset_env(tmp_path: Path) -> None:
    write(tmp_path, {"worker.py": HANDLER})
    code, out = _run("generate", str(tmp_path / "worker.py"))
    assert code == 0
    assert out.startswith(
        f"Minimal IAM policy for worker.lambda_handler in {tmp_path.as_posix()}/worker.py\n"
    )
    assert '"Resource": [\n        "*"\n      ]' in out  # the table is unknown without TABLE
    assert (
        f"  - TABLE is not set (used by the call at {tmp_path.as_posix()}/worker.py:12): its ARNs "
        "use '*'; pass --env TABLE=VALUE\n"
    ) in out
    assert "  s3.ListObjectsV2 -> s3:ListBucket on arn:aws:s3:::inbox" in out


def test_generate_from_a_zip_with_handler(tmp_path: Path) -> None:
    archive = tmp_path / "fn.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/main.py", HANDLER)
    code, out = _run(
        "generate",
        str(archive),
        "--handler",
        "pkg/main.lambda_handler",
        "--env",
        "TABLE=orders",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["policy"] == EXPECTED


def test_generate_with_no_sdk_calls(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "def handler(event, context):\n    return 1\n"})
    code, out = _run("generate", str(tmp_path / "app.py"))
    assert code == 0
    assert "The code makes no AWS SDK calls that need a permission" in out


def test_generate_reports_dynamic_use(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": "import boto3\ndef handler(event, context):\n"
            "    boto3.client(event['s']).do()\n"
        },
    )
    code, out = _run("generate", str(tmp_path), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["dynamic_sdk_use"] is True
    assert document["notes"][0].endswith(
        "app.py:3: boto3 client() with a service name the analysis cannot read: "
        "the policy may lack what this call needs"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("generate", "{tmp}/missing"), "{tmp}/missing: no such file or folder"),
        (("generate", "{tmp}", "--env", "NOEQUALS"), "--env 'NOEQUALS': expected KEY=VALUE"),
        (("generate", "{tmp}/empty"), "{tmp}/empty: no handler module found; pass --handler"),
        (
            ("generate", "{tmp}", "--handler", "nodot"),
            "--handler 'nodot': expected module.function",
        ),
        (("generate", "{tmp}/bad.py"), "{tmp}/bad.py:2: cannot parse Python"),
        (("generate", "{tmp}/lib.py"), "{tmp}/lib.py: no handler function found"),
        (("generate", "{tmp}", "--handler", "bad.handler"), "{tmp}/bad.py:2: cannot parse Python"),
        (("generate", "{tmp}", "--handler", "gone.handler"), "handler module gone.py not found"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, argv: tuple[str, ...], message: str) -> None:
    write(
        tmp_path,
        {
            "bad.py": "def handler(event, context):\n    return (\n",
            "lib.py": "def a():\n    pass\n",
            "empty/readme.txt": "",
        },
    )
    tmp = tmp_path.as_posix()
    with pytest.raises(FnguardError) as caught:
        _run(*(a.replace("{tmp}", tmp) for a in argv))
    assert message.replace("{tmp}", tmp) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_through_the_cli_main(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Until the command is registered in cli._PLUGGED, register it for this test only.
    monkeypatch.setitem(cli._PLUGGED, "policy", "fnguard._cli_policy")
    write(tmp_path, {"handler.py": HANDLER})
    out = io.StringIO()
    argv = ["policy", "generate", str(tmp_path), "--env", "TABLE=orders", "--format", "json"]
    assert cli.main(argv, out) == 0
    assert json.loads(out.getvalue())["policy"] == EXPECTED
    assert cli.main(["policy", "generate", str(tmp_path / "nope")], io.StringIO()) == 2
    assert (
        capsys.readouterr().err == f"fnguard: {tmp_path.as_posix()}/nope: no such file or folder\n"
    )
    assert cli.main(["policy"], io.StringIO()) == 2
    assert "required" in capsys.readouterr().err


def test_region_and_account_fill_the_arns(tmp_path: Path) -> None:
    write(tmp_path, {"handler.py": HANDLER})
    code, out = _run(
        "generate",
        str(tmp_path),
        "--env",
        "TABLE=orders",
        "--region",
        "eu-west-1",
        "--account",
        "111122223333",
        "--format",
        "json",
    )
    assert code == 0
    statement = json.loads(out)["policy"]["Statement"][0]
    assert statement["Resource"] == ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders"]
    code, out = _run(
        "generate", str(tmp_path), "--env", "TABLE=t", "--region", "us-east-2", "--format", "json"
    )
    assert json.loads(out)["policy"]["Statement"][0]["Resource"] == [
        "arn:aws:dynamodb:us-east-2:*:table/t"
    ]
    with pytest.raises(UsageError, match="expected a 12-digit account ID"):
        _run("generate", str(tmp_path), "--account", "12")
    with pytest.raises(UsageError, match="expected a region"):
        _run("generate", str(tmp_path), "--region", "mars")
