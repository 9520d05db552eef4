"""Every event kind becomes the trigger, front door and permission its stack would have."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_sls.sls_helpers import collect_fixture, collect_source

from fnguard.model import InvocationType, TriggerKind

if TYPE_CHECKING:
    from pathlib import Path

W = "WorkerLambdaFunction"
A = "ApiLambdaFunction"
DDB = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop/stream/2024-01-01T00:00:00.000"


def test_triggers_of_every_kind() -> None:
    inv = collect_fixture("features")
    got = {
        (t.address, t.kind, t.function, t.invocation, t.source, t.filters, t.batch_size)
        for t in inv.triggers
    }
    sync, poll, async_ = InvocationType.SYNC, InvocationType.POLL, InvocationType.ASYNC
    url = TriggerKind.FUNCTION_URL
    assert got == {
        ("WorkerLambdaFunctionUrl", url, W, sync, "WorkerLambdaFunctionUrl", (), None),
        (
            "PublicLambdaFunctionUrl",
            url,
            "PublicLambdaFunction",
            sync,
            "PublicLambdaFunctionUrl",
            (),
            None,
        ),
        (
            "WorkerEventSourceMappingSQSShopjobs",
            TriggerKind.SQS,
            W,
            poll,
            "arn:aws:sqs:eu-west-1:123456789012:shop-jobs",
            (),
            5,
        ),
        ("WorkerEventSourceMappingDynamodbShop", TriggerKind.DYNAMODB_STREAM, W, poll, DDB, (), 50),
        (
            "WorkerEventSourceMappingKinesisClicks",
            TriggerKind.KINESIS,
            W,
            poll,
            "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks",
            (),
            10,
        ),
        (
            "S3BucketShopuploads.LambdaConfigurations[0]",
            TriggerKind.S3,
            W,
            async_,
            "S3BucketShopuploads",
            (("event", "s3:ObjectCreated:*"), ("prefix", "in/"), ("suffix", ".csv")),
            None,
        ),
        (
            "WorkerCustomS31.BucketConfigs[0]",
            TriggerKind.S3,
            W,
            async_,
            "shop-legacy",  # existing: true -> the bucket is not the stack's
            (("event", "s3:ObjectCreated:*"), ("prefix", "old/")),
            None,
        ),
        (
            "SNSTopicShopevents.Subscription[0]",
            TriggerKind.SNS,
            W,
            async_,
            "SNSTopicShopevents",
            (),
            None,
        ),
        (
            "WorkerSnsSubscriptionShopexternal",
            TriggerKind.SNS,
            W,
            async_,
            "arn:aws:sns:eu-west-1:123456789012:shop-external",
            (),
            None,
        ),
        (
            "WorkerEventsRuleSchedule1.Targets[0]",
            TriggerKind.SCHEDULE,
            W,
            async_,
            "WorkerEventsRuleSchedule1",
            (),
            None,
        ),
        (
            "WorkerEventBridgeRule1.Targets[0]",
            TriggerKind.EVENTBRIDGE,
            W,
            async_,
            "WorkerEventBridgeRule1",
            (("pattern", '{"source":["shop.orders"]}'),),
            None,
        ),
        ("ApiAlbTargetGroup5.Targets[0]", TriggerKind.ALB, A, sync, "ApiAlbTargetGroup5", (), None),
        (
            "ApiGatewayMethodOrdersIdVarGet",
            TriggerKind.API_REST,
            A,
            sync,
            "ApiGatewayRestApi",
            (),
            None,
        ),
        ("HttpApiIntegrationApi", TriggerKind.API_HTTP, A, sync, "HttpApi", (), None),
    }
    bucket = inv.get("S3BucketShopuploads")
    assert bucket is not None
    assert [b.name for b in inv.buckets] == ["shop-uploads"]


def test_front_doors_with_authorizers_cors_and_default_timeouts() -> None:
    inv = collect_fixture("features")
    got = {
        (
            d.address,
            d.kind.value,
            d.authorization,
            d.integration_timeout_ms,
            d.stages,
            d.cors_allow_origins,
        )
        for d in inv.front_doors
    }
    assert got == {
        (
            "WorkerLambdaFunctionUrl",
            "function-url",
            "AWS_IAM",
            None,
            (),
            ("https://shop.example.com",),
        ),
        ("PublicLambdaFunctionUrl", "function-url", "NONE", None, (), ()),
        ("ApiGatewayMethodOrdersIdVarGet", "api-rest", "AWS_IAM", 29000, ("prod",), ()),
        ("HttpApiIntegrationApi", "api-http", "JWT", 30000, ("$default",), ("*",)),
    }


def test_permissions_name_their_callers() -> None:
    inv = collect_fixture("features")
    got = {(p.address, p.principal, p.action, p.source_arn) for p in inv.permissions}
    invoke = "lambda:InvokeFunction"
    assert got == {
        ("ApiLambdaPermissionApiGateway", "apigateway.amazonaws.com", invoke, "ApiGatewayRestApi"),
        ("ApiLambdaPermissionHttpApi", "apigateway.amazonaws.com", invoke, "HttpApi"),
        (
            "ApiLambdaPermissionAlb5",
            "elasticloadbalancing.amazonaws.com",
            invoke,
            "ApiAlbTargetGroup5",
        ),
        ("WorkerLambdaPermissionShopeventsSNS", "sns.amazonaws.com", invoke, "SNSTopicShopevents"),
        (
            "WorkerLambdaPermissionShopexternalSNS",
            "sns.amazonaws.com",
            invoke,
            "arn:aws:sns:eu-west-1:123456789012:shop-external",
        ),
        (
            "WorkerLambdaPermissionEventsRuleSchedule1",
            "events.amazonaws.com",
            invoke,
            "WorkerEventsRuleSchedule1",
        ),
        (
            "WorkerEventBridgeLambdaPermission1",
            "events.amazonaws.com",
            invoke,
            "WorkerEventBridgeRule1",
        ),
        ("WorkerLambdaPermissionShopuploadsS3", "s3.amazonaws.com", invoke, "S3BucketShopuploads"),
        (
            "WorkerLambdaPermissionShoplegacyS3",
            "s3.amazonaws.com",
            invoke,
            "arn:aws:s3:::shop-legacy",
        ),
        ("PublicLambdaPermissionFnUrl", "*", "lambda:InvokeFunctionUrl", None),
        ("PublicLambdaPermissionFnUrlInvokeFunction", "*", invoke, None),
    }
    url = inv.get("PublicLambdaPermissionFnUrl")
    assert getattr(url, "function_url_auth_type", None) == "NONE"
    assert getattr(url, "invoked_via_function_url", None) is False
    via_url = inv.get("PublicLambdaPermissionFnUrlInvokeFunction")
    assert getattr(via_url, "invoked_via_function_url", None) is True


def test_private_rest_api_and_custom_authorizers(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  endpointType: PRIVATE\nfunctions:\n  f:\n"
        "    handler: h.h\n    events:\n"
        "      - http: GET /a\n"
        "      - http: {path: b, method: post, authorizer: {name: auth, type: request}}\n"
        "      - http: {path: c, method: get,\n"
        "          authorizer: arn:aws:cognito-idp:eu-west-1:1:userpool/x}\n"
        "      - http: {path: d, method: get, timeout: 10}\n",
    )
    got = {
        (d.address, d.authorization, d.public, d.integration_timeout_ms) for d in inv.front_doors
    }
    assert got == {
        ("ApiGatewayMethodAGet", "NONE", False, 29000),
        ("ApiGatewayMethodBPost", "CUSTOM", False, 29000),
        ("ApiGatewayMethodCGet", "COGNITO_USER_POOLS", False, 29000),
        ("ApiGatewayMethodDGet", "NONE", False, 10000),
    }
    assert [p.address for p in inv.permissions] == ["FLambdaPermissionApiGateway"]


def test_events_not_analysed_are_gaps(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider: {name: aws, runtime: python3.12}\n"
        "functions:\n  f:\n    handler: h.h\n    events:\n"
        "      - websocket: $connect\n      - madeUp: {}\n",
    )
    assert {(g.resource, g.field, g.location.line, g.reason) for g in inv.gaps} == {
        ("FLambdaFunction", "triggers", 7, "websocket events are not analysed"),
        ("FLambdaFunction", "triggers", 8, "madeUp events are not analysed"),
    }


def test_events_named_after_the_collectors_helpers_are_not_analysed(tmp_path: Path) -> None:
    names = ["next", "raw", "permission", "rule", "batching", "http_authorization", "note", "url"]
    events = "".join(f"      - {name}: {{a: 1}}\n" for name in names)
    inv = collect_source(
        tmp_path,
        "service: s\nprovider: {name: aws, runtime: python3.12}\n"
        "functions:\n  f:\n    handler: h.h\n    events:\n" + events,
    )
    assert {(g.location.line, g.reason) for g in inv.gaps} == {
        (7 + i, f"{name} events are not analysed") for i, name in enumerate(names)
    }
    assert inv.triggers == () and inv.front_doors == () and inv.permissions == ()


def test_scheduler_cloudwatch_events_integrations_and_existing_http_apis(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n  httpApi:\n    id: abc123\n"
        "functions:\n  f:\n    handler: h.h\n    events:\n"
        "      - schedule: {rate: cron(0 * * * ? *), method: scheduler}\n"
        "      - cloudwatchEvent: {event: {source: [aws.ec2]}}\n"
        "      - http: {path: a, method: get, integration: lambda}\n"
        "      - http: {path: m, method: get, integration: mock}\n"
        "      - httpApi: GET /x\n"
        "plugins:\n  - serverless-python-requirements\n",
    )
    got = {(t.address, t.kind, t.source, t.filters) for t in inv.triggers}
    assert got == {
        ("FSchedule1", TriggerKind.SCHEDULE, "FSchedule1", ()),
        (
            "FEventsRuleCloudWatchEvent1.Targets[0]",
            TriggerKind.EVENTBRIDGE,
            "FEventsRuleCloudWatchEvent1",
            (("pattern", '{"source":["aws.ec2"]}'),),
        ),
        ("ApiGatewayMethodAGet", TriggerKind.API_REST, "ApiGatewayRestApi", ()),
        ("HttpApiIntegrationF", TriggerKind.API_HTTP, "abc123", ()),  # the existing API
    }
    http = next(p for p in inv.permissions if p.address == "FLambdaPermissionHttpApi")
    assert http.source_arn == "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:abc123/*"
    assert {(g.resource, g.field, g.location.line, g.reason) for g in inv.gaps} == {
        (
            "FLambdaFunction",
            "triggers",
            14,
            "http event with a mock integration does not invoke the function",
        ),
        (
            "",
            "",
            17,
            "plugin serverless-python-requirements is not run; "
            "resources it adds or changes are not analysed",
        ),
    }
