"""LOG001 and LOG002 on hand-built inventories."""

from __future__ import annotations

from rules_network.rulekit import failures, fn, loc, rule, run, unknowns

from fnguard.model import CollectionGap, Inventory, LoggingConfig, LogGroup, Provider
from fnguard.rules.logging import RULES

LOG001 = rule(RULES, "LOG001")
LOG002 = rule(RULES, "LOG002")

GOOD_GROUP = LogGroup(
    "aws_cloudwatch_log_group.api", loc(50), "/aws/lambda/api", 90, "arn:aws:kms:k"
)
JSON = LoggingConfig(log_format="JSON")


def test_log001_fires_on_passthrough_and_not_on_active() -> None:
    [finding] = run(LOG001, Inventory(functions=(fn(),)))
    assert finding.impact == 3 and "PassThrough" in finding.message
    assert run(LOG001, Inventory(functions=(fn(tracing_mode="Active"),))) == []


def test_log001_unknown_tracing_and_gcp_ignored() -> None:
    assert len(unknowns(run(LOG001, Inventory(functions=(fn(tracing_mode=None),))))) == 1
    assert run(LOG001, Inventory(functions=(fn(provider=Provider.GCP),))) == []


def test_log002_undeclared_default_group_is_a_finding() -> None:
    [finding] = run(LOG002, Inventory(functions=(fn(logging=JSON),)))
    assert finding.impact == 4
    assert "/aws/lambda/api" in finding.message and "never expire" in finding.message


def test_log002_quiet_on_declared_group_with_retention_key_and_json() -> None:
    assert run(LOG002, Inventory(functions=(fn(logging=JSON),), log_groups=(GOOD_GROUP,))) == []


def test_log002_retention_and_key_each_reported_once_for_shared_group() -> None:
    shared = LogGroup("aws_cloudwatch_log_group.shared", loc(60), "/app/shared", None, None)
    cfg = LoggingConfig(log_format="JSON", log_group="/app/shared")
    inv = Inventory(
        functions=(
            fn("aws_lambda_function.a", logging=cfg),
            fn("aws_lambda_function.b", logging=cfg),
        ),
        log_groups=(shared,),
    )
    findings = run(LOG002, inv)
    assert len(findings) == 2
    assert {f.resource for f in findings} == {"aws_cloudwatch_log_group.shared"}
    assert any("no retention" in f.message for f in findings)
    assert any("KMS" in f.message for f in findings)


def test_log002_text_format_is_low_impact() -> None:
    [finding] = run(LOG002, Inventory(functions=(fn(),), log_groups=(GOOD_GROUP,)))
    assert finding.impact == 2 and "Text" in finding.message


def test_log002_unknown_for_custom_group_outside_sources_and_for_gaps() -> None:
    custom = fn(logging=LoggingConfig(log_format="JSON", log_group="/shared/elsewhere"))
    assert len(unknowns(run(LOG002, Inventory(functions=(custom,))))) == 1
    gap = CollectionGap(
        loc(), "unresolved logging_config", resource=custom.address, field="logging"
    )
    findings = run(LOG002, Inventory(functions=(custom,), gaps=(gap,)))
    assert len(unknowns(findings)) == 1 and failures(findings) == []


def test_log002_default_name_filled_by_the_collector_still_counts_as_default() -> None:
    filled = fn(logging=LoggingConfig(log_format="JSON", log_group="/aws/lambda/api"))
    [finding] = run(LOG002, Inventory(functions=(filled,)))
    assert finding in failures([finding]) and "not declared" in finding.evidence[0].value
