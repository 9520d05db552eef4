"""Lambda: functions and everything configured on them, one shard at a time.

ListFunctions already returns each function's full configuration (environment, KMS key,
VPC, tracing, DLQ, layers, logging, hash), so GetFunctionConfiguration is not called again.
Code signing is read from the region's side: ListCodeSigningConfigs, then the functions of
each config (ListFunctionsByCodeSigningConfig), instead of a call per function; when either
listing is refused or fails, each function is asked (GetFunctionCodeSigningConfig). An
endpoint that does not serve ListCodeSigningConfigs at all (404, unknown operation) has no
code signing configurations for a function to use: one gap on the region says so. The
per-function calls (policy, URL, recursion; concurrency and event invoke config unless
``defer``, see ``_deferred``) run in parallel on the shard's executor.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnguard._codec import decode, encode
from fnguard.cache import Cache
from fnguard.collect._shared import default_log_group, event_source_kind
from fnguard.collect.aws._code import fetch_package
from fnguard.collect.aws._names import Shard, function_arn, location
from fnguard.collect.aws._settings import CodeSettings, LiveSettings
from fnguard.errors import CollectError
from fnguard.model import (
    Architecture,
    CodeSigningConfig,
    EnvVar,
    FrontDoor,
    FrontDoorKind,
    Function,
    Inventory,
    InvocationType,
    Layer,
    LoggingConfig,
    PackageRef,
    PackageType,
    Permission,
    Provider,
    Trigger,
    TriggerKind,
    VpcConfig,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from concurrent.futures import Executor

    from fnguard.collect.aws._api import Api
    from fnguard.model import Location

__all__ = [
    "collect_lambda",
    "list_functions",
    "on_failure_destination",
    "reserved_concurrency",
]

_SECRET_REF = re.compile(r"^arn:aws[\w-]*:(ssm|secretsmanager):|^\{\{resolve:(ssm|secretsmanager)")
_NOT_FOUND = ("ResourceNotFoundException",)


def list_functions(api: Api, shard: Shard) -> list[Any] | None:
    """Every function's configuration (ListFunctions); ``None`` plus a gap when refused."""
    return api.pages(
        "lambda",
        "ListFunctions",
        "Functions",
        where=location(shard, "lambda"),
        resource=shard.label,
        fields=("functions",),
    )


def collect_lambda(
    api: Api,
    shard: Shard,
    pool: Executor,
    settings: LiveSettings | None = None,
    *,
    defer: bool = False,
    configs: Sequence[Mapping[str, Any]] | None = None,
) -> Inventory:
    """The shard's functions (``configs``: ListFunctions' answer, when already read); with
    ``defer``, without the answers ``_deferred`` asks once the whole inventory is known."""
    if configs is None:
        configs = list_functions(api, shard)
    if configs is None:
        return Inventory()  # the shard adds the gap
    settings = settings or LiveSettings()
    cache = (
        Cache(
            "aws-functions",
            Path(settings.cache_dir) if settings.cache_dir else None,
            settings.cache_ttl_s,
        )
        if settings.incremental
        else None
    )
    signing = _signing_configs(api, shard, pool) if configs else None
    pieces = list(
        pool.map(lambda c: _cached_function(api, shard, c, cache, signing, defer), configs)
    )
    if settings.code is not None:
        code = settings.code
        pieces = list(pool.map(lambda p: _with_code(api, p, code), pieces))
        pieces.append(_layers(api, shard, pieces, code, pool))
    pieces.append(_event_source_mappings(api, shard))
    return Inventory.combine(pieces)


_CACHE_SCHEMA = 1  # bump when the model or this collector changes what a piece holds


def _cached_function(
    api: Api,
    shard: Shard,
    cfg: Mapping[str, Any],
    cache: Cache | None,
    signing: Mapping[str, CodeSigningConfig] | None,
    defer: bool,
) -> Inventory:
    """``_function``, reusing an earlier scan's piece when the function has not changed."""
    if cache is None:
        return _function(api, shard, cfg, signing, defer=defer)
    arn = function_arn(str(cfg["FunctionArn"]))
    key = "|".join(
        (
            f"v{_CACHE_SCHEMA}",
            arn,
            str(cfg.get("RevisionId")),
            str(cfg.get("LastModified")),
            str(cfg.get("CodeSha256")),
        )
    )
    stored = cache.get_json(key)
    if stored is not None:
        try:
            return decode(Inventory, stored)
        except (ValueError, TypeError, KeyError):
            pass  # an entry from another version: read the function afresh
    piece = _function(api, shard, cfg, signing)  # a cached piece holds every answer
    refused = tuple(g for g in api.gaps if g.resource == arn)
    if not any(_TRANSIENT.search(g.reason) for g in refused):  # a throttle is not an answer
        cache.put_json(key, encode(piece.merge(Inventory(gaps=refused))))
    return piece


