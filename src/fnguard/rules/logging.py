"""Logging rules: tracing, and the log group every Lambda function writes to.

LOG002 treats a function whose log group is not declared as a finding: Lambda creates
``/aws/lambda/<name>`` on first invocation with retention "never expire" and no KMS key, and
that group is then outside infrastructure as code. A custom log group name that the scanned
sources do not declare is reported as unknown (it is probably managed elsewhere).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import (
    Evidence,
    Finding,
    Function,
    Inventory,
    Location,
    LogGroup,
    Provider,
    Remediation,
)
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._gaps import inventory_gaps
from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LOG001", "LOG002", "LOG003", "RULES"]

LOG001 = RuleMeta(
    id="LOG001",
    title="Active tracing is off",
    impact=3,
    area="logging",
    description=(
        "Without X-Ray active tracing a request cannot be followed through the function and "
        "the services it calls, which slows incident investigation. Lambda's recursive-loop "
        "detection does not depend on it."
    ),
    remediation=Remediation(
        text="Set the function's tracing mode to Active (the role needs xray:PutTraceSegments).",
        terraform='tracing_config {\n  mode = "Active"\n}',
        cloudformation="TracingConfig:\n  Mode: Active",
        cli=(
            "aws lambda update-function-configuration --function-name FN "
            "--tracing-config Mode=Active"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.15", "A.8.16"), owasp_serverless=("SAS-5",)),
)


def _check_log001(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in inv.functions:
        if fn.provider is not Provider.AWS:
            continue
        if fn.tracing_mode is None:
            yield LOG001.unknown(
                fn=fn, message=f"the tracing mode of {fn.name or fn.address} is unknown"
            )
        elif fn.tracing_mode.strip().lower() != "active":
            yield LOG001.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                message=f"{fn.name or fn.address} has active tracing off ({fn.tracing_mode})",
                evidence=[Evidence("tracing mode", fn.tracing_mode)],
            )


LOG002 = RuleMeta(
    id="LOG002",
    title="Log group without retention or encryption; log format not JSON",
    impact=4,
    area="logging",
    description=(
        "The function's CloudWatch log group keeps logs forever (cost, and personal data kept "
        "past any retention policy) or is not encrypted with a customer-managed KMS key; or "
        "the function logs plain text, which log queries and alerting cannot filter by field. "
        "A function whose log group is not declared gets one created by Lambda with neither "
        "retention nor a key."
    ),
    remediation=Remediation(
        text=(
            "Declare the log group with a retention period and a KMS key (the key policy must "
            "allow logs.<region>.amazonaws.com), and set the function's log format to JSON."
        ),
        terraform=(
            'resource "aws_cloudwatch_log_group" "fn" {\n'
            '  name              = "/aws/lambda/${aws_lambda_function.fn.function_name}"\n'
            "  retention_in_days = 90\n"
            "  kms_key_id        = aws_kms_key.logs.arn\n"
            "}\n"
            "# in aws_lambda_function.fn:\n"
            "logging_config {\n"
            '  log_format = "JSON"\n'
            "  log_group  = aws_cloudwatch_log_group.fn.name\n"
            "}"
        ),
        cloudformation=(
            "FunctionLogGroup:\n"
            "  Type: AWS::Logs::LogGroup\n"
            "  Properties:\n"
            "    LogGroupName: !Sub /aws/lambda/${Function}\n"
            "    RetentionInDays: 90\n"
            "    KmsKeyId: !GetAtt LogsKey.Arn\n"
            "# in the function: LoggingConfig: {LogFormat: JSON, LogGroup: !Ref FunctionLogGroup}"
        ),
        cli=(
            "aws logs put-retention-policy --log-group-name /aws/lambda/FN --retention-in-days 90\n"
            "aws logs associate-kms-key --log-group-name /aws/lambda/FN --kms-key-id KEY_ARN\n"
            "aws lambda update-function-configuration --function-name FN "
            "--logging-config LogFormat=JSON"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.8.15", "A.8.24", "A.5.33"),
        owasp_serverless=("SAS-5",),
    ),
)

_FORMAT_IMPACT = 2  # a text format hampers investigation; it exposes nothing


def _log_group_name(fn: Function) -> tuple[str | None, bool]:
    """(name, is_default): the configured group, else Lambda's default ``/aws/lambda/<name>``.

    Collectors may fill the default name themselves; it still counts as the default.
    """
    default = f"/aws/lambda/{fn.name}" if fn.name else None
    if fn.logging.log_group:
        return fn.logging.log_group, fn.logging.log_group == default
    return default, True


_NO_KEY = Evidence("kms_key_id", "not set")


def _group_findings(
    fn: Function, group: LogGroup, ctx: RuleContext, seen: set[str]
) -> Iterator[Finding]:
    if group.address in seen:
        return
    seen.add(group.address)
    label = group.name or group.address
    if group.retention_days is None or group.retention_days < ctx.thresholds.log_retention_min_days:
        kept = "never expire" if group.retention_days is None else f"{group.retention_days} days"
        yield LOG002.finding(
            resource=group.address,
            location=group.location,
            function=fn,
            message=f"log group {label} of {fn.name or fn.address} has no retention ({kept})",
            evidence=[Evidence("retention", kept)],
        )
    if not group.kms_key_id:
        yield LOG002.finding(
            resource=group.address,
            location=group.location,
            function=fn,
            message=f"log group {label} of {fn.name or fn.address} is not encrypted with a KMS key",
            evidence=(_NO_KEY,),
        )


@per_object
def _log_groups_by_name(inv: Inventory) -> dict[str, LogGroup]:
    """The log groups ``Inventory.lookup(LogGroup, name)`` finds by name: those the
    inventory holds under their address (the first object of an address), the first of
    each name.

    Built from the log groups alone: ``lookup``'s alias index covers every object of the
    inventory, and LOG002 is the only rule asking it on most scans.
    """
    index: dict[str, LogGroup] = {}
    for group in inv.log_groups:
        if type(group) is LogGroup and group.name and inv.get(group.address) is group:
            index.setdefault(group.name, group)
    return index


def _log_group(inv: Inventory, by_name: dict[str, LogGroup], name: str) -> LogGroup | None:
    """``inv.lookup(LogGroup, name)``: by address, else by name (``by_name``: the
    inventory's ``_log_groups_by_name``)."""
    found = inv.get(name)
    return found if isinstance(found, LogGroup) else by_name.get(name)


def _check_log002(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[str] = set()
    gaps = inventory_gaps(inv)
    by_name = _log_groups_by_name(inv)
    for fn in inv.functions:
        if fn.provider is not Provider.AWS:
            continue
        label = fn.name or fn.address
        if gaps.get(fn.address, "logging"):
            yield LOG002.unknown(fn=fn, message=f"the logging configuration of {label} is unknown")
            continue
        name, is_default = _log_group_name(fn)
        group = _log_group(inv, by_name, name) if name else None
        if group is not None:
            yield from _group_findings(fn, group, ctx, seen)
        elif name is None:
            yield LOG002.unknown(
                fn=fn, message=f"the name of {fn.address} is unknown, so is its log group"
            )
        elif is_default:
            yield LOG002.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                message=(
                    f"no log group is declared for {label}: Lambda creates {name} on first "
                    "invocation with retention 'never expire' and no KMS key"
                ),
                evidence=[Evidence("log group", f"{name} (not declared)")],
            )
        else:
            yield LOG002.unknown(
                fn=fn,
                message=f"log group {name} of {label} is not among the scanned sources",
                evidence=[Evidence("log group", name)],
            )
        log_format = fn.logging.log_format or "Text"
        if log_format.strip().upper() != "JSON":
            yield LOG002.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                impact=_FORMAT_IMPACT,
                message=f"{label} logs in {log_format} format, not JSON",
                evidence=[Evidence("log format", log_format)],
            )


