"""The exceptions table: operations whose IAM action differs, checked end to end and as data."""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING

import pytest
from code_sdk.sdk_helpers import analyse, needs

from fnguard.code.sdk._services import service_info
from fnguard.code.sdk._table import action_table, parse_table
from fnguard.errors import RuleError
from fnguard.iam._actions import access_level

if TYPE_CHECKING:
    from pathlib import Path


def _needs_of(tmp_path: Path, client: str, line: str) -> set[tuple[str, str]]:
    report = analyse(
        tmp_path,
        {
            "app.py": f"""
            import boto3
            c = boto3.client("{client}")

            def handler(event, context):
                {line}
            """
        },
    )
    return needs(report)


@pytest.mark.parametrize(
    ("client", "line", "expected"),
    [
        ("s3", 'c.head_object(Bucket="b", Key="k")', {("s3:GetObject", "arn:aws:s3:::b/k")}),
        ("s3", 'c.head_bucket(Bucket="b")', {("s3:ListBucket", "arn:aws:s3:::b")}),
        (
            "s3",
            'c.get_object(Bucket="b", Key="k", VersionId="v1")',
            {("s3:GetObject", "arn:aws:s3:::b/k"), ("s3:GetObjectVersion", "arn:aws:s3:::b/k")},
        ),
        (
            "s3",
            'c.copy_object(CopySource={"Bucket": "src", "Key": "a"}, Bucket="dst", Key="b")',
            {("s3:GetObject", "arn:aws:s3:::src/a"), ("s3:PutObject", "arn:aws:s3:::dst/b")},
        ),
        (
            "s3",
            'c.copy_object(CopySource="src/in/a.txt?versionId=1", Bucket="dst", Key="b")',
            {("s3:GetObject", "arn:aws:s3:::src/in/a.txt"), ("s3:PutObject", "arn:aws:s3:::dst/b")},
        ),
        ("s3", "c.list_buckets()", {("s3:ListAllMyBuckets", "*")}),
        (
            "lambda",
            'c.invoke(FunctionName="arn:aws:lambda:eu-west-1:111122223333:function:w")',
            {("lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:111122223333:function:w")},
        ),
        (
            "dynamodb",
            'c.execute_statement(Statement="SELECT * FROM orders WHERE id = ?")',
            {("dynamodb:PartiQLSelect", "*")},
        ),
        (
            "dynamodb",
            'c.execute_statement(Statement="update orders set x = 1")',
            {("dynamodb:PartiQLUpdate", "*")},
        ),
        (
            "dynamodb",
            "c.execute_statement(Statement=event['q'])",
            {
                ("dynamodb:PartiQLDelete", "*"),
                ("dynamodb:PartiQLInsert", "*"),
                ("dynamodb:PartiQLSelect", "*"),
                ("dynamodb:PartiQLUpdate", "*"),
            },
        ),
        (
            "dynamodb",
            'c.batch_write_item(RequestItems={"orders": [], "audit": []})',
            {
                ("dynamodb:PutItem", "arn:aws:dynamodb:*:*:table/orders"),
                ("dynamodb:PutItem", "arn:aws:dynamodb:*:*:table/audit"),
                ("dynamodb:DeleteItem", "arn:aws:dynamodb:*:*:table/orders"),
                ("dynamodb:DeleteItem", "arn:aws:dynamodb:*:*:table/audit"),
            },
        ),
        (
            "dynamodb",
            "c.transact_write_items(TransactItems=[])",
            {
                ("dynamodb:PutItem", "*"),
                ("dynamodb:UpdateItem", "*"),
                ("dynamodb:DeleteItem", "*"),
                ("dynamodb:ConditionCheckItem", "*"),
            },
        ),
        (
            "kms",
            'c.re_encrypt(CiphertextBlob=b"", DestinationKeyId="alias/app")',
            {
                ("kms:ReEncryptFrom", "arn:aws:kms:*:*:key/*"),
                ("kms:ReEncryptTo", "arn:aws:kms:*:*:key/*"),
            },
        ),
        (
            "ses",
            'c.send_email(Source="a@b.c", Destination={}, Message={})',
            {("ses:SendEmail", "*")},
        ),
        ("sts", "c.get_caller_identity()", set()),
        (
            "secretsmanager",
            'c.get_secret_value(SecretId="arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf")',
            {
                (
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
                )
            },
        ),
        (
            "ssm",
            'c.get_parameter(Name="/app/key", WithDecryption=True)',
            {("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/app/key")},
        ),
        (
            "stepfunctions",
            'c.start_execution(stateMachineArn="arn:aws:states:eu-west-1:111122223333:stateMachine:m")',
            {("states:StartExecution", "arn:aws:states:eu-west-1:111122223333:stateMachine:m")},
        ),
        (
            "cloudwatch",
            'c.put_metric_data(Namespace="app", MetricData=[])',
            {("cloudwatch:PutMetricData", "*")},
        ),
        (
            "apigatewaymanagementapi",
            'c.post_to_connection(ConnectionId="x", Data=b"")',
            {("execute-api:ManageConnections", "*")},
        ),
    ],
)
def test_operation_to_actions(
    tmp_path: Path, client: str, line: str, expected: set[tuple[str, str]]
) -> None:
    assert _needs_of(tmp_path, client, line) == expected


