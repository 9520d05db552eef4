"""LIM001-LIM006 on hand-built inventories."""

from __future__ import annotations

from rules_network.rulekit import failures, fn, loc, rule, run, unknowns

from fnguard.model import (
    FrontDoor,
    FrontDoorKind,
    Inventory,
    InvocationType,
    Permission,
    Provider,
    Queue,
    Trigger,
    TriggerKind,
)
from fnguard.rules.limits import RULES

LIM001, LIM002, LIM003 = (rule(RULES, f"LIM00{i}") for i in (1, 2, 3))
LIM004, LIM005, LIM006 = (rule(RULES, f"LIM00{i}") for i in (4, 5, 6))
FN = "aws_lambda_function.api"


def _trigger(
    kind: TriggerKind, invocation: InvocationType, source: str | None = None, **kw: object
) -> Trigger:
    return Trigger(f"trigger.{kind.value}", kind, FN, invocation, loc(), source=source, **kw)  # type: ignore[arg-type]


def test_lim001_memory_range() -> None:
    assert len(failures(run(LIM001, Inventory(functions=(fn(memory_mb=64),))))) == 1
    assert len(failures(run(LIM001, Inventory(functions=(fn(memory_mb=10241),))))) == 1
    assert (
        run(
            LIM001,
            Inventory(functions=(fn(memory_mb=128), fn("aws_lambda_function.b", memory_mb=10240))),
        )
        == []
    )
    assert len(unknowns(run(LIM001, Inventory(functions=(fn(memory_mb=None),))))) == 1


def test_lim001_gcp_gen2_allows_more_than_aws() -> None:
    gcp = fn(provider=Provider.GCP, memory_mb=16384, gcp_generation=2, runtime="python312")
    assert run(LIM001, Inventory(functions=(gcp,))) == []
    gen1 = fn(provider=Provider.GCP, memory_mb=16384, gcp_generation=1, runtime="python312")
    assert len(run(LIM001, Inventory(functions=(gen1,)))) == 1


def test_lim002_aws_and_gcp_ranges() -> None:
    assert len(run(LIM002, Inventory(functions=(fn(timeout_s=901),)))) == 1
    assert len(run(LIM002, Inventory(functions=(fn(timeout_s=0),)))) == 1
    assert run(LIM002, Inventory(functions=(fn(timeout_s=900),))) == []
    gen1 = fn(provider=Provider.GCP, timeout_s=600, gcp_generation=1)
    assert "540" in run(LIM002, Inventory(functions=(gen1,)))[0].message
    gen2_http = fn(provider=Provider.GCP, timeout_s=3600, gcp_generation=2)
    http = _trigger(TriggerKind.GCP_HTTP, InvocationType.SYNC)
    assert run(LIM002, Inventory(functions=(gen2_http,), triggers=(http,))) == []
    assert len(run(LIM002, Inventory(functions=(gen2_http,)))) == 1  # event-driven: 540 s
    assert len(unknowns(run(LIM002, Inventory(functions=(fn(timeout_s=None),))))) == 1


def test_lim003_compares_with_real_integration_timeout() -> None:
    rest = FrontDoor("aws_api_gateway_rest_api.api", FrontDoorKind.API_REST, loc(), (FN,), 29000)
    [finding] = run(LIM003, Inventory(functions=(fn(timeout_s=60),), front_doors=(rest,)))
    assert "29 s" in finding.message
    assert run(LIM003, Inventory(functions=(fn(timeout_s=29),), front_doors=(rest,))) == []
    raised = FrontDoor("aws_api_gateway_rest_api.api", FrontDoorKind.API_REST, loc(), (FN,), 120000)
    assert run(LIM003, Inventory(functions=(fn(timeout_s=60),), front_doors=(raised,))) == []


def test_lim003_function_url_has_no_limit_and_unknown_timeout() -> None:
    url = FrontDoor("aws_lambda_function_url.api", FrontDoorKind.FUNCTION_URL, loc(), (FN,), None)
    assert run(LIM003, Inventory(functions=(fn(timeout_s=900),), front_doors=(url,))) == []
    http = FrontDoor("aws_apigatewayv2_api.api", FrontDoorKind.API_HTTP, loc(), (FN,), None)
    assert (
        len(unknowns(run(LIM003, Inventory(functions=(fn(timeout_s=60),), front_doors=(http,)))))
        == 1
    )


def test_lim004_visibility_vs_six_times_timeout() -> None:
    sqs = _trigger(TriggerKind.SQS, InvocationType.POLL, "aws_sqs_queue.jobs")
    short = Queue("aws_sqs_queue.jobs", loc(70), "jobs", "arn:aws:sqs:eu-west-1:1:jobs", 120)
    [finding] = run(
        LIM004, Inventory(functions=(fn(timeout_s=30),), triggers=(sqs,), queues=(short,))
    )
    assert finding.impact == 5 and "180 s" in finding.message and finding.resource == short.address
    ok = Queue("aws_sqs_queue.jobs", loc(70), "jobs", None, 180)
    assert (
        run(LIM004, Inventory(functions=(fn(timeout_s=30),), triggers=(sqs,), queues=(ok,))) == []
    )