# --------------------------------------------------------------------------- LOG003

LOG003 = RuleMeta(
    id="LOG003",
    title="No CloudTrail data events for function invocations",
    impact=5,
    area="logging",
    description=(
        "CloudTrail records Lambda's management calls by default, but who invoked a function "
        "is a data event that a trail records only when its event selectors ask for "
        "AWS::Lambda::Function. Without it, an abused function URL or a leaked key used to "
        "invoke functions leaves no audit trail. Judged per account and region from the "
        "trails a live scan read (IaC scans do not see the account's trails)."
    ),
    remediation=Remediation(
        text=(
            "Add a data-event selector for AWS::Lambda::Function to a multi-region trail (all "
            "functions, or at least the exposed ones) and keep the trail logging."
        ),
        terraform=(
            'resource "aws_cloudtrail" "audit" {\n  # ...\n  is_multi_region_trail = true\n'
            '  event_selector {\n    read_write_type           = "All"\n'
            "    include_management_events = true\n    data_resource {\n"
            '      type   = "AWS::Lambda::Function"\n      values = ["arn:aws:lambda"]\n'
            "    }\n  }\n}"
        ),
        cloudformation=(
            "Type: AWS::CloudTrail::Trail\nProperties:\n  IsMultiRegionTrail: true\n"
            "  EventSelectors:\n    - ReadWriteType: All\n      DataResources:\n"
            "        - Type: AWS::Lambda::Function\n          Values: [arn:aws:lambda]"
        ),
        cli=(
            "aws cloudtrail put-event-selectors --trail-name TRAIL --event-selectors "
            '\'[{"ReadWriteType":"All","DataResources":[{"Type":'
            '"AWS::Lambda::Function","Values":["arn:aws:lambda"]}]}]\''
        ),
    ),
    mappings=Mappings(iso27001=("A.8.15",), owasp_serverless=("SAS-5",)),
)