# Failures worth asking again next time; AccessDenied or "not served" (404) are answers.
_TRANSIENT_CODE = r"\S*(Throttl|TooManyRequests|Unavailable|Internal|Timeout|Connect|Endpoint)\S*"
_TRANSIENT = re.compile(rf"answered (5\d\d|{_TRANSIENT_CODE})$")


def _with_code(api: Api, piece: Inventory, code: CodeSettings) -> Inventory:
    """Fetch the function's package into the cache and point ``package.path`` at it."""
    fn = piece.functions[0]
    if fn.package_type is PackageType.IMAGE or not fn.package.recorded_hash:
        return piece
    answer = api.call(
        "lambda",
        "GetFunction",
        where=fn.location,
        resource=fn.address,
        fields=("package",),
        FunctionName=fn.address,
    )
    url = ((answer or {}).get("Code") or {}).get("Location")
    if not url:
        return piece
    try:
        path = fetch_package(str(url), fn.package.recorded_hash, code)
    except CollectError as exc:
        api.gap(fn.location, str(exc), fn.address, "package")
        return piece
    package = replace(fn.package, path=str(path))
    return replace(piece, functions=(replace(fn, package=package),))


def _layers(
    api: Api, shard: Shard, pieces: Sequence[Inventory], code: CodeSettings, pool: Executor
) -> Inventory:
    """Each distinct layer version the shard's functions use, with its package fetched."""
    arns = sorted({arn for p in pieces for fn in p.functions for arn in fn.layers})
    found = pool.map(lambda arn: _layer(api, shard, arn, code), arns)
    return Inventory(layers=tuple(layer for layer in found if layer is not None))


def _layer(api: Api, shard: Shard, arn: str, code: CodeSettings) -> Layer | None:
    parts = arn.split(":")  # arn:aws:lambda:region:account:layer:name:version
    if len(parts) != 8 or not parts[7].isdigit():
        return None
    where = location(shard, "lambda", f"layer/{parts[6]}:{parts[7]}")
    answer = api.call(
        "lambda",
        "GetLayerVersion",
        where=where,
        resource=arn,
        fields=("package",),
        absent=_NOT_FOUND,
        LayerName=":".join(parts[:7]),
        VersionNumber=int(parts[7]),
    )
    if not answer:
        return None
    content = answer.get("Content") or {}
    sha, url = content.get("CodeSha256"), content.get("Location")
    path: str | None = None
    if sha and url:
        try:
            path = str(fetch_package(str(url), str(sha), code))
        except CollectError as exc:
            api.gap(where, str(exc), arn, "package")
    return Layer(
        address=arn,
        location=where,
        name=parts[6],
        arn=arn,
        package=PackageRef(path=path, recorded_hash=sha, hash_declared=bool(sha)),
        compatible_runtimes=tuple(answer.get("CompatibleRuntimes") or ()),
        compatible_architectures=tuple(
            Architecture(a) for a in answer.get("CompatibleArchitectures") or () if a in _ARCHS
        ),
    )


def _signing_configs(api: Api, shard: Shard, pool: Executor) -> dict[str, CodeSigningConfig] | None:
    """Function ARN -> its code signing config, from the region's configs; ``None`` when a
    listing failed (each function is asked then).

    A function can only use a config of its own account and region, and the listing names
    every function using each config, so a function absent from every listing has none.
    Where the listing itself is not served, neither is the resource: a function cannot name
    a config that does not exist (moto, which serves no code signing configurations, only
    echoes an unchecked ARN given to CreateFunction; such a function is reported unsigned).
    """
    configs = api.listing("lambda", "ListCodeSigningConfigs", "CodeSigningConfigs")
    if isinstance(configs, str):
        if not api.unserved("lambda", "ListCodeSigningConfigs"):
            return None
        api.gap(location(shard, "lambda"), configs, shard.label, "code_signing_config")
        return {}
    listed = [c for c in configs if c.get("CodeSigningConfigArn")]
    arns = [str(c["CodeSigningConfigArn"]) for c in listed]
    users = list(
        pool.map(
            lambda arn: api.listing(
                "lambda",
                "ListFunctionsByCodeSigningConfig",
                "FunctionArns",
                CodeSigningConfigArn=arn,
            ),
            arns,
        )
    )
    by_function: dict[str, CodeSigningConfig] = {}
    for raw, fns in zip(listed, users, strict=True):
        if isinstance(fns, str):
            return None
        config = _signing_config(shard, raw)
        for fn in fns:
            by_function[function_arn(str(fn))] = config
    return by_function


