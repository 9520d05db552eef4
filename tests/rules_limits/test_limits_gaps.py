"""LIM005 and LIM006 say UNKNOWN when a gap hides what they read, not pass or fail."""

from __future__ import annotations

from rules_network.rulekit import failures, fn, loc, rule, run, unknowns

from fnguard.model import (
    CollectionGap,
    FrontDoor,
    FrontDoorKind,
    Inventory,
    InvocationType,
    Trigger,
    TriggerKind,
)
from fnguard.rules.limits import RULES

FN = "aws_lambda_function.api"
LIM005, LIM006 = rule(RULES, "LIM005"), rule(RULES, "LIM006")
OPEN_URL = FrontDoor("aws_lambda_function_url.api", FrontDoorKind.FUNCTION_URL, loc(), (FN,))
S3 = Trigger(
    "aws_s3_bucket_notification.n",
    TriggerKind.S3,
    FN,
    InvocationType.ASYNC,
    loc(),
    source="aws_s3_bucket.uploads",
)


def _gap(field: str, resource: str = FN) -> CollectionGap:
    return CollectionGap(loc(), f"lambda:Get{field} answered AccessDenied", resource, field)


def test_lim005_refused_concurrency_is_unknown() -> None:
    inv = Inventory(
        functions=(fn(),), front_doors=(OPEN_URL,), gaps=(_gap("reserved_concurrency"),)
    )
    [finding] = run(LIM005, inv)
    assert finding in unknowns([finding]) and "AccessDenied" in finding.message


def test_lim005_refused_entries_are_unknown() -> None:
    for field in ("permissions", "front_doors"):
        [finding] = run(LIM005, Inventory(functions=(fn(),), gaps=(_gap(field),)))
        assert finding in unknowns([finding])


def test_lim005_near_misses_keep_their_verdict() -> None:
    # A gap on an unrelated field, or on another function, changes nothing.
    for gap in (_gap("recursive_loop"), _gap("reserved_concurrency", "aws_lambda_function.x")):
        inv = Inventory(functions=(fn(),), front_doors=(OPEN_URL,), gaps=(gap,))
        assert len(failures(run(LIM005, inv))) == 1
        assert run(LIM005, Inventory(functions=(fn(),), gaps=(gap,))) == []
    # A known limit settles it whatever else is unread.
    capped = fn(reserved_concurrency=5)
    inv = Inventory(functions=(capped,), front_doors=(OPEN_URL,), gaps=(_gap("permissions"),))
    assert run(LIM005, inv) == []


def test_lim006_refused_event_invoke_config_is_unknown() -> None:
    inv = Inventory(functions=(fn(),), triggers=(S3,), gaps=(_gap("on_failure_destination"),))
    [finding] = run(LIM006, inv)
    assert finding in unknowns([finding]) and "AccessDenied" in finding.message


def test_lim006_near_misses_keep_their_verdict() -> None:
    inv = Inventory(functions=(fn(),), triggers=(S3,), gaps=(_gap("reserved_concurrency"),))
    assert len(failures(run(LIM006, inv))) == 1
    gap_only = Inventory(functions=(fn(),), gaps=(_gap("on_failure_destination"),))
    assert run(LIM006, gap_only) == []  # not invoked asynchronously: nothing to lose