def _scope_of(fn: Function) -> str | None:
    """``aws://<account>/<region>`` for a function found live (its address is its ARN)."""
    parts = fn.address.split(":")
    if fn.provider is not Provider.AWS or len(parts) < 7 or parts[0] != "arn":
        return None
    return f"aws://{parts[4]}/{parts[3]}"


def _check_log003(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    read = set(inv.sources)
    if not any(source.startswith("aws://") for source in read):
        return  # no account read live: no scope to judge (IaC sources are files)
    by_scope: dict[str, list[Function]] = {}
    for fn in inv.functions:
        scope = _scope_of(fn)
        if scope is not None and scope in read:
            by_scope.setdefault(scope, []).append(fn)
    for scope, functions in sorted(by_scope.items()):
        region = scope.rsplit("/", 1)[-1]
        gap = next((g for g in inventory_gaps(inv).get(scope, "trails")), None)
        if gap is not None:
            for fn in functions:
                yield LOG003.unknown(
                    fn=fn, message=f"the trails of {scope} could not be read ({gap.reason})"
                )
            continue
        trails = [
            t
            for t in inv.trails
            if t.scope == scope
            and t.logging is not False
            and (t.multi_region or t.home_region in (None, region))
        ]
        missed = [
            fn for fn in functions if not any(t.records_invocations_of(fn.address) for t in trails)
        ]
        if not missed:
            continue
        names = ", ".join(fn.name or fn.address for fn in missed[:5])
        more = f" and {len(missed) - 5} more" if len(missed) > 5 else ""
        evidence = [Evidence("trails logging here", ", ".join(t.address for t in trails) or "none")]
        if len(missed) == len(functions):
            yield LOG003.finding(
                resource=scope,
                location=Location(scope),
                message=(
                    f"no trail records Lambda invocations in {scope}: "
                    f"{len(missed)} function(s) invoked without an audit trail ({names}{more})"
                ),
                evidence=evidence,
            )
            continue
        for fn in missed:
            yield LOG003.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                message=f"no trail records invocations of {fn.name or fn.address}",
                evidence=evidence,
            )


RULES: tuple[Rule, ...] = (
    Rule(LOG001, _check_log001),
    Rule(LOG002, _check_log002),
    Rule(LOG003, _check_log003),
)
