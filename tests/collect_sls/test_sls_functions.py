"""Provider settings inherited and overridden; the generated role and log groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_sls.sls_helpers import collect_fixture, collect_source

from fnguard.model import (
    Architecture,
    EnvVar,
    Function,
    Location,
    LoggingConfig,
    PackageRef,
    PackageType,
    Provider,
    VpcConfig,
)

if TYPE_CHECKING:
    from pathlib import Path

_FILE = "serverless.yml"


def _fn(address: str) -> Function:
    fn = collect_fixture("features").get(address)
    assert isinstance(fn, Function)
    return fn


def test_a_function_inherits_every_provider_setting() -> None:
    assert _fn("ApiLambdaFunction") == Function(
        address="ApiLambdaFunction",
        provider=Provider.AWS,
        location=Location(_FILE, 50),
        name="shop-prod-api",
        runtime="nodejs20.x",
        architectures=(Architecture.ARM64,),
        memory_mb=512,
        timeout_s=10,
        handler="api.handler",
        environment=(
            EnvVar("SHARED", "from-provider", location=Location(_FILE, 26)),
            EnvVar("LEVEL", "debug", location=Location(_FILE, 53)),  # the function's wins
        ),
        kms_key_arn="arn:aws:kms:eu-west-1:123456789012:key/provider-key",
        role="IamRoleLambdaExecution",
        vpc=VpcConfig(("subnet-a", "subnet-b"), ("sg-0123",)),
        tracing_mode="Active",
        logging=LoggingConfig(log_format="JSON", log_group="/aws/lambda/shop-prod-api"),
        package=PackageRef(
            path=".", hash_declared=True, s3_bucket="shop-deployments", source_dir="."
        ),
    )


def test_function_settings_override_the_provider() -> None:
    fn = _fn("WorkerLambdaFunction")
    assert (
        fn.runtime,
        fn.memory_mb,
        fn.timeout_s,
        fn.architectures,
        fn.kms_key_arn,
        fn.vpc,
        fn.tracing_mode,
        fn.reserved_concurrency,
        fn.layers,
        fn.dead_letter_target,
        fn.on_failure_destination,
    ) == (
        "python3.12",
        2048,
        120,
        (Architecture.X86_64,),
        "arn:aws:kms:eu-west-1:123456789012:key/worker-key",
        VpcConfig(("subnet-c",), ("sg-9999",)),
        "PassThrough",
        5,
        ("arn:aws:lambda:eu-west-1:123456789012:layer:deps:3",),
        "arn:aws:sns:eu-west-1:123456789012:shop-dlq",
        "arn:aws:sqs:eu-west-1:123456789012:shop-failures",
    )
    assert [(e.name, e.value) for e in fn.environment] == [
        ("SHARED", "from-provider"),
        ("LEVEL", "info"),
    ]
    # package.artifact: the framework uploads it under its own hash.
    assert fn.package == PackageRef(
        path="dist/worker.zip",
        hash_declared=True,
        s3_bucket="shop-deployments",
        source_dir="dist/worker.zip",
    )


def test_image_functions_and_function_level_logs() -> None:
    fn = _fn("PublicLambdaFunction")
    assert (fn.package_type, fn.package.image_uri, fn.runtime, fn.handler) == (
        PackageType.IMAGE,
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:1",
        None,
        None,
    )
    assert fn.logging.log_format == "Text"


def test_defaults_are_the_frameworks(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider: {name: aws, runtime: python3.12}\nfunctions:\n  my-fn_a:\n"
        "    handler: h.h\n",
    )
    (fn,) = inv.functions
    assert (fn.address, fn.name, fn.memory_mb, fn.timeout_s, fn.tracing_mode) == (
        "MyDashfnUnderscoreaLambdaFunction",
        "s-dev-my-fn_a",
        1024,
        6,
        "PassThrough",
    )
    (group,) = inv.log_groups
    assert (group.address, group.name, group.retention_days) == (
        "MyDashfnUnderscoreaLogGroup",
        "/aws/lambda/s-dev-my-fn_a",
        None,
    )


def test_the_generated_role_carries_provider_statements_and_event_grants() -> None:
    inv = collect_fixture("features")
    (role,) = inv.roles
    assert (role.address, role.name, role.location) == (
        "IamRoleLambdaExecution",
        "shop-prod-${AWS::Region}-lambdaRole",
        Location(_FILE, 31),
    )
    inline, extra, vpc = role.policies
    actions = [s["Action"] for s in inline.statements]
    assert actions == [
        ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"],
        ["logs:PutLogEvents"],
        "dynamodb:GetItem",
        ["sns:Publish"],
        ["sqs:SendMessage"],
        ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        [
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:DescribeStream",
            "dynamodb:ListStreams",
        ],
        [
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:DescribeStream",
            "kinesis:ListStreams",
        ],
        ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    ]
    assert inline.statements[0]["Resource"] == [
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/shop-prod*:*"
    ]
    assert extra.arn == "arn:aws:iam::123456789012:policy/shop-extra"
    assert vpc.arn == "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    assert role.boundary is not None
    assert role.boundary.arn == "arn:aws:iam::123456789012:policy/boundary"
    assert [(g.address, g.retention_days) for g in inv.log_groups] == [
        ("ApiLogGroup", 14),
        ("WorkerLogGroup", 14),
        ("PublicLogGroup", 14),
    ]


def test_recursive_loop_and_an_unknown_default_runtime(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider: {name: aws}\nfunctions:\n  f:\n    handler: h.h\n"
        "    recursiveLoop: Allow\n",
    )
    (fn,) = inv.functions
    assert (fn.recursive_loop, fn.runtime) == ("Allow", None)
    assert [(g.resource, g.field, g.location.line) for g in inv.gaps] == [
        ("FLambdaFunction", "runtime", 4)
    ]
