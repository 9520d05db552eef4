"""SAM: Globals, the generated role and policy templates, every event kind, APIs and URLs."""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING

from collect_cfn.cfn_helpers import collect_fixture, collect_source

from fnguard.model import (
    Architecture,
    EnvVar,
    InvocationType,
    Location,
    PackageRef,
    PackageType,
    PolicyKind,
    TriggerKind,
)

if TYPE_CHECKING:
    from pathlib import Path

FILE = "sam_full.yaml"
MANAGED = "arn:aws:iam::aws:policy/"


def test_globals_merge_into_each_function() -> None:
    worker, imaged = collect_fixture(FILE).functions
    assert (worker.runtime, worker.handler, worker.memory_mb) == ("python3.12", "app.handler", 512)
    assert worker.timeout_s == 60  # the function's own value wins over Globals
    assert worker.architectures == (Architecture.ARM64,)
    assert worker.tracing_mode == "Active"
    # Maps merge (the function wins per key); lists put the Globals entries first.
    assert worker.environment == (
        EnvVar("STAGE", "prod", location=Location(FILE, 14)),  # from Globals
        EnvVar("LOG_LEVEL", "debug", location=Location(FILE, 30)),
    )
    assert worker.layers == ("Deps", "arn:aws:lambda:eu-west-1:123456789012:layer:extra:1")
    assert worker.tags == {"team": "orders", "lambda:createdBy": "SAM"}
    assert worker.reserved_concurrency == 3
    assert worker.dead_letter_target == "Dlq"
    assert worker.on_failure_destination == "Failures"
    assert worker.package == PackageRef(
        path="src/worker", hash_declared=True, source_dir="src/worker"
    )
    # Globals reach the second function too; its own Tracing overrides.
    assert imaged.memory_mb == 512
    assert imaged.timeout_s == 10
    assert imaged.tracing_mode == "PassThrough"
    assert [e.value for e in imaged.environment] == ["prod", "info"]


def test_existing_role_and_image_package() -> None:
    inv = collect_fixture(FILE)
    imaged = inv.functions[1]
    assert imaged.role == "SharedRole"
    assert imaged.package_type is PackageType.IMAGE
    assert imaged.package == PackageRef(
        image_uri="123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
    )
    assert [r.address for r in inv.roles] == ["WorkerRole", "SharedRole"]  # no ImagedRole


def test_generated_role_like_the_translator() -> None:
    role = collect_fixture(FILE).roles[0]
    assert role.address == "WorkerRole"
    assert role.trust_policy is not None
    assert role.trust_policy.statements == (
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com"]},
            "Action": ["sts:AssumeRole"],
        },
    )
    assert [(p.name, p.kind, p.arn) for p in role.policies] == [
        ("DeadLetterQueuePolicy", PolicyKind.INLINE, None),
        ("WorkerEventInvokeConfigOnFailureSNSPolicy", PolicyKind.INLINE, None),
        ("WorkerRolePolicy0", PolicyKind.INLINE, None),
        ("WorkerRolePolicy1", PolicyKind.INLINE, None),
        (
            "AWSLambdaBasicExecutionRole",
            PolicyKind.AWS_MANAGED,
            MANAGED + "service-role/AWSLambdaBasicExecutionRole",
        ),
        ("AWSXrayWriteOnlyAccess", PolicyKind.AWS_MANAGED, MANAGED + "AWSXrayWriteOnlyAccess"),
        ("AmazonS3ReadOnlyAccess", PolicyKind.AWS_MANAGED, MANAGED + "AmazonS3ReadOnlyAccess"),
        (
            "AWSLambdaSQSQueueExecutionRole",
            PolicyKind.AWS_MANAGED,
            MANAGED + "service-role/AWSLambdaSQSQueueExecutionRole",
        ),
        (
            "AWSLambdaKinesisExecutionRole",
            PolicyKind.AWS_MANAGED,
            MANAGED + "service-role/AWSLambdaKinesisExecutionRole",
        ),
        (
            "AWSLambdaDynamoDBExecutionRole",
            PolicyKind.AWS_MANAGED,
            MANAGED + "service-role/AWSLambdaDynamoDBExecutionRole",
        ),
    ]
    assert role.policies[0].statements == (
        {"Action": "sqs:SendMessage", "Resource": "${Dlq.Arn}", "Effect": "Allow"},
    )