def _signing_config(shard: Shard, raw: Mapping[str, Any]) -> CodeSigningConfig:
    arn = str(raw["CodeSigningConfigArn"])
    policies = raw.get("CodeSigningPolicies") or {}
    return CodeSigningConfig(
        address=arn,
        location=location(shard, "lambda", arn.rsplit(":", 1)[-1]),
        arn=arn,
        untrusted_artifact_on_deployment=policies.get("UntrustedArtifactOnDeployment") or "Warn",
    )


def _ask(api: Api, fn: str, where: Location, operation: str, field: str) -> dict[str, Any] | None:
    """One per-function question; "not found" means not configured (``{}``)."""
    return api.call(
        "lambda",
        operation,
        where=where,
        resource=fn,
        fields=(field,),
        absent=_NOT_FOUND,
        FunctionName=fn,
    )


def reserved_concurrency(api: Api, fn: str, where: Location) -> int | None:
    """The function's reserved concurrency (``None``: unreserved, or a gap says unread)."""
    answer = _ask(api, fn, where, "GetFunctionConcurrency", "reserved_concurrency")
    return _int(answer.get("ReservedConcurrentExecutions"), None) if answer is not None else None


def on_failure_destination(api: Api, fn: str, where: Location) -> str | None:
    """The on-failure destination of the function's asynchronous invocations, if any."""
    return _on_failure(
        _ask(api, fn, where, "ListFunctionEventInvokeConfigs", "on_failure_destination")
    )


def _function(
    api: Api,
    shard: Shard,
    cfg: Mapping[str, Any],
    signing: Mapping[str, CodeSigningConfig] | None,
    *,
    defer: bool = False,
) -> Inventory:
    name = str(cfg["FunctionName"])
    arn = function_arn(str(cfg["FunctionArn"]))
    where = location(shard, "lambda", name)

    # Policy and URL first: while the first recursion question tells whether the endpoint
    # serves it at all, the other functions' calls keep flowing.
    policy = _ask(api, arn, where, "GetPolicy", "permissions")
    url = _ask(api, arn, where, "GetFunctionUrlConfig", "front_doors")
    recursion = _ask(api, arn, where, "GetFunctionRecursionConfig", "recursive_loop")
    concurrency = None if defer else reserved_concurrency(api, arn, where)
    destination = None if defer else on_failure_destination(api, arn, where)

    csc: CodeSigningConfig | None
    if signing is not None:
        csc = signing.get(arn)
        csc_arn = csc.arn if csc else None
    else:
        answer = _ask(api, arn, where, "GetFunctionCodeSigningConfig", "code_signing_config")
        found = (answer or {}).get("CodeSigningConfigArn") or None
        csc = _code_signing(api, shard, arn, found) if found else None
        csc_arn = found if answer is not None else None
    environment = _environment(api, arn, where, cfg)
    function = Function(
        address=arn,
        provider=Provider.AWS,
        location=where,
        name=name,
        runtime=cfg.get("Runtime"),
        package_type=PackageType.IMAGE if cfg.get("PackageType") == "Image" else PackageType.ZIP,
        architectures=tuple(
            Architecture(a) for a in cfg.get("Architectures") or ("x86_64",) if a in _ARCHS
        ),
        memory_mb=_int(cfg.get("MemorySize"), 128),
        timeout_s=_int(cfg.get("Timeout"), 3),
        handler=cfg.get("Handler"),
        environment=environment,
        kms_key_arn=cfg.get("KMSKeyArn") or None,
        role=cfg.get("Role"),
        vpc=_vpc(cfg.get("VpcConfig")),
        tracing_mode=(cfg.get("TracingConfig") or {}).get("Mode") or "PassThrough",
        dead_letter_target=(cfg.get("DeadLetterConfig") or {}).get("TargetArn") or None,
        on_failure_destination=destination,
        reserved_concurrency=concurrency,
        layers=tuple(str(layer["Arn"]) for layer in cfg.get("Layers") or () if "Arn" in layer),
        code_signing_config=csc_arn,
        recursive_loop=(recursion.get("RecursiveLoop") or "Terminate") if recursion else None,
        logging=_logging(cfg.get("LoggingConfig"), name),
        package=PackageRef(
            recorded_hash=cfg.get("CodeSha256"),
            hash_declared=bool(cfg.get("CodeSha256")),
        ),
    )
    doors, triggers = _url(arn, where, url)
    return Inventory(
        functions=(function,),
        permissions=_permissions(api, arn, where, policy),
        front_doors=doors,
        triggers=triggers,
        code_signing_configs=(csc,) if csc else (),
    )


