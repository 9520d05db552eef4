"""API Gateway front doors: REST APIs (v1) and HTTP APIs (v2) that integrate with functions.

One front door per Lambda integration (a REST method, an HTTP API integration), addressed by
the API Gateway ARN of that method or integration, like the Terraform collector's one door per
integration resource. The WAF association is read from each REST stage's ``webAclArn``; one
stage without it leaves the API unprotected.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fnguard.collect.aws._names import Shard, function_arn, location
from fnguard.model import FrontDoor, FrontDoorKind, Inventory, InvocationType, Trigger, TriggerKind

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from concurrent.futures import Executor

    from fnguard.collect.aws._api import Api
    from fnguard.model import Location

__all__ = ["collect_http_apis", "collect_rest_apis"]

_FUNCTION_URI = re.compile(r":lambda:path/[^/]+/functions/(.+?)/invocations")


def _function_of(uri: str) -> str | None:
    match = _FUNCTION_URI.search(uri)
    target = match.group(1) if match else uri
    return function_arn(target) if ":function:" in target else None


def _door_and_trigger(
    address: str,
    kind: FrontDoorKind,
    where: Location,
    fn: str,
    api_arn: str,
    **door: Any,
) -> Inventory:
    trigger_kind = TriggerKind.API_REST if kind is FrontDoorKind.API_REST else TriggerKind.API_HTTP
    return Inventory(
        front_doors=(
            FrontDoor(address=address, kind=kind, location=where, functions=(fn,), **door),
        ),
        triggers=(
            Trigger(
                address=address,
                kind=trigger_kind,
                function=fn,
                invocation=InvocationType.SYNC,
                location=where,
                source=api_arn,
                front_door=address,
            ),
        ),
    )


def _throttling(
    settings: Sequence[Mapping[str, Any]], rate_key: str, burst_key: str
) -> tuple[float | None, int | None]:
    """The tightest stage-wide limits, read the way the Terraform collector reads them."""
    rates = [float(s[rate_key]) for s in settings if isinstance(s.get(rate_key), int | float)]
    bursts = [int(s[burst_key]) for s in settings if isinstance(s.get(burst_key), int)]
    return (min(rates) if rates else None, min(bursts) if bursts else None)


def collect_rest_apis(api: Api, shard: Shard, pool: Executor) -> Inventory:
    apis = api.pages(
        "apigateway",
        "GetRestApis",
        "items",
        where=location(shard, "apigateway"),
        resource=shard.label,
        fields=("front_doors",),
    )
    return Inventory.combine(pool.map(lambda a: _rest_api(api, shard, a), apis or ()))


def _rest_api(api: Api, shard: Shard, raw: Mapping[str, Any]) -> Inventory:
    api_id = str(raw.get("id"))
    api_arn = f"arn:{shard.partition}:apigateway:{shard.region}::/restapis/{api_id}"
    where = location(shard, "apigateway", f"restapis/{api_id}")
    resources = api.pages(
        "apigateway",
        "GetResources",
        "items",
        where=where,
        resource=api_arn,
        fields=("front_doors",),
        restApiId=api_id,
        embed=["methods"],
    )
    stages_answer = api.call(
        "apigateway",
        "GetStages",
        where=where,
        resource=api_arn,
        fields=("waf_acl",),
        restApiId=api_id,
    )
    stages: Sequence[Mapping[str, Any]] = (stages_answer or {}).get("item") or ()
    acls = [s.get("webAclArn") for s in stages]
    waf = acls[0] if acls and all(acls) else None
    rate, burst = _throttling(
        [(s.get("methodSettings") or {}).get("*/*") or {} for s in stages],
        "throttlingRateLimit",
        "throttlingBurstLimit",
    )
    types = (raw.get("endpointConfiguration") or {}).get("types") or []
    pieces: list[Inventory] = []
    for res in resources or ():
        for verb, method in (res.get("resourceMethods") or {}).items():
            integration = method.get("methodIntegration") or _integration(
                api, where, api_arn, api_id, str(res.get("id")), verb
            )
            if not integration or integration.get("type") not in ("AWS_PROXY", "AWS"):
                continue
            fn = _function_of(str(integration.get("uri") or ""))
            if fn is None:
                continue
            pieces.append(
                _door_and_trigger(
                    f"{api_arn}/resources/{res.get('id')}/methods/{verb}",
                    FrontDoorKind.API_REST,
                    location(shard, "apigateway", f"restapis/{api_id}{res.get('path', '')}"),
                    fn,
                    api_arn,
                    integration_timeout_ms=integration.get("timeoutInMillis") or 29000,
                    authorization=method.get("authorizationType") or "NONE",
                    public=types != ["PRIVATE"],
                    waf_acl=waf,
                    stages=tuple(str(s.get("stageName")) for s in stages),
                    throttling_rate_limit=rate,
                    throttling_burst_limit=burst,
                )
            )
    return Inventory.combine(pieces)


def _integration(
    api: Api, where: Location, api_arn: str, api_id: str, resource_id: str, verb: str
) -> Mapping[str, Any] | None:
    """The integration of a method, when GetResources did not embed it."""
    return api.call(
        "apigateway",
        "GetIntegration",
        where=where,
        resource=api_arn,
        fields=("front_doors",),
        absent=("NotFoundException",),
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=verb,
    )


def collect_http_apis(api: Api, shard: Shard, pool: Executor) -> Inventory:
    apis = api.pages(
        "apigatewayv2",
        "GetApis",
        "Items",
        where=location(shard, "apigateway"),
        resource=shard.label,
        fields=("front_doors",),
    )
    http = [a for a in apis or () if a.get("ProtocolType") == "HTTP"]
    return Inventory.combine(pool.map(lambda a: _http_api(api, shard, a), http))


def _http_api(api: Api, shard: Shard, raw: Mapping[str, Any]) -> Inventory:
    api_id = str(raw.get("ApiId"))
    api_arn = f"arn:{shard.partition}:apigateway:{shard.region}::/apis/{api_id}"
    where = location(shard, "apigateway", f"apis/{api_id}")

    def items(operation: str, field: str) -> list[Any]:
        found = api.pages(
            "apigatewayv2",
            operation,
            "Items",
            where=where,
            resource=api_arn,
            fields=(field,),
            ApiId=api_id,
        )
        return found or []

    integrations = items("GetIntegrations", "front_doors")
    routes = items("GetRoutes", "authorization")
    stages = items("GetStages", "stages")
    auth_by_target: dict[str, list[str]] = {}
    for route in routes:
        target = str(route.get("Target") or "")
        auth_by_target.setdefault(target, []).append(str(route.get("AuthorizationType") or "NONE"))
    rate, burst = _throttling(
        [s.get("DefaultRouteSettings") or {} for s in stages],
        "ThrottlingRateLimit",
        "ThrottlingBurstLimit",
    )
    cors = (raw.get("CorsConfiguration") or {}).get("AllowOrigins") or ()
    pieces: list[Inventory] = []
    for integ in integrations:
        if integ.get("IntegrationType") != "AWS_PROXY":
            continue
        fn = _function_of(str(integ.get("IntegrationUri") or ""))
        if fn is None:
            continue
        integ_id = str(integ.get("IntegrationId"))
        auths = auth_by_target.get(f"integrations/{integ_id}", [])
        pieces.append(
            _door_and_trigger(
                f"{api_arn}/integrations/{integ_id}",
                FrontDoorKind.API_HTTP,
                where,
                fn,
                api_arn,
                integration_timeout_ms=integ.get("TimeoutInMillis") or 30000,
                authorization="NONE" if not auths or "NONE" in auths else auths[0],
                public=True,
                stages=tuple(str(s.get("StageName")) for s in stages),
                throttling_rate_limit=rate,
                throttling_burst_limit=burst,
                cors_allow_origins=tuple(str(o) for o in cors),
            )
        )
    return Inventory.combine(pieces)