def test_lim004_below_timeout_is_worse_and_unknown_queue() -> None:
    sqs = _trigger(TriggerKind.SQS, InvocationType.POLL, "arn:aws:sqs:eu-west-1:1:jobs")
    tiny = Queue("aws_sqs_queue.jobs", loc(70), "jobs", "arn:aws:sqs:eu-west-1:1:jobs", 10)
    [finding] = run(
        LIM004, Inventory(functions=(fn(timeout_s=30),), triggers=(sqs,), queues=(tiny,))
    )
    assert finding.impact == 6 and "rejects" in finding.message
    assert (
        len(unknowns(run(LIM004, Inventory(functions=(fn(timeout_s=30),), triggers=(sqs,))))) == 1
    )


def test_lim005_only_with_a_public_unthrottled_entry() -> None:
    open_url = FrontDoor("aws_lambda_function_url.api", FrontDoorKind.FUNCTION_URL, loc(), (FN,))
    [finding] = run(LIM005, Inventory(functions=(fn(),), front_doors=(open_url,)))
    assert finding.impact == 6
    assert (
        run(LIM005, Inventory(functions=(fn(reserved_concurrency=20),), front_doors=(open_url,)))
        == []
    )
    assert run(LIM005, Inventory(functions=(fn(),))) == []  # no entry: never "reserve everywhere"
    throttled = FrontDoor(
        "aws_api_gateway_rest_api.api",
        FrontDoorKind.API_REST,
        loc(),
        (FN,),
        29000,
        throttling_rate_limit=100.0,
    )
    authed = FrontDoor(
        "aws_apigatewayv2_api.api", FrontDoorKind.API_HTTP, loc(), (FN,), 30000, "JWT"
    )
    private = FrontDoor(
        "aws_api_gateway_rest_api.p", FrontDoorKind.API_REST, loc(), (FN,), 29000, public=False
    )
    assert run(LIM005, Inventory(functions=(fn(),), front_doors=(throttled, authed, private))) == []


def test_lim005_permission_url_none_and_gcp_max_instances() -> None:
    perm = Permission(
        "aws_lambda_permission.url",
        FN,
        loc(),
        "lambda:InvokeFunctionUrl",
        "*",
        function_url_auth_type="NONE",
    )
    assert len(run(LIM005, Inventory(functions=(fn(),), permissions=(perm,)))) == 1
    door = FrontDoor("google_cloudfunctions2_function.api", FrontDoorKind.GCP_HTTP, loc(), (FN,))
    gcp = fn(provider=Provider.GCP, runtime="python312")
    assert (
        "max instances" in run(LIM005, Inventory(functions=(gcp,), front_doors=(door,)))[0].message
    )
    capped = fn(provider=Provider.GCP, runtime="python312", max_instances=10)
    assert run(LIM005, Inventory(functions=(capped,), front_doors=(door,))) == []


def test_lim006_async_trigger_without_dlq() -> None:
    s3 = _trigger(TriggerKind.S3, InvocationType.ASYNC, "aws_s3_bucket.uploads")
    [finding] = run(LIM006, Inventory(functions=(fn(),), triggers=(s3,)))
    assert finding.impact == 4 and "aws_s3_bucket.uploads" in finding.message
    with_dest = fn(on_failure_destination="arn:aws:sqs:eu-west-1:1:failures")
    assert run(LIM006, Inventory(functions=(with_dest,), triggers=(s3,))) == []
    assert (
        run(LIM006, Inventory(functions=(fn(dead_letter_target="arn:aws:sqs:x"),), triggers=(s3,)))
        == []
    )


def test_lim006_never_on_sync_or_polled_functions_but_on_async_permission() -> None:
    api = _trigger(TriggerKind.API_REST, InvocationType.SYNC)
    sqs = _trigger(TriggerKind.SQS, InvocationType.POLL, "aws_sqs_queue.jobs")
    assert run(LIM006, Inventory(functions=(fn(),), triggers=(api, sqs))) == []
    perm = Permission("aws_lambda_permission.events", FN, loc(), principal="events.amazonaws.com")
    assert len(run(LIM006, Inventory(functions=(fn(),), permissions=(perm,)))) == 1
    apigw = Permission("aws_lambda_permission.api", FN, loc(), principal="apigateway.amazonaws.com")
    assert run(LIM006, Inventory(functions=(fn(),), permissions=(apigw,))) == []
