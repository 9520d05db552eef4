"""From handler code to findings: the real Python analyser through the CodeEnricher, then the
INJ, SEC and RUN code rules on the enriched inventory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rules_network.rulekit import ctx, fn, loc, run

from fnguard.code import CodeEnricher
from fnguard.code.python import PythonAnalyser
from fnguard.model import (
    Finding,
    FindingStatus,
    Inventory,
    InvocationType,
    PackageRef,
    Trigger,
    TriggerKind,
)
from fnguard.rules import _run_code, _sec_code, injection

if TYPE_CHECKING:
    from pathlib import Path

RULES = (*injection.RULES, *_sec_code.RULES, *_run_code.RULES)
HANDLER = """\
import json
import logging
import os
import subprocess

import boto3

log = logging.getLogger()
table = boto3.resource("dynamodb").Table("jobs")


def handler(event, context):
    for record in event["Records"]:
        job = json.loads(record["body"])
        subprocess.run("convert " + job["file"], shell=True)
        table.put_item(Item={"id": job["id"]})
    log.info("env %s", os.environ)
"""


def _scan(tmp_path: Path, *triggers: Trigger) -> dict[str, list[Finding]]:
    (tmp_path / "app.py").write_text(HANDLER)
    function = fn(handler="app.handler", package=PackageRef(source_dir=str(tmp_path)))
    inventory = Inventory(functions=(function,), triggers=triggers)
    inventory = inventory.merge(CodeEnricher([PythonAnalyser()]).enrich(inventory, None))
    return {r.meta.id: list(run(r, inventory, ctx())) for r in RULES}


def test_sqs_consumer_gets_injection_logging_and_idempotency_findings(tmp_path: Path) -> None:
    sqs = Trigger("sqs", TriggerKind.SQS, "aws_lambda_function.api", InvocationType.POLL, loc())
    found = _scan(tmp_path, sqs)
    fired = {rule_id for rule_id, findings in found.items() if findings}
    assert fired == {"INJ001", "INJ006", "SEC004", "RUN003"}
    [inj001] = found["INJ001"]
    assert inj001.location is not None and inj001.location.line == 15
    steps = [e.value for e in inj001.evidence if e.label.startswith("step")]
    assert steps[0].endswith(":12: event parameter of handler()")
    assert steps[-1].endswith(":15: reaches subprocess.run(shell=True)")


def test_same_code_behind_a_synchronous_api_has_no_run003(tmp_path: Path) -> None:
    api = Trigger(
        "api", TriggerKind.API_HTTP, "aws_lambda_function.api", InvocationType.SYNC, loc()
    )
    found = _scan(tmp_path, api)
    assert not found["RUN003"] and found["INJ001"]


def test_code_not_on_disk_is_left_to_the_package_gap(tmp_path: Path) -> None:
    """A handler folder that is not there (not built, not checked out) is reported once, by
    the package stage; the code rules do not each restate it as an unknown."""
    function = fn(handler="app.handler", package=PackageRef(source_dir=str(tmp_path / "gone")))
    sqs = Trigger("sqs", TriggerKind.SQS, function.address, InvocationType.POLL, loc())
    inventory = Inventory(functions=(function,), triggers=(sqs,))
    piece = CodeEnricher([PythonAnalyser()]).enrich(inventory, None)
    assert piece.gaps == () and piece.handlers == ()
    inventory = inventory.merge(piece)
    for checked in RULES:
        assert run(checked, inventory, ctx()) == [], checked.meta.id


def test_code_that_cannot_be_analysed_is_unknown_for_every_code_rule(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context:\n")
    function = fn(handler="app.handler", package=PackageRef(source_dir=str(tmp_path)))
    sqs = Trigger("sqs", TriggerKind.SQS, function.address, InvocationType.POLL, loc())
    inventory = Inventory(functions=(function,), triggers=(sqs,))
    inventory = inventory.merge(CodeEnricher([PythonAnalyser()]).enrich(inventory, None))
    for checked in RULES:
        [finding] = run(checked, inventory, ctx())
        assert finding.status is FindingStatus.UNKNOWN, checked.meta.id
