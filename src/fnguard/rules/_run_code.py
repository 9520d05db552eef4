"""Run-time rules decided from the handler's code: writes outside /tmp and secrets left in
/tmp (RUN002), external writes without idempotency under an at-least-once trigger (RUN003).
Merged into the RUN pack by ``fnguard.rules.runtime``.

RUN003 needs both halves: the analysis records the function's external writes (DynamoDB
put/update/delete, S3 put/copy/upload, SQS/SNS/EventBridge/Kinesis sends, Step Functions
starts, SQL INSERT/UPDATE/DELETE, HTTP POST/PUT/PATCH/DELETE) when it finds no idempotency
guard (the Powertools ``idempotent`` decorators, a ``ConditionExpression`` on the write, a
FIFO ``MessageDeduplicationId``, an SQL upsert, a call named for idempotency or
de-duplication); the rule reports it only when a trigger delivers events at least once:
SQS, Kinesis and DynamoDB streams (polled), and asynchronous invocations (S3, SNS,
EventBridge, schedules), all of which retry or redeliver.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from fnguard.model import Evidence, Function, InvocationType, Provider, Remediation, TriggerKind
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._code_common import code_issue_findings
from fnguard.rules.injection import code_findings, code_remediation, unanalysed

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.model import Finding, Inventory, Trigger

__all__ = ["RULES", "RUN002", "RUN003"]

_AT_LEAST_ONCE = frozenset(
    {
        TriggerKind.SQS,
        TriggerKind.KINESIS,
        TriggerKind.DYNAMODB_STREAM,
        TriggerKind.S3,
        TriggerKind.SNS,
        TriggerKind.EVENTBRIDGE,
        TriggerKind.SCHEDULE,
        TriggerKind.GCP_EVENT,
    }
)

RUN002 = RuleMeta(
    id="RUN002",
    title="Handler writes outside /tmp or leaves secrets in /tmp",
    impact=4,
    area="runtime",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "Lambda's file system is read-only except /tmp (EFS mounts under /mnt aside): a "
        "write to the code folder, a relative path or any other absolute path fails at run "
        "time. And /tmp survives between invocations of a warm execution environment, so a "
        "secret written there and never removed outlives the request that needed it."
    ),
    remediation=code_remediation(
        "Write under /tmp (tempfile), and remove files holding secrets when done, or keep "
        "secrets in memory.",
        """
with tempfile.NamedTemporaryFile(dir="/tmp", suffix=".pem") as key_file:
    key_file.write(private_key)
    key_file.flush()
    use(key_file.name)
# deleted on close
""",
        "RUN002",
    ),
    mappings=Mappings(iso27001=("A.8.10", "A.8.28"), owasp_serverless=("SAS-7",)),
)

_IDEMPOTENCY_TABLE = """resource "aws_dynamodb_table" "idempotency" {
  name         = "idempotency"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  ttl {
    attribute_name = "expiration"
    enabled        = true
  }
}"""

_RUN003_FIX = code_remediation(
    "Make the handler idempotent: record each event's key before acting on it "
    "(Powertools idempotency with a DynamoDB table), or make every write conditional "
    "(ConditionExpression attribute_not_exists) so a redelivered event changes nothing.",
    """
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer, idempotent)

persistence = DynamoDBPersistenceLayer(table_name="idempotency")

@idempotent(persistence_store=persistence)
def handler(event, context):
    table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
""",
    "RUN003",
)

RUN003 = RuleMeta(
    id="RUN003",
    title="At-least-once trigger and external writes without idempotency",
    impact=4,
    area="runtime",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "The function is triggered by a source that delivers events at least once (SQS, "
        "Kinesis, DynamoDB streams, asynchronous S3/SNS/EventBridge/scheduled invocations "
        "with their retries) and writes to other systems with no idempotency guard: a "
        "retried or redelivered event writes twice (double charges, duplicate messages)."
    ),
    remediation=Remediation(
        text=_RUN003_FIX.text, terraform=_IDEMPOTENCY_TABLE, cli=_RUN003_FIX.cli
    ),
    mappings=Mappings(iso27001=("A.8.28",), owasp_serverless=("SAS-9",)),
)


def _redelivering(inventory: Inventory, fn: Function) -> list[Trigger]:
    return [
        t
        for t in inventory.triggers_of(fn)
        if t.enabled
        and (
            t.kind in _AT_LEAST_ONCE or t.invocation in (InvocationType.ASYNC, InvocationType.POLL)
        )
    ]


def _check_run002(inventory: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    del ctx
    return code_findings(RUN002, inventory)


def _check_run003(inventory: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    del ctx
    for finding in code_issue_findings(RUN003, inventory):
        fn = inventory.get(finding.function or "")
        triggers = _redelivering(inventory, fn) if isinstance(fn, Function) else []
        if not isinstance(fn, Function) or not triggers:
            continue
        kinds = ", ".join(dict.fromkeys(f"{t.kind.value} ({t.invocation.value})" for t in triggers))
        trigger_evidence = [Evidence("trigger", f"{t.kind.value} {t.address}") for t in triggers]
        yield replace(
            finding,
            message=f"{finding.message}; {fn.name or fn.address} is triggered by {kinds}, "
            "which deliver an event again after a failure or timeout",
            evidence=(*trigger_evidence, *finding.evidence),
        )
    for fn, reason in unanalysed(inventory):
        if _redelivering(inventory, fn):
            message = f"RUN003 not checked for {fn.name or fn.address}: {reason}"
            yield RUN003.unknown(fn=fn, message=message)


RULES: tuple[Rule, ...] = (Rule(RUN002, _check_run002), Rule(RUN003, _check_run003))
