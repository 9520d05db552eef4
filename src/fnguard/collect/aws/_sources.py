"""Services that invoke functions by themselves: S3 notifications, SNS subscriptions and
EventBridge rules. Only the pieces that target a Lambda function become triggers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnguard.collect.aws._names import Shard, function_arn, location
from fnguard.model import Bucket, Inventory, InvocationType, Trigger, TriggerKind

if TYPE_CHECKING:
    from collections.abc import Mapping
    from concurrent.futures import Executor

    from fnguard.collect.aws._api import Api

__all__ = ["collect_buckets", "collect_eventbridge", "collect_sns"]


def _is_function(arn: str) -> bool:
    return ":lambda:" in arn and ":function:" in arn


def collect_buckets(api: Api, shard: Shard, pool: Executor) -> Inventory:
    """Buckets whose notifications invoke a function (S3 is global: one listing per account)."""
    where = location(shard, "s3")
    buckets = api.pages(
        "s3", "ListBuckets", "Buckets", where=where, resource=shard.label, fields=("triggers",)
    )
    pieces = pool.map(lambda b: _bucket(api, shard, str(b["Name"])), buckets or ())
    return Inventory.combine(pieces)


def _bucket(api: Api, shard: Shard, name: str) -> Inventory:
    arn = f"arn:{shard.partition}:s3:::{name}"
    where = location(shard, "s3", name)
    answer = api.call(
        "s3",
        "GetBucketNotificationConfiguration",
        where=where,
        resource=arn,
        fields=("triggers",),
        Bucket=name,
    )
    triggers: list[Trigger] = []
    for index, cfg in enumerate((answer or {}).get("LambdaFunctionConfigurations") or ()):
        target = str(cfg.get("LambdaFunctionArn") or "")
        if not _is_function(target):
            continue
        filters = [("event", str(e)) for e in cfg.get("Events") or ()]
        for rule in ((cfg.get("Filter") or {}).get("Key") or {}).get("FilterRules") or ():
            filters.append((str(rule.get("Name", "")).lower(), str(rule.get("Value", ""))))
        ident = cfg.get("Id") or str(index)
        triggers.append(
            Trigger(
                address=f"{arn}#notification/{ident}",
                kind=TriggerKind.S3,
                function=function_arn(target),
                invocation=InvocationType.ASYNC,
                location=where,
                source=arn,
                filters=tuple(filters),
            )
        )
    if not triggers:
        return Inventory()
    return Inventory(
        triggers=tuple(triggers),
        buckets=(Bucket(address=arn, location=where, name=name, arn=arn),),
    )


def collect_sns(api: Api, shard: Shard) -> Inventory:
    subs = api.pages(
        "sns",
        "ListSubscriptions",
        "Subscriptions",
        where=location(shard, "sns"),
        resource=shard.label,
        fields=("triggers",),
    )
    triggers = tuple(
        Trigger(
            address=str(sub.get("SubscriptionArn")),
            kind=TriggerKind.SNS,
            function=function_arn(str(sub.get("Endpoint"))),
            invocation=InvocationType.ASYNC,
            location=location(shard, "sns", str(sub.get("TopicArn", "")).rsplit(":", 1)[-1]),
            source=sub.get("TopicArn"),
        )
        for sub in subs or ()
        if sub.get("Protocol") == "lambda" and _is_function(str(sub.get("Endpoint") or ""))
    )
    return Inventory(triggers=triggers)


def collect_eventbridge(api: Api, shard: Shard, pool: Executor) -> Inventory:
    """Rules of every event bus in the region, and their targets that are functions."""
    where = location(shard, "events")
    buses = api.call(
        "events", "ListEventBuses", where=where, resource=shard.label, fields=("triggers",)
    )
    names = [str(b["Name"]) for b in (buses or {}).get("EventBuses") or () if "Name" in b]
    rules: list[Mapping[str, Any]] = []
    for bus in names or ["default"]:
        found = api.pages(
            "events",
            "ListRules",
            "Rules",
            where=where,
            resource=shard.label,
            fields=("triggers",),
            EventBusName=bus,
        )
        rules.extend(found or ())
    return Inventory.combine(pool.map(lambda r: _rule_targets(api, shard, r), rules))


def _rule_targets(api: Api, shard: Shard, rule: Mapping[str, Any]) -> Inventory:
    arn = str(rule.get("Arn") or "")
    name = str(rule.get("Name") or "")
    where = location(shard, "events", name)
    params: dict[str, Any] = {"Rule": name}
    if rule.get("EventBusName"):
        params["EventBusName"] = rule["EventBusName"]
    targets = api.pages(
        "events",
        "ListTargetsByRule",
        "Targets",
        where=where,
        resource=arn,
        fields=("triggers",),
        **params,
    )
    kind = TriggerKind.SCHEDULE if rule.get("ScheduleExpression") else TriggerKind.EVENTBRIDGE
    pattern = rule.get("EventPattern")
    return Inventory(
        triggers=tuple(
            Trigger(
                address=f"{arn}#target/{target.get('Id')}",
                kind=kind,
                function=function_arn(str(target["Arn"])),
                invocation=InvocationType.ASYNC,
                location=where,
                source=arn,
                filters=(("pattern", str(pattern)),) if pattern else (),
                enabled=rule.get("State") != "DISABLED",
            )
            for target in targets or ()
            if _is_function(str(target.get("Arn") or ""))
        )
    )