def test_policy_templates_give_the_translators_statements() -> None:
    policies = {p.name: p for p in collect_fixture(FILE).roles[0].policies}
    assert policies["WorkerRolePolicy0"].statements == (
        {
            "Action": [
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:GetLifecycleConfiguration",
            ],
            "Effect": "Allow",
            "Resource": ["arn:aws:s3:::uploads", "arn:aws:s3:::uploads/*"],
        },
    )
    assert policies["WorkerRolePolicy1"].statements == (
        {
            "Action": [
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ],
            "Effect": "Allow",
            "Resource": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Jobs.QueueName}",
        },
    )
    # The actions come from the installed translator's own data, not a copy in fnguard.
    shipped = json.loads(
        resources.files("samtranslator")
        .joinpath("policy_templates_data/policy_templates.json")
        .read_text()
    )
    sqs = shipped["Templates"]["SQSPollerPolicy"]["Definition"]["Statement"][0]["Action"]
    assert policies["WorkerRolePolicy1"].statements[0]["Action"] == sqs


def test_every_event_kind_becomes_a_trigger() -> None:
    inv = collect_fixture(FILE)
    got = {
        (t.address, t.kind, t.source, t.invocation, t.filters, t.batch_size, t.batching_window_s)
        for t in inv.triggers
        if t.function == "Worker"
    }
    async_, poll, sync = InvocationType.ASYNC, InvocationType.POLL, InvocationType.SYNC
    assert got == {
        (
            "WorkerFromQueue",
            TriggerKind.SQS,
            "Jobs",
            poll,
            (("pattern", '{"body": {"kind": ["order"]}}'),),
            5,
            2,
        ),
        ("WorkerFromTable", TriggerKind.DYNAMODB_STREAM, "Table", poll, (), 100, 0),
        ("WorkerFromStream", TriggerKind.KINESIS, "Stream", poll, (), 50, 0),
        (
            "Uploads.LambdaConfigurations[0]",
            TriggerKind.S3,
            "Uploads",
            async_,
            (("event", "s3:ObjectCreated:*"), ("suffix", ".csv")),
            None,
            None,
        ),
        (
            "Uploads.LambdaConfigurations[1]",
            TriggerKind.S3,
            "Uploads",
            async_,
            (("event", "s3:ObjectRemoved:*"), ("suffix", ".csv")),
            None,
            None,
        ),
        ("WorkerFromTopic", TriggerKind.SNS, "Topic", async_, (), None, None),
        ("WorkerNightly.Targets[0]", TriggerKind.SCHEDULE, "WorkerNightly", async_, (), None, None),
        ("WorkerHourly", TriggerKind.SCHEDULE, "WorkerHourly", async_, (), None, None),
        (
            "WorkerOnEvent.Targets[0]",
            TriggerKind.EVENTBRIDGE,
            "WorkerOnEvent",
            async_,
            (("pattern", '{"source":["aws.s3"]}'),),
            None,
            None,
        ),
        (
            "WorkerOnLegacyEvent.Targets[0]",
            TriggerKind.EVENTBRIDGE,
            "WorkerOnLegacyEvent",
            async_,
            (("pattern", '{"source":["aws.ec2"]}'),),
            None,
            None,
        ),
        ("WorkerWeb", TriggerKind.API_REST, "ServerlessRestApi", sync, (), None, None),
        ("WorkerWebSecured", TriggerKind.API_REST, "PrivateApi", sync, (), None, None),
        ("WorkerHttpIntegration", TriggerKind.API_HTTP, "JwtApi", sync, (), None, None),
    }


def test_front_doors_implicit_and_explicit_apis() -> None:
    doors = {
        d.address: (
            d.kind.value,
            d.functions,
            d.authorization,
            d.public,
            d.integration_timeout_ms,
            d.stages,
            d.throttling_rate_limit,
            d.throttling_burst_limit,
            d.cors_allow_origins,
        )
        for d in collect_fixture(FILE).front_doors
    }
    assert doors == {
        "ImagedUrl": (
            "function-url",
            ("Imaged",),
            "AWS_IAM",
            True,
            None,
            (),
            None,
            None,
            ("https://example.com",),
        ),
        # SAM's implicit ServerlessRestApi, stage Prod, the REST default timeout.
        "WorkerWeb": ("api-rest", ("Worker",), "NONE", True, 29000, ("Prod",), None, None, ()),
        "WorkerWebSecured": (
            "api-rest",
            ("Worker",),
            "COGNITO_USER_POOLS",
            False,
            29000,
            ("v1",),
            100.0,
            50,
            (),
        ),
        "WorkerHttpIntegration": (
            "api-http",
            ("Worker",),
            "JWT",
            True,
            5000,
            ("$default",),
            10.0,
            5,
            ("*",),
        ),
    }