_ARCHS = frozenset(a.value for a in Architecture)


def _int(value: Any, default: int | None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value


def _environment(api: Api, arn: str, where: Location, cfg: Mapping[str, Any]) -> tuple[EnvVar, ...]:
    env = cfg.get("Environment") or {}
    error = env.get("Error")
    if error:  # the variables are encrypted with a key the caller may not use
        code = error.get("ErrorCode") or "error"
        api.gap(where, f"lambda:ListFunctions environment: {code}", arn, "environment")
        return ()
    variables: Mapping[str, Any] = env.get("Variables") or {}
    return tuple(
        EnvVar(
            name=key,
            value=str(value),
            is_reference=bool(_SECRET_REF.search(str(value))),
            location=where,
        )
        for key, value in variables.items()
    )


def _vpc(raw: Mapping[str, Any] | None) -> VpcConfig | None:
    if not raw:
        return None
    subnets = tuple(raw.get("SubnetIds") or ())
    groups = tuple(raw.get("SecurityGroupIds") or ())
    if not subnets and not groups:
        return None  # Lambda reports an empty VpcConfig for functions outside a VPC
    return VpcConfig(subnet_ids=subnets, security_group_ids=groups)


def _logging(raw: Mapping[str, Any] | None, name: str) -> LoggingConfig:
    cfg = raw or {}
    return LoggingConfig(
        log_format=cfg.get("LogFormat") or "Text",
        log_group=cfg.get("LogGroup") or default_log_group(name),
        application_log_level=cfg.get("ApplicationLogLevel"),
        system_log_level=cfg.get("SystemLogLevel"),
    )


def _on_failure(answer: Mapping[str, Any] | None) -> str | None:
    for config in (answer or {}).get("FunctionEventInvokeConfigs") or ():
        destination = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        if destination:
            return str(destination)
    return None


def _code_signing(api: Api, shard: Shard, fn: str, arn: str) -> CodeSigningConfig | None:
    answer = api.call(
        "lambda",
        "GetCodeSigningConfig",
        where=location(shard, "lambda", arn.rsplit(":", 1)[-1]),
        resource=fn,
        fields=("code_signing_config",),
        CodeSigningConfigArn=arn,
    )
    if answer is None:
        return None
    return _signing_config(
        shard, {**(answer.get("CodeSigningConfig") or {}), "CodeSigningConfigArn": arn}
    )


def _url(
    fn: str, where: Location, answer: Mapping[str, Any] | None
) -> tuple[tuple[FrontDoor, ...], tuple[Trigger, ...]]:
    if not answer or not answer.get("FunctionUrl"):
        return (), ()
    address = str(answer["FunctionUrl"])
    cors = answer.get("Cors") or {}
    door = FrontDoor(
        address=address,
        kind=FrontDoorKind.FUNCTION_URL,
        location=where,
        functions=(fn,),
        integration_timeout_ms=None,
        authorization=answer.get("AuthType"),
        public=True,
        cors_allow_origins=tuple(cors.get("AllowOrigins") or ()),
    )
    trigger = Trigger(
        address=address,
        kind=TriggerKind.FUNCTION_URL,
        function=fn,
        invocation=InvocationType.SYNC,
        location=where,
        source=address,
        front_door=address,
    )
    return (door,), (trigger,)


def _permissions(
    api: Api, fn: str, where: Location, answer: Mapping[str, Any] | None
) -> tuple[Permission, ...]:
    if not answer or not answer.get("Policy"):
        return ()
    try:
        document = json.loads(str(answer["Policy"]))
    except ValueError:
        api.gap(where, "lambda:GetPolicy returned a policy that is not JSON", fn, "permissions")
        return ()
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    out: list[Permission] = []
    for index, stmt in enumerate(statements):
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow":
            continue
        sid = str(stmt.get("Sid") or index)
        conditions = stmt.get("Condition") or {}
        known, unread = _conditions(conditions)
        if unread:
            api.gap(
                where,
                f"statement {sid}: conditions fnguard does not model ({', '.join(unread)})",
                fn,
                "permissions",
            )
        actions = _strings(stmt.get("Action")) or ["lambda:InvokeFunction"]
        principals = _principals(stmt.get("Principal"))
        many = len(actions) * len(principals) > 1
        for action in actions:
            for principal in principals:
                # One Permission per (action, principal): the model holds one of each.
                suffix = f"/{action}/{principal}" if many else ""
                out.append(
                    Permission(
                        address=f"{fn}#policy/{sid}{suffix}",
                        function=fn,
                        location=where,
                        action=action,
                        principal=principal,
                        source_arn=known.get("aws:sourcearn"),
                        source_account=known.get("aws:sourceaccount"),
                        principal_org_id=known.get("aws:principalorgid"),
                        function_url_auth_type=known.get("lambda:functionurlauthtype"),
                        event_source_token=known.get("lambda:eventsourcetoken"),
                        invoked_via_function_url=(
                            known.get("lambda:invokedviafunctionurl", "").lower() == "true"
                        ),
                    )
                )
    return tuple(out)


def _strings(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        return [str(item) for item in raw]
    return []


def _principals(raw: Any) -> list[str]:
    """Every principal of a statement: "*", service principals, accounts and ARNs."""
    if raw is None or raw == "*":
        return ["*"]
    if isinstance(raw, dict):
        found = [p for kind in ("Service", "AWS", "Federated") for p in _strings(raw.get(kind))]
        return found or [json.dumps(raw, sort_keys=True)]  # an odd principal is not "*"
    return _strings(raw) or ["*"]


_MODELLED = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:principalorgid",
        "lambda:functionurlauthtype",
        "lambda:eventsourcetoken",
        "lambda:invokedviafunctionurl",  # Bool "true": the URL-only twin of a public URL grant
    }
)


