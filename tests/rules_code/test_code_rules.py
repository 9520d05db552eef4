"""INJ001-006, SEC004/005 and RUN002/003 on hand-built inventories: firing and near misses."""

from __future__ import annotations

import re

import pytest
from rules_network.rulekit import ctx, failures, fn, loc, rule, run, unknowns

from fnguard.model import (
    CodeIssue,
    CollectionGap,
    FlowStep,
    HandlerCode,
    Inventory,
    InvocationType,
    Location,
    Trigger,
    TriggerKind,
)
from fnguard.rules import Rule, _run_code, _sec_code, injection

CODE = "src/app.py"
FN = "aws_lambda_function.api"
ALL_RULES: tuple[Rule, ...] = (*injection.RULES, *_sec_code.RULES, *_run_code.RULES)
CATALOG_IMPACT = {
    "INJ001": 9,
    "INJ002": 9,
    "INJ003": 8,
    "INJ004": 7,
    "INJ005": 8,
    "INJ006": 3,
    "SEC004": 8,
    "SEC005": 7,
    "RUN002": 4,
    "RUN003": 4,
}


def _issue(rule_id: str, line: int = 12, function: str = FN) -> CodeIssue:
    steps = (
        FlowStep(Location(CODE, 3), "event parameter of handler()"),
        FlowStep(Location(CODE, 5), "cmd = body['cmd']"),
        FlowStep(Location(CODE, line), "reaches os.system()"),
    )
    return CodeIssue(
        rule_id, function, Location(CODE, line), f"{rule_id} seen", steps, "os.system()"
    )


def _handler(function: str = FN) -> HandlerCode:
    return HandlerCode(function, "python", Location(CODE, 3), (CODE,))


def _inv(*issues: CodeIssue, triggers: tuple[Trigger, ...] = (), **kw: object) -> Inventory:
    return Inventory(
        functions=(fn(FN), fn("aws_lambda_function.other")),
        handlers=(_handler(),),
        code_issues=issues,
        triggers=triggers,
        **kw,  # type: ignore[arg-type]
    )


def _trigger(kind: TriggerKind, invocation: InvocationType, enabled: bool = True) -> Trigger:
    return Trigger(f"trigger.{kind.value}", kind, FN, invocation, loc(), enabled=enabled)


@pytest.mark.parametrize("meta", [r.meta for r in ALL_RULES], ids=lambda m: m.id)
def test_metadata_is_complete(meta) -> None:  # type: ignore[no-untyped-def]
    assert meta.impact == CATALOG_IMPACT[meta.id]
    assert meta.title and meta.description
    prose, _, example = meta.remediation.text.partition("\n\n")
    assert prose and example.startswith("    "), "a Python example indented as code"
    assert meta.remediation.cli == f"fnguard scan . --select {meta.id}"
    assert meta.mappings.owasp_serverless and meta.mappings.iso27001
    assert all(re.fullmatch(r"A\.[5-8]\.\d{1,2}", c) for c in meta.mappings.iso27001)
    assert all(re.fullmatch(r"SAS-(?:[1-9]|10)", c) for c in meta.mappings.owasp_serverless)


def test_packs_export_their_prefixes_only() -> None:
    assert {r.meta.id for r in injection.RULES} == {f"INJ00{n}" for n in range(1, 7)}
    assert {r.meta.id for r in _sec_code.RULES} == {"SEC004", "SEC005"}
    assert {r.meta.id for r in _run_code.RULES} == {"RUN002", "RUN003"}
    assert all("SAS-1" in r.meta.mappings.owasp_serverless for r in injection.RULES)
    assert _run_code.RUN003.remediation.terraform.startswith('resource "aws_dynamodb_table"')


@pytest.mark.parametrize(
    "rule_id",
    ["INJ001", "INJ002", "INJ003", "INJ004", "INJ005", "INJ006", "SEC004", "SEC005", "RUN002"],
)
def test_issue_becomes_a_finding_on_the_code_line_with_its_flow(rule_id: str) -> None:
    checked = rule(ALL_RULES, rule_id)
    [finding] = run(checked, _inv(_issue(rule_id)), ctx())
    assert finding.rule_id == rule_id and finding.location == Location(CODE, 12)
    assert finding.function == FN and finding.resource == FN
    assert finding.evidence[0].value == "os.system()"
    assert [e.label for e in finding.evidence[1:]] == ["step 1", "step 2", "step 3"]
    assert finding.evidence[1].value.startswith(f"{CODE}:3")
    assert finding.impact == CATALOG_IMPACT[rule_id]