def test_permissions_sam_generates() -> None:
    perms = {
        (p.address, p.principal, p.source_arn, p.source_account)
        for p in collect_fixture(FILE).permissions
    }
    assert perms == {
        ("WorkerFromBucketPermission", "s3.amazonaws.com", None, "${AWS::AccountId}"),
        ("WorkerFromTopicPermission", "sns.amazonaws.com", "Topic", None),
        ("WorkerNightlyPermission", "events.amazonaws.com", "WorkerNightly", None),
        ("WorkerOnEventPermission", "events.amazonaws.com", "WorkerOnEvent", None),
        ("WorkerOnLegacyEventPermission", "events.amazonaws.com", "WorkerOnLegacyEvent", None),
        ("WorkerWebPermission", "apigateway.amazonaws.com", "ServerlessRestApi", None),
        ("WorkerWebSecuredPermission", "apigateway.amazonaws.com", "PrivateApi", None),
        ("WorkerHttpPermission", "apigateway.amazonaws.com", "JwtApi", None),
    }


def test_no_gaps_when_every_managed_policy_sam_attaches_is_known() -> None:
    # Tracing: Active makes SAM attach AWSXrayWriteOnlyAccess; fnguard ships its document.
    assert collect_fixture(FILE).gaps == ()


_HEAD = "Transform: AWS::Serverless-2016-10-31\nResources:\n"


def test_public_function_url_gets_the_public_permission(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        _HEAD + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: a.b\n      CodeUri: .\n"
        "      FunctionUrlConfig: {AuthType: NONE}\n",
    )
    via_url, url_perm = sorted(inv.permissions, key=lambda p: p.address)
    assert (
        url_perm.address,
        url_perm.action,
        url_perm.principal,
        url_perm.function_url_auth_type,
        url_perm.invoked_via_function_url,
    ) == ("FnUrlPublicPermissions", "lambda:InvokeFunctionUrl", "*", "NONE", False)
    # The second statement AWS requires: InvokeFunction, only through the URL.
    assert (
        via_url.address,
        via_url.action,
        via_url.principal,
        via_url.function_url_auth_type,
        via_url.invoked_via_function_url,
    ) == ("FnURLInvokeAllowPublicAccess", "lambda:InvokeFunction", "*", None, True)
    assert inv.front_doors[0].authorization == "NONE"


def test_iam_function_url_gets_no_public_permission(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        _HEAD + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: a.b\n      CodeUri: .\n"
        "      FunctionUrlConfig: {AuthType: AWS_IAM}\n",
    )
    assert inv.permissions == ()
    assert inv.front_doors[0].authorization == "AWS_IAM"


def test_bucket_referenced_by_policy_and_event_is_a_cycle(tmp_path: Path) -> None:
    """SAM's classic: an S3 event plus a policy that !Refs the same bucket cannot deploy."""
    inv = collect_source(
        tmp_path,
        _HEAD + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: a.b\n      CodeUri: .\n"
        "      Policies: [{S3ReadPolicy: {BucketName: !Ref Bucket}}]\n"
        "      Events:\n        Up:\n          Type: S3\n"
        "          Properties: {Bucket: !Ref Bucket, Events: s3:ObjectCreated:*}\n"
        "  Bucket:\n    Type: AWS::S3::Bucket\n",
    )
    cycle = {g.resource for g in inv.gaps if g.field == "depends_on"}
    assert cycle == {"Fn", "FnRole", "Bucket"}
    assert len(inv.triggers) == 1  # still scanned


def test_constructs_not_understood_become_gaps(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        _HEAD + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: a.b\n      CodeUri: .\n"
        "      Policies: [{NoSuchPolicyTemplate: {}}]\n"
        "      Events:\n        Iot:\n          Type: IoTRule\n          Properties: {Sql: x}\n"
        "  Machine:\n    Type: AWS::Serverless::StateMachine\n",
    )
    assert sorted((g.resource, g.reason) for g in inv.gaps) == [
        ("Fn", "event Iot of type IoTRule is not analysed"),
        ("Fn", "policy template NoSuchPolicyTemplate is not a SAM policy template"),
        ("Machine", "AWS::Serverless::StateMachine is not analysed"),
    ]
    assert len(inv.functions) == 1