def test_no_permission_calls_are_recorded_without_actions(tmp_path: Path) -> None:
    report = analyse(
        tmp_path,
        {
            "app.py": (
                "import boto3\ndef handler(e, c):\n    boto3.client('sts').get_caller_identity()\n"
            )
        },
    )
    [call] = report.calls
    assert (call.operation, call.actions, call.resources) == ("GetCallerIdentity", (), ())


def test_every_table_entry_is_a_real_operation_and_action() -> None:
    table = action_table()
    for (service, operation), specs in table.operations.items():
        info = service_info(service)
        assert info is not None, service
        assert operation in info.operations.values(), (service, operation)
        for spec in specs:
            if spec.action != "partiql":
                assert access_level(spec.action) is not None, spec.action
    for action in table.partiql.values():
        assert access_level(action) is not None, action
    for (service, _owner, _method), helper in table.helpers.items():
        info = service_info(service)
        assert info is not None
        assert set(helper.operations) <= set(info.operations.values())


def test_platform_needs_are_real_actions() -> None:
    raw = json.loads(
        resources.files("fnguard").joinpath("data", "lambda_platform_needs.json").read_text()
    )

    def actions(node: object) -> list[str]:
        if isinstance(node, list):
            return [str(a) for a in node]
        if isinstance(node, dict):
            return [a for k, v in node.items() if not k.startswith("_") for a in actions(v)]
        return []

    found = actions(raw)
    assert "logs:PutLogEvents" in found and "sqs:ReceiveMessage" in found
    assert [a for a in found if access_level(a) is None] == []


def test_iam_prefixes_come_from_the_model() -> None:
    prefixes = {s: service_info(s).iam_prefix for s in ("ses", "stepfunctions", "iot-data", "s3")}  # type: ignore[union-attr]
    assert prefixes == {"ses": "ses", "stepfunctions": "states", "iot-data": "iot", "s3": "s3"}
    assert service_info("no-such-service") is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "the document must be an object"),
        ({"operations": {"s3": {"GetObject": []}}}, "must be a non-empty list"),
        ({"operations": {"s3": {"GetObject": [{"when": "x"}]}}}, "expected an action name"),
        ({"arn_params": {"s3": {"Bucket": {}}}}, "needs a 'var'"),
        ({"none": {"sts": "GetCallerIdentity"}}, "must be a list of strings"),
    ],
)
def test_malformed_table_is_a_rule_error(document: object, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_table(document)