@pytest.mark.parametrize(
    "rule_id",
    ["INJ001", "INJ002", "INJ003", "INJ004", "INJ005", "INJ006", "SEC004", "SEC005", "RUN002"],
)
def test_near_miss_other_rules_issue_or_no_code(rule_id: str) -> None:
    checked = rule(ALL_RULES, rule_id)
    other = "INJ002" if rule_id != "INJ002" else "INJ001"
    assert run(checked, _inv(_issue(other)), ctx()) == []
    assert run(checked, Inventory(functions=(fn(FN),)), ctx()) == []


def test_unanalysable_code_is_unknown_not_a_pass() -> None:
    gap = CollectionGap(Location(CODE, 1), "Python syntax error", FN, "code")
    inv = Inventory(functions=(fn(FN),), gaps=(gap,))
    [finding] = run(rule(ALL_RULES, "INJ001"), inv, ctx())
    assert unknowns([finding]) == [finding] and "syntax error" in finding.message
    partial = Inventory(functions=(fn(FN),), gaps=(gap,), handlers=(_handler(),))
    assert run(rule(ALL_RULES, "INJ001"), partial, ctx()) == []
    other_gap = CollectionGap(Location(CODE, 1), "role unreadable", FN, "role")
    assert (
        run(rule(ALL_RULES, "INJ001"), Inventory(functions=(fn(FN),), gaps=(other_gap,)), ctx())
        == []
    )


@pytest.mark.parametrize(
    ("kind", "invocation"),
    [
        (TriggerKind.SQS, InvocationType.POLL),
        (TriggerKind.KINESIS, InvocationType.POLL),
        (TriggerKind.DYNAMODB_STREAM, InvocationType.POLL),
        (TriggerKind.S3, InvocationType.ASYNC),
        (TriggerKind.SNS, InvocationType.ASYNC),
        (TriggerKind.EVENTBRIDGE, InvocationType.ASYNC),
    ],
)
def test_run003_fires_for_at_least_once_triggers(
    kind: TriggerKind, invocation: InvocationType
) -> None:
    inv = _inv(_issue("RUN003"), triggers=(_trigger(kind, invocation),))
    [finding] = failures(run(rule(ALL_RULES, "RUN003"), inv, ctx()))
    assert kind.value in finding.message and "deliver an event again" in finding.message
    assert finding.evidence[0].value == f"{kind.value} trigger.{kind.value}"
    assert finding.evidence[1].label == "sink" and finding.evidence[2].label == "step 1"
    assert finding.location == Location(CODE, 12)


def test_run003_quiet_for_synchronous_or_disabled_triggers_and_no_writes() -> None:
    check = rule(ALL_RULES, "RUN003")
    sync = _trigger(TriggerKind.API_HTTP, InvocationType.SYNC)
    assert run(check, _inv(_issue("RUN003"), triggers=(sync,)), ctx()) == []
    off = _trigger(TriggerKind.SQS, InvocationType.POLL, enabled=False)
    assert run(check, _inv(_issue("RUN003"), triggers=(off,)), ctx()) == []
    assert run(check, _inv(_issue("RUN003")), ctx()) == []
    sqs = _trigger(TriggerKind.SQS, InvocationType.POLL)
    assert run(check, _inv(_issue("RUN002"), triggers=(sqs,)), ctx()) == []


def test_run003_unknown_when_a_redelivered_function_was_not_analysed() -> None:
    gap = CollectionGap(Location(CODE), "handler code not found", FN, "code")
    sqs = _trigger(TriggerKind.SQS, InvocationType.POLL)
    inv = Inventory(functions=(fn(FN),), gaps=(gap,), triggers=(sqs,))
    [finding] = unknowns(run(rule(ALL_RULES, "RUN003"), inv, ctx()))
    assert "not checked" in finding.message
    no_trigger = Inventory(functions=(fn(FN),), gaps=(gap,))
    assert run(rule(ALL_RULES, "RUN003"), no_trigger, ctx()) == []


def test_findings_belong_to_the_issue_function_only() -> None:
    inv = _inv(_issue("INJ001", function="aws_lambda_function.other"))
    [finding] = run(rule(ALL_RULES, "INJ001"), inv, ctx())
    assert finding.function == "aws_lambda_function.other"