def _conditions(raw: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Condition keys the Permission model carries, and the ones it cannot (gap)."""
    known: dict[str, str] = {}
    unread: list[str] = []
    for operator, pairs in raw.items():
        if not isinstance(pairs, dict):
            continue
        for key, value in pairs.items():
            text = value[0] if isinstance(value, list) and len(value) == 1 else value
            if isinstance(text, bool):
                text = str(text).lower()
            if key.lower() == "lambda:invokedviafunctionurl" and operator != "Bool":
                unread.append(f"{operator} {key}")
            elif key.lower() in _MODELLED and isinstance(text, str):
                known[key.lower()] = text
            else:
                unread.append(f"{operator} {key}")
    return known, unread


def _event_source_mappings(api: Api, shard: Shard) -> Inventory:
    where = location(shard, "lambda", "event-source-mappings")
    mappings = api.pages(
        "lambda",
        "ListEventSourceMappings",
        "EventSourceMappings",
        where=where,
        resource=shard.label,
        fields=("triggers",),
    )
    triggers: list[Trigger] = []
    for esm in mappings or ():
        source = str(esm.get("EventSourceArn") or "")
        kind = event_source_kind(source)
        fn = esm.get("FunctionArn")
        if kind is None or not fn:
            continue
        uuid = str(esm.get("UUID") or "")
        filters = tuple(
            ("pattern", str(f["Pattern"]))
            for f in (esm.get("FilterCriteria") or {}).get("Filters") or ()
            if f.get("Pattern")
        )
        triggers.append(
            Trigger(
                address=esm.get("EventSourceMappingArn")
                or shard.arn("lambda", f"event-source-mapping:{uuid}"),
                kind=kind,
                function=function_arn(str(fn)),
                invocation=InvocationType.POLL,
                location=location(shard, "lambda", f"event-source-mapping/{uuid}"),
                source=source,
                filters=filters,
                batch_size=_int(esm.get("BatchSize"), None),
                batching_window_s=_int(esm.get("MaximumBatchingWindowInSeconds"), 0),
                enabled=str(esm.get("State") or "Enabled") in ("Enabled", "Enabling", "Updating"),
            )
        )
    return Inventory(triggers=tuple(triggers))
