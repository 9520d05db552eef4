"""CloudTrail: which trails record Lambda invocations (data events) in a region.

DescribeTrails with shadow trails lists the region's own trails and the multi-region ones
homed elsewhere; each trail's selectors (basic or advanced) say which functions' Invoke
calls it records. A refused call is a gap on the whole region (field ``trails``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnguard.collect.aws._names import location
from fnguard.model import Inventory, Trail

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from concurrent.futures import Executor

    from fnguard.collect.aws._api import Api
    from fnguard.collect.aws._names import Shard

__all__ = ["collect_trails", "lambda_coverage"]

_LAMBDA = "AWS::Lambda::Function"
_ALL_FUNCTIONS = ("arn:aws:lambda", "arn:aws-cn:lambda", "arn:aws-us-gov:lambda")


def collect_trails(api: Api, shard: Shard, pool: Executor) -> Inventory:
    where = location(shard, "cloudtrail")
    answer = api.call(
        "cloudtrail",
        "DescribeTrails",
        where=where,
        resource=shard.label,
        fields=("trails",),
        includeShadowTrails=True,
    )
    if answer is None:
        return Inventory()
    trails = pool.map(lambda raw: _trail(api, shard, raw), answer.get("trailList") or ())
    return Inventory(trails=tuple(t for t in trails if t is not None))


def _trail(api: Api, shard: Shard, raw: Mapping[str, Any]) -> Trail | None:
    arn = raw.get("TrailARN")
    if not arn:
        return None
    where = location(shard, "cloudtrail", str(raw.get("Name") or arn))
    selectors = api.call(
        "cloudtrail",
        "GetEventSelectors",
        where=where,
        resource=shard.label,
        fields=("trails",),
        TrailName=arn,
    )
    status = api.call(
        "cloudtrail",
        "GetTrailStatus",
        where=where,
        resource=shard.label,
        fields=("trails",),
        Name=arn,
    )
    return Trail(
        address=str(arn),
        location=where,
        scope=shard.label,
        multi_region=bool(raw.get("IsMultiRegionTrail")),
        home_region=raw.get("HomeRegion"),
        logging=bool(status.get("IsLogging")) if status else None,
        lambda_functions=lambda_coverage(selectors or {}),
    )


def lambda_coverage(answer: Mapping[str, Any]) -> tuple[str, ...]:
    """The selectors recording Lambda Invoke data events, one entry each (see ``Trail``)."""
    covered: list[str] = []
    for selector in answer.get("EventSelectors") or ():
        if selector.get("ReadWriteType", "All") == "ReadOnly":
            continue  # Invoke is a write event
        for resource in selector.get("DataResources") or ():
            if resource.get("Type") == _LAMBDA:
                covered.extend(_basic_value(v) for v in resource.get("Values") or ())
    for selector in answer.get("AdvancedEventSelectors") or ():
        patterns = _advanced(selector.get("FieldSelectors") or ())
        if patterns:
            covered.append(" ".join(patterns))
    return tuple(dict.fromkeys(covered))


def _basic_value(value: str) -> str:
    return "*" if value.rstrip(":") in _ALL_FUNCTIONS else value


def _advanced(fields: Iterable[Mapping[str, Any]]) -> list[str]:
    """One advanced selector: all of its field conditions hold together."""
    by_field = {str(f.get("Field")): f for f in fields}

    def equals(name: str) -> list[str] | None:
        found = by_field.get(name)
        return list(found.get("Equals") or ()) if found else None

    if equals("eventCategory") != ["Data"] or _LAMBDA not in (equals("resources.type") or ()):
        return []
    if equals("readOnly") == ["true"]:
        return []
    names = equals("eventName")
    if names is not None and "Invoke" not in names:
        return []
    arn = by_field.get("resources.ARN")
    if arn is None:
        return ["*"]
    patterns = [str(v) for v in arn.get("Equals") or ()]
    patterns += [f"{v}*" for v in arn.get("StartsWith") or ()]
    excluded = [f"!{v}" for v in arn.get("NotEquals") or ()]
    excluded += [f"!{v}*" for v in arn.get("NotStartsWith") or ()]
    if excluded and not patterns:
        patterns = ["*"]
    return [*patterns, *excluded] if patterns else []
