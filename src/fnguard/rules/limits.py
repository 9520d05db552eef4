"""Limit rules: memory, timeouts against the provider and the caller, concurrency, failures.

Each rule fires only where the context makes it matter: LIM003 compares with the front door's
real integration timeout, LIM005 needs a public unthrottled entry, LIM006 needs an
asynchronous invoker (DLQs are meaningless for synchronous and polled invocations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import (
    Evidence,
    Finding,
    FrontDoorKind,
    Function,
    Inventory,
    InvocationType,
    Permission,
    Provider,
    Queue,
    Remediation,
    Trigger,
    TriggerKind,
)
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._gaps import GapIndex, inventory_gaps

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LIM001", "LIM002", "LIM003", "LIM004", "LIM005", "LIM006", "RULES"]

_BOTH = (Provider.AWS, Provider.GCP)


def _label(fn: Function) -> str:
    return fn.name or fn.address


def _range_check(
    meta: RuleMeta,
    fn: Function,
    value: int | None,
    bounds: tuple[int, int],
    what: str,
    unit: str,
    allowed_by: str,
) -> Iterator[Finding]:
    """UNKNOWN when the value is unknown, a finding when it lies outside ``bounds``."""
    if value is None:
        yield meta.unknown(fn=fn, message=f"the {what} of {_label(fn)} is unknown")
        return
    low, high = bounds
    if low <= value <= high:
        return
    who = f"{allowed_by} allows" if allowed_by else "allowed:"
    yield meta.finding(
        resource=fn.address,
        location=fn.location,
        function=fn,
        message=f"{_label(fn)} has a {what} of {value} {unit}; {who} {low}-{high} {unit}",
        evidence=[Evidence(what, f"{value} {unit}")],
    )


# --------------------------------------------------------------------------- LIM001

LIM001 = RuleMeta(
    id="LIM001",
    title="Memory outside the allowed range",
    impact=6,
    area="limits",
    providers=_BOTH,
    description=(
        "Memory below the minimum starves the function (CPU scales with memory on Lambda); "
        "above the maximum the deployment fails. AWS range: the memory thresholds (128-10,240 "
        "MB by default); GCP: 128 MB to 8 GB (1st gen) or 32 GB (2nd gen)."
    ),
    remediation=Remediation(
        text="Set memory within the provider's range, sized from observed peak usage.",
        terraform="memory_size = 512",
        cloudformation="MemorySize: 512",
        cli="aws lambda update-function-configuration --function-name FN --memory-size 512",
    ),
    mappings=Mappings(iso27001=("A.8.6",), owasp_serverless=("SAS-8",)),
)

_GCP_MEMORY_MAX = {1: 8192, 2: 32768}


def _memory_range(fn: Function, ctx: RuleContext) -> tuple[int, int]:
    if fn.provider is Provider.GCP:
        return 128, _GCP_MEMORY_MAX.get(fn.gcp_generation or 2, 32768)
    return ctx.thresholds.memory_min_mb, ctx.thresholds.memory_max_mb


def _check_lim001(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in inv.functions:
        low, high = _memory_range(fn, ctx)
        if fn.memory_mb is not None and low <= fn.memory_mb <= high:
            continue  # the usual case, without a generator per function
        yield from _range_check(LIM001, fn, fn.memory_mb, (low, high), "memory size", "MB", "")


# --------------------------------------------------------------------------- LIM002

LIM002 = RuleMeta(
    id="LIM002",
    title="Timeout outside the provider's range",
    impact=5,
    area="limits",
    providers=_BOTH,
    description=(
        "AWS Lambda accepts 1-900 s; Cloud Functions 1st gen up to 540 s, 2nd gen up to "
        "3,600 s for HTTP functions and 540 s for event-driven ones. Outside the range the "
        "deployment fails or the value is silently capped."
    ),
    remediation=Remediation(
        text="Set a timeout within the provider's range, a little above the observed p99.",
        terraform="timeout = 30",
        cloudformation="Timeout: 30",
        cli="aws lambda update-function-configuration --function-name FN --timeout 30",
    ),
    mappings=Mappings(iso27001=("A.8.6",), owasp_serverless=("SAS-8",)),
)


def _gcp_is_http(inv: Inventory, fn: Function) -> bool:
    return any(t.kind is TriggerKind.GCP_HTTP for t in inv.triggers_of(fn)) or any(
        d.kind is FrontDoorKind.GCP_HTTP for d in inv.front_doors_of(fn)
    )


def _timeout_max(inv: Inventory, fn: Function) -> tuple[int, str]:
    if fn.provider is Provider.AWS:
        return 900, "AWS Lambda"
    if fn.gcp_generation == 1:
        return 540, "Cloud Functions 1st gen"
    if _gcp_is_http(inv, fn):
        return 3600, "Cloud Functions 2nd gen HTTP"
    return 540, "Cloud Functions 2nd gen event-driven"


def _check_lim002(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in inv.functions:
        high, what = _timeout_max(inv, fn)
        if fn.timeout_s is not None and 1 <= fn.timeout_s <= high:
            continue  # the usual case, without a generator per function
        yield from _range_check(LIM002, fn, fn.timeout_s, (1, high), "timeout", "s", what)


# --------------------------------------------------------------------------- LIM003

LIM003 = RuleMeta(
    id="LIM003",
    title="Timeout longer than the front door's integration timeout",
    impact=5,
    area="limits",
    description=(
        "API Gateway stops waiting after its integration timeout (REST: 29 s unless raised; "
        "HTTP API: 30 s at most) and answers 504, but the function keeps running and billing "
        "until its own timeout; clients retry and the work runs twice. Function URLs have no "
        "such limit."
    ),
    remediation=Remediation(
        text=(
            "Keep the function's timeout at or below the integration timeout, or move long "
            "work to an asynchronous path (queue, Step Functions) and answer 202."
        ),
        terraform=(
            'resource "aws_lambda_function" "fn" {\n  timeout = 25\n}\n'
            'resource "aws_api_gateway_integration" "fn" {\n  timeout_milliseconds = 29000\n}'
        ),
        cloudformation="Timeout: 25  # at or below Integration.TimeoutInMillis / 1000",
        cli="aws lambda update-function-configuration --function-name FN --timeout 25",
    ),
    mappings=Mappings(iso27001=("A.8.6",), owasp_serverless=("SAS-8",)),
)


def _check_lim003(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    behind_api = {
        a
        for d in inv.front_doors
        if d.kind in (FrontDoorKind.API_REST, FrontDoorKind.API_HTTP)
        for a in d.functions
    }
    for fn in inv.functions:
        if fn.address not in behind_api:
            continue
        doors = [
            d
            for d in inv.front_doors_of(fn)
            if d.kind in (FrontDoorKind.API_REST, FrontDoorKind.API_HTTP)
        ]
        if not doors:
            continue
        if fn.timeout_s is None:
            yield LIM003.unknown(fn=fn, message=f"the timeout of {_label(fn)} is unknown")
            continue
        for door in doors:
            if door.integration_timeout_ms is None:
                yield LIM003.unknown(
                    fn=fn,
                    message=f"the integration timeout of {door.address} is unknown",
                    evidence=[Evidence("front door", door.address)],
                )
                continue
            if fn.timeout_s * 1000 <= door.integration_timeout_ms:
                continue
            yield LIM003.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                message=(
                    f"{_label(fn)} may run {fn.timeout_s} s but {door.address} gives up after "
                    f"{door.integration_timeout_ms / 1000:g} s (504 while the function runs on)"
                ),
                evidence=[
                    Evidence("function timeout", f"{fn.timeout_s} s"),
                    Evidence("integration timeout", f"{door.integration_timeout_ms} ms"),
                ],
            )


# --------------------------------------------------------------------------- LIM004

LIM004 = RuleMeta(
    id="LIM004",
    title="Queue visibility timeout shorter than 6x the function timeout",
    impact=5,
    area="limits",
    description=(
        "AWS recommends a visibility timeout of at least six times the function's timeout for "
        "an SQS event source: otherwise a message whose batch is still being processed, or "
        "being retried after throttling, becomes visible again and is processed twice. When "
        "the visibility timeout is below the function timeout itself, Lambda refuses to create "
        "the event source mapping."
    ),
    remediation=Remediation(
        text=(
            "Raise the queue's visibility timeout to at least 6x the function timeout (plus the "
            "batching window), or lower the function timeout."
        ),
        terraform=(
            'resource "aws_sqs_queue" "jobs" {\n'
            "  visibility_timeout_seconds = 6 * aws_lambda_function.worker.timeout\n"
            "}"
        ),
        cloudformation="Queue:\n  Type: AWS::SQS::Queue\n  Properties:\n    VisibilityTimeout: 180",
        cli=(
            "aws sqs set-queue-attributes --queue-url QUEUE_URL \\\n"
            "  --attributes VisibilityTimeout=180"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.6",), owasp_serverless=("SAS-8",)),
)

_LIM004_BELOW_TIMEOUT_IMPACT = 6  # the mapping cannot even be created: a broken deployment


def _polls_queue(trig: Trigger) -> bool:
    return trig.kind is TriggerKind.SQS and trig.invocation is InvocationType.POLL and trig.enabled


def _check_lim004(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    polling = {t.function for t in inv.triggers if _polls_queue(t)}
    for fn in inv.functions:
        if fn.address not in polling:
            continue
        for trig in inv.triggers_of(fn):
            if not _polls_queue(trig):
                continue
            queue = inv.lookup(Queue, trig.source)
            if queue is None or queue.visibility_timeout_s is None or fn.timeout_s is None:
                missing = (
                    f"queue {trig.source or '(unknown)'} is not among the scanned sources"
                    if queue is None
                    else "its visibility timeout is unknown"
                    if queue.visibility_timeout_s is None
                    else f"the timeout of {_label(fn)} is unknown"
                )
                yield LIM004.unknown(
                    fn=fn,
                    message=f"cannot compare {_label(fn)} with its queue: {missing}",
                    evidence=[Evidence("trigger", trig.address)],
                )
                continue
            visibility = queue.visibility_timeout_s
            if fn.timeout_s * 6 <= visibility:
                continue
            below = fn.timeout_s > visibility
            yield LIM004.finding(
                resource=queue.address,
                location=queue.location,
                function=fn,
                impact=_LIM004_BELOW_TIMEOUT_IMPACT if below else None,
                message=(
                    f"queue {queue.name or queue.address} has a {visibility} s visibility timeout; "
                    f"{_label(fn)} may run {fn.timeout_s} s (needs at least {fn.timeout_s * 6} s)"
                    + ("; Lambda rejects this event source mapping" if below else "")
                ),
                evidence=[
                    Evidence("visibility timeout", f"{visibility} s"),
                    Evidence("function timeout", f"{fn.timeout_s} s"),
                ],
            )


# --------------------------------------------------------------------------- LIM005

LIM005 = RuleMeta(
    id="LIM005",
    title="No concurrency limit on a function with a public, unthrottled entry",
    impact=6,
    area="limits",
    providers=_BOTH,
    description=(
        "Anyone on the internet can invoke this function without authentication through an "
        "entry with no throttling (an API stage without a rate limit, a function URL with auth "
        "NONE, a public GCP HTTP trigger), and nothing caps its concurrency. A flood then "
        "takes the account's regional concurrency (throttling every other function) and the "
        "bill with it. Functions without such an entry are not reported."
    ),
    remediation=Remediation(
        text=(
            "Cap the function's concurrency (reserved concurrency on AWS, max instances on GCP) "
            "and throttle the entry (stage or usage-plan limits)."
        ),
        terraform=(
            "# aws_lambda_function\nreserved_concurrent_executions = 50\n"
            "# aws_api_gateway_method_settings\n"
            "settings {\n  throttling_rate_limit  = 100\n  throttling_burst_limit = 50\n}\n"
            "# google_cloudfunctions2_function: service_config { max_instance_count = 20 }"
        ),
        cloudformation="ReservedConcurrentExecutions: 50",
        cli=(
            "aws lambda put-function-concurrency --function-name FN "
            "--reserved-concurrent-executions 50"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.6",), owasp_serverless=("SAS-8",)),
)


def _open_entries(inv: Inventory, fn: Function) -> list[str]:
    """Public, unauthenticated and unthrottled entries in front of the function."""
    entries: list[str] = []
    for door in inv.front_doors_of(fn):
        if not door.public or (door.authorization or "").upper() != "NONE":
            continue
        throttled = (
            door.throttling_rate_limit is not None or door.throttling_burst_limit is not None
        )
        if door.kind is FrontDoorKind.FUNCTION_URL or not throttled:
            entries.append(f"{door.kind.value} {door.address}")
    for perm in inv.permissions_of(fn):
        if (perm.function_url_auth_type or "").upper() == "NONE" and perm.principal in (None, "*"):
            entries.append(f"function URL permission {perm.address}")
    return entries


def _first_gap(gaps: GapIndex, fn: Function, *fields: str) -> str | None:
    """The reason of the first gap hiding one of ``fields`` of ``fn``, if any."""
    for name in fields:
        found = gaps.get(fn.address, name)
        if found:
            return found[0].reason
    return None


def _check_lim005(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    gaps = inventory_gaps(inv)
    invocable = {a for d in inv.front_doors for a in d.functions}
    invocable.update(p.function for p in inv.permissions)
    for fn in inv.functions:
        aws = fn.provider is Provider.AWS
        limit = fn.reserved_concurrency if aws else fn.max_instances
        if limit is not None:
            continue
        entries = _open_entries(inv, fn) if fn.address in invocable else []
        if not entries:
            entry_gap = _first_gap(gaps, fn, "front_doors", "permissions")
            if entry_gap:
                yield LIM005.unknown(
                    fn=fn,
                    message=f"whether anyone may invoke {_label(fn)} is unknown ({entry_gap})",
                )
            continue
        setting = "reserved concurrency" if aws else "max instances"
        # Unset and unread look alike: a refused GetFunctionConcurrency leaves None too.
        limit_gap = _first_gap(gaps, fn, "reserved_concurrency" if aws else "max_instances")
        if limit_gap:
            yield LIM005.unknown(
                fn=fn, message=f"the {setting} of {_label(fn)} is unknown ({limit_gap})"
            )
            continue
        yield LIM005.finding(
            resource=fn.address,
            location=fn.location,
            function=fn,
            message=(
                f"{_label(fn)} has no {setting} and can be invoked by anyone, unthrottled, "
                f"through {entries[0]}"
            ),
            evidence=[Evidence("entry", e) for e in entries],
        )


# --------------------------------------------------------------------------- LIM006

LIM006 = RuleMeta(
    id="LIM006",
    title="Asynchronously invoked function with no DLQ or on-failure destination",
    impact=4,
    area="limits",
    description=(
        "Lambda retries a failed asynchronous invocation twice and then drops the event unless "
        "a dead-letter queue or an on-failure destination catches it: S3, SNS, EventBridge and "
        "scheduled events are lost silently. Synchronous and polled (event source mapping) "
        "invocations are not concerned."
    ),
    remediation=Remediation(
        text="Add an on-failure destination (preferred: it carries the error) or a DLQ.",
        terraform=(
            'resource "aws_lambda_function_event_invoke_config" "fn" {\n'
            "  function_name = aws_lambda_function.fn.function_name\n"
            "  destination_config {\n"
            "    on_failure {\n"
            "      destination = aws_sqs_queue.fn_failures.arn\n"
            "    }\n"
            "  }\n"
            "}"
        ),
        cloudformation=(
            "EventInvokeConfig:\n"
            "  Type: AWS::Lambda::EventInvokeConfig\n"
            "  Properties:\n"
            "    FunctionName: !Ref Function\n"
            "    Qualifier: $LATEST\n"
            "    DestinationConfig:\n"
            "      OnFailure:\n"
            "        Destination: !GetAtt FailureQueue.Arn"
        ),
        cli=(
            "aws lambda put-function-event-invoke-config --function-name FN \\\n"
            '  --destination-config \'{"OnFailure":{"Destination":"QUEUE_ARN"}}\''
        ),
    ),
    mappings=Mappings(iso27001=("A.8.16", "A.5.30"), owasp_serverless=("SAS-10",)),
)

# Services that invoke Lambda asynchronously through a resource-policy permission.
_ASYNC_PRINCIPALS = frozenset(
    {
        "s3.amazonaws.com",
        "sns.amazonaws.com",
        "events.amazonaws.com",
        "scheduler.amazonaws.com",
        "logs.amazonaws.com",
        "iot.amazonaws.com",
        "ses.amazonaws.com",
        "config.amazonaws.com",
        "codecommit.amazonaws.com",
    }
)


def _invokes_async(trig: Trigger) -> bool:
    return trig.invocation is InvocationType.ASYNC and trig.enabled


def _async_principal(perm: Permission) -> bool:
    principal = perm.principal
    return principal is not None and principal.lower() in _ASYNC_PRINCIPALS


def _async_sources(inv: Inventory, fn: Function) -> list[str]:
    sources = [
        f"{t.kind.value} {t.source or t.address}" for t in inv.triggers_of(fn) if _invokes_async(t)
    ]
    sources += [
        f"permission for {p.principal}" for p in inv.permissions_of(fn) if _async_principal(p)
    ]
    return sources


def _check_lim006(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    gaps = inventory_gaps(inv)
    invoked_async = {t.function for t in inv.triggers if _invokes_async(t)}
    invoked_async.update(p.function for p in inv.permissions if _async_principal(p))
    for fn in inv.functions:
        if fn.provider is not Provider.AWS or fn.address not in invoked_async:
            continue
        if fn.dead_letter_target or fn.on_failure_destination:
            continue
        sources = _async_sources(inv, fn)
        if not sources:
            continue
        unread = _first_gap(gaps, fn, "on_failure_destination", "dead_letter_target")
        if unread:
            yield LIM006.unknown(
                fn=fn,
                message=f"{_label(fn)} is invoked asynchronously ({sources[0]}) and whether it "
                f"has an on-failure destination is unknown ({unread})",
            )
            continue
        yield LIM006.finding(
            resource=fn.address,
            location=fn.location,
            function=fn,
            message=(
                f"{_label(fn)} is invoked asynchronously ({sources[0]}) and has neither a DLQ nor "
                "an on-failure destination: events are dropped after two retries"
            ),
            evidence=[Evidence("asynchronous source", s) for s in sources],
        )


RULES: tuple[Rule, ...] = (
    Rule(LIM001, _check_lim001),
    Rule(LIM002, _check_lim002),
    Rule(LIM003, _check_lim003),
    Rule(LIM004, _check_lim004),
    Rule(LIM005, _check_lim005),
    Rule(LIM006, _check_lim006),
)
