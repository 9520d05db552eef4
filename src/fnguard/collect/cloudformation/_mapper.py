"""CloudFormation resources (SAM already expanded) -> inventory, with AWS's defaults applied.

Mirrors the Terraform mapping object for object, so the same function gives the same
inventory whatever the format: a ``!Ref`` / ``!GetAtt`` to a resource of the template becomes
its address (the logical ID), a literal name or ARN that matches a declared resource becomes
that resource's address, anything else stays literal, and what cannot be known is ``None`` plus
a gap naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from fnguard.collect._shared import (
    aws_managed_policy,
    by_identity,
    default_log_group,
    event_source_kind,
    is_aws_managed,
    known_str,
    package_path,
    to_int,
)
from fnguard.collect.cloudformation._intrinsic import Ref, Unknown, placeholder
from fnguard.collect.cloudformation._nodes import is_mapping
from fnguard.model import (
    Architecture,
    Bucket,
    CodeSigningConfig,
    CollectionGap,
    EgressRule,
    EnvVar,
    FrontDoor,
    FrontDoorKind,
    Function,
    Inventory,
    InvocationType,
    KmsKey,
    Layer,
    Location,
    LoggingConfig,
    LogGroup,
    PackageRef,
    PackageType,
    Permission,
    Policy,
    PolicyKind,
    Provider,
    Queue,
    Role,
    SecurityGroup,
    Subnet,
    Trigger,
    TriggerKind,
    VpcConfig,
    VpcEndpoint,
)

__all__ = ["Resource", "TemplateMapper"]

_SECRET_ARN = re.compile(
    r"^arn:aws[\w-]*:(ssm|secretsmanager):|\{\{resolve:(ssm|ssm-secure|secretsmanager):"
)
_FUNCTION_URI = re.compile(r":lambda:path/[^/]+/functions/(.+?)/invocations")
# The property holding a resource's own name, for matching literal names and ARNs.
_IDENTITY = {
    "AWS::Lambda::Function": "FunctionName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Events::Rule": "Name",
    "AWS::Kinesis::Stream": "Name",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::Lambda::LayerVersion": "LayerName",
}
_FUNCTION = ("AWS::Lambda::Function",)
_FUNCTION_OR_QUALIFIED = ("AWS::Lambda::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version")
_MISSING = object()
_NO_LINES: Mapping[str, int] = MappingProxyType({})
_ARCHITECTURES = {"x86_64": Architecture.X86_64, "arm64": Architecture.ARM64}
# what a function without ``Architectures`` runs on (one tuple, shared: it cannot change)
_DEFAULT_ARCHITECTURES = (Architecture.X86_64,)


class Resource:
    """A resource with resolved properties and its place in the source."""

    __slots__ = ("address", "key_lines", "location", "origin", "props", "type")

    def __init__(
        self,
        address: str,
        rtype: str,
        props: Mapping[str, Any],
        location: Location,
        origin: str,
        key_lines: Mapping[str, int] | None = None,
    ) -> None:
        self.address = address
        self.type = rtype
        self.props = props
        self.location = location
        self.origin = origin
        # Source lines of environment variable names (resolution drops node positions); one
        # read-only empty map shared by the resources without (most of them)
        self.key_lines = key_lines or _NO_LINES

    def get(self, key: str) -> Any:
        return self.props.get(key, _MISSING)


def _unset(value: Any) -> bool:
    return value is _MISSING or value is None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _is_dynamic(expr: str) -> bool:
    """The whole text is one ``{{resolve:service:...}}`` dynamic reference."""
    return expr.startswith("{{resolve:") and expr.endswith("}}") and expr.count("{{resolve:") == 1


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _expr(value: Any) -> str:
    if isinstance(value, Ref | Unknown):
        return value.expr
    try:
        return json.dumps(value, default=str)[:80]
    except (TypeError, ValueError):
        return "?"


def _refs(value: Any) -> tuple[str, ...]:
    if isinstance(value, Ref):
        return (value.target,)
    if isinstance(value, Unknown):
        return value.refs
    return ()


def _document_value(value: Any) -> Any:
    """A policy document as plain JSON: references become their ``${X.Arn}`` text.

    Copy on write: a resolved map or list with no reference inside is plain JSON already and
    is handed back as it is (resolution built it for this value), so only the paths down to
    a reference are copied.
    """
    kind = value.__class__  # the usual kinds by class: skips the checks below
    if kind is str:
        return value
    if kind is dict or kind is list:
        out: Any = None
        for key, item in value.items() if kind is dict else enumerate(value):
            if item.__class__ is str:  # most items
                continue
            moved = _document_value(item)
            if moved is not item:
                if out is None:
                    out = kind(value)  # the first change: a copy, in the same order
                out[key] = moved
        return value if out is None else out
    if isinstance(value, str):
        return value
    if isinstance(value, Ref):
        return "${" + value.expr + "}"
    if isinstance(value, Unknown):
        return value.expr
    if isinstance(value, list):
        return [_document_value(v) for v in value]
    if isinstance(value, dict | Mapping):
        return {k: _document_value(v) for k, v in value.items()}
    return value


class TemplateMapper:
    """Builds one template's inventory from its resolved resources."""

    def __init__(self, resources: Sequence[Resource], gaps: list[CollectionGap]) -> None:
        self.resources = list(resources)
        # the three look-ups in one pass over the resources
        by_address: dict[str, Resource] = {}
        by_type: dict[str, list[Resource]] = {}
        identity: dict[tuple[str, str], str] = {}
        for res in self.resources:
            by_address[res.address] = res
            rtype = res.type
            group = by_type.get(rtype)
            if group is None:
                by_type[rtype] = [res]
            else:
                group.append(res)
            key = _IDENTITY.get(rtype)
            if key is not None:
                value = res.props.get(key)
                name = value if value.__class__ is str else known_str(value)
                if name:
                    identity.setdefault((rtype, name), res.address)
        self.by_address = by_address
        self.by_type = by_type
        self.identity = identity
        self.gaps = gaps
        # locations and code paths met again (values that cannot change: shared)
        self._locations: dict[str, dict[int, Location]] = {}  # file -> line -> location
        self._paths: dict[tuple[str, str], str] = {}
        self._packages: dict[tuple[str, str], PackageRef] = {}

    # ------------------------------------------------------------------ helpers

    def of(self, rtype: str) -> list[Resource]:
        return self.by_type.get(rtype, [])

    def gap(self, res: Resource, field: str, value: Any, key: str) -> None:
        reason = f"{key} = {_expr(value)} cannot be resolved offline"
        self.gaps.append(CollectionGap(res.location, reason, res.address, field))

    def resolve(self, value: Any, types: Sequence[str]) -> str | None:
        """An address for a reference to one of ``types``, else the literal, else ``None``."""
        kind = value.__class__
        if kind is Ref:  # the usual reference (a subclass takes the general way below)
            target = self.by_address.get(value.target)
            return value.target if target is not None and target.type in types else None
        if kind is str:  # the usual literal
            return by_identity(self.identity, value, types) or value
        target_res = self.by_address.get(value.target) if isinstance(value, Ref) else None
        if isinstance(value, Ref) and target_res is not None and target_res.type in types:
            return value.target
        if isinstance(value, Ref | Unknown):
            for ref in _refs(value):
                target = self.by_address.get(ref)
                if target is not None and target.type in types:
                    return ref
            return None
        text = known_str(value)
        if text is None:
            return None
        return by_identity(self.identity, text, types) or text

    def ref_field(
        self, res: Resource, props: Mapping[str, Any], key: str, types: Sequence[str], field: str
    ) -> str | None:
        value = props.get(key)
        if value is None:
            return None
        found = self.resolve(value, types)
        if found is None:
            self.gap(res, field, value, key)
        return found

    def ref_list(
        self, res: Resource, props: Mapping[str, Any], key: str, types: Sequence[str], field: str
    ) -> tuple[str, ...]:
        value = props.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.gap(res, field, value, key)
            return ()
        out: list[str] = []
        for item in value:
            found = self.resolve(item, types)
            if found is None:
                self.gap(res, field, item, key)
            else:
                out.append(found)
        return tuple(out)

    def scalar(
        self,
        res: Resource,
        props: Mapping[str, Any],
        key: str,
        field: str,
        default: Any,
        convert: Callable[[Any], Any],
    ) -> Any:
        value = props.get(key, _MISSING)
        if _unset(value):
            return default
        known = convert(value)
        if known is None:
            self.gap(res, field, value, key)
        return known

    def text(
        self,
        res: Resource,
        props: Mapping[str, Any],
        key: str,
        field: str,
        default: str | None = None,
    ) -> str | None:
        # ``scalar`` with ``known_str``, the usual text answered first (most fields are text)
        value = props.get(key)
        if value is None:
            return default
        if value.__class__ is str:
            return value  # what ``known_str`` gives text
        known = known_str(value)
        if known is None:
            self.gap(res, field, value, key)
        return known

    def number(
        self, res: Resource, props: Mapping[str, Any], key: str, field: str, default: int | None
    ) -> int | None:
        value = props.get(key)
        if value is None:
            return default
        if value.__class__ is int:  # ``scalar`` with ``to_int``, the usual integer first
            return value
        known = to_int(value)
        if known is None:
            self.gap(res, field, value, key)
        return known

    def flag(
        self, res: Resource, props: Mapping[str, Any], key: str, field: str, default: bool | None
    ) -> bool | None:
        result: bool | None = self.scalar(res, props, key, field, default, _bool)
        return result

    def strings(
        self, res: Resource, props: Mapping[str, Any], key: str, field: str
    ) -> tuple[str, ...]:
        value = props.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        out = tuple(s for s in (known_str(i) for i in items) if s is not None)
        if len(out) != len(items):
            self.gap(res, field, value, key)
        return out

    def function_ref(self, res: Resource, props: Mapping[str, Any], key: str) -> str | None:
        value = props.get(key)
        if isinstance(value, str):
            uri = _FUNCTION_URI.search(value)
            if uri:
                value = uri.group(1)
        found = self.resolve_function(value) if value is not None else None
        if found is None and value is not None:
            self.gap(res, "function", value, key)
        return found

    def resolve_function(self, value: Any) -> str | None:
        """A function's address, also through an ``AWS::Lambda::Alias`` or ``::Version``."""
        found = self.resolve(value, _FUNCTION_OR_QUALIFIED)
        target = self.by_address.get(found or "")
        if target is not None and target.type != "AWS::Lambda::Function":
            return self.resolve(target.props.get("FunctionName"), _FUNCTION)
        return found

    def document(self, res: Resource, value: Any, field: str) -> Mapping[str, Any] | None:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        if is_mapping(value):
            result: Mapping[str, Any] = _document_value(value)
            return result
        self.gap(res, field, value, "PolicyDocument")
        return None

    # ------------------------------------------------------------------ inventory

    def build(self) -> Inventory:
        triggers: list[Trigger] = []
        front_doors: list[FrontDoor] = []
        for res in self.of("AWS::Lambda::Url"):
            door, trigger = self._function_url(res)
            front_doors.append(door)
            if trigger:
                triggers.append(trigger)
        triggers.extend(self._event_source_mappings())
        triggers.extend(self._s3_notifications())
        triggers.extend(self._sns_subscriptions())
        triggers.extend(self._event_rules())
        triggers.extend(self._schedules())
        triggers.extend(self._existing_buckets())
        triggers.extend(self._alb_targets())
        rest_doors, rest_triggers = self._rest_apis()
        http_doors, http_triggers = self._http_apis()
        front_doors.extend(rest_doors + http_doors)
        triggers.extend(rest_triggers + http_triggers)
        return Inventory(
            functions=tuple(self._function(r) for r in self.of("AWS::Lambda::Function")),
            roles=tuple(self._role(r) for r in self.of("AWS::IAM::Role")),
            triggers=tuple(triggers),
            front_doors=tuple(front_doors),
            permissions=tuple(self._permission(r) for r in self.of("AWS::Lambda::Permission")),
            subnets=tuple(self._subnet(r) for r in self.of("AWS::EC2::Subnet")),
            security_groups=self._security_groups(),
            vpc_endpoints=tuple(self._vpc_endpoint(r) for r in self.of("AWS::EC2::VPCEndpoint")),
            log_groups=tuple(self._log_group(r) for r in self.of("AWS::Logs::LogGroup")),
            kms_keys=tuple(self._kms_key(r) for r in self.of("AWS::KMS::Key")),
            queues=tuple(self._queue(r) for r in self.of("AWS::SQS::Queue")),
            buckets=tuple(self._bucket(r) for r in self.of("AWS::S3::Bucket")),
            code_signing_configs=tuple(
                self._code_signing(r) for r in self.of("AWS::Lambda::CodeSigningConfig")
            ),
            layers=tuple(self._layer(r) for r in self.of("AWS::Lambda::LayerVersion")),
        )

    # ------------------------------------------------------------------ functions

    def _function(self, r: Resource) -> Function:
        p = r.props
        name = self.text(r, p, "FunctionName", "name")
        package_type = PackageType.IMAGE if p.get("PackageType") == "Image" else PackageType.ZIP
        archs_value = p.get("Architectures")
        archs = (
            self.strings(r, p, "Architectures", "architectures") or ("x86_64",)
            if archs_value is not None
            else None
        )
        tracing = p.get("TracingConfig")
        tracing = tracing if is_mapping(tracing) else {}
        dlq = p.get("DeadLetterConfig")
        dlq = dlq if is_mapping(dlq) else {}
        return Function(
            address=r.address,
            provider=Provider.AWS,
            location=r.location,
            name=name,
            runtime=self.text(r, p, "Runtime", "runtime"),
            package_type=package_type,
            architectures=_DEFAULT_ARCHITECTURES
            if archs is None
            else tuple(_ARCHITECTURES[a] for a in archs if a in _ARCHITECTURES),
            memory_mb=self.number(r, p, "MemorySize", "memory_mb", 128),
            timeout_s=self.number(r, p, "Timeout", "timeout_s", 3),
            handler=self.text(r, p, "Handler", "handler"),
            environment=self._environment(r),
            kms_key_arn=self.ref_field(r, p, "KmsKeyArn", ("AWS::KMS::Key",), "kms_key_arn"),
            role=self._function_role(r),
            vpc=self._vpc(r),
            tracing_mode=self.text(r, tracing, "Mode", "tracing_mode", "PassThrough"),
            dead_letter_target=self.ref_field(
                r, dlq, "TargetArn", ("AWS::SQS::Queue", "AWS::SNS::Topic"), "dead_letter_target"
            ),
            on_failure_destination=self._on_failure(r),
            reserved_concurrency=self.number(
                r, p, "ReservedConcurrentExecutions", "reserved_concurrency", None
            ),
            layers=self.ref_list(r, p, "Layers", ("AWS::Lambda::LayerVersion",), "layers"),
            code_signing_config=self.ref_field(
                r,
                p,
                "CodeSigningConfigArn",
                ("AWS::Lambda::CodeSigningConfig",),
                "code_signing_config",
            ),
            recursive_loop=self.text(r, p, "RecursiveLoop", "recursive_loop", "Terminate"),
            logging=self._logging(r, name),
            package=self._package(r),
            tags=self._tags(p.get("Tags")),
        )

    def _function_role(self, r: Resource) -> str | None:
        role = self.ref_field(r, r.props, "Role", ("AWS::IAM::Role",), "role")
        if role is not None and role not in self.by_address:
            self.gaps.append(
                CollectionGap(
                    r.location,
                    f"execution role {role} is not declared in the template",
                    r.address,
                    "role",
                )
            )
        return role

    def _environment(self, r: Resource) -> tuple[EnvVar, ...]:
        env = r.props.get("Environment")
        if env is None:
            return ()
        variables = env.get("Variables") if is_mapping(env) else None
        if variables is None and is_mapping(env):
            return ()
        if not is_mapping(variables):
            self.gap(r, "environment", env, "Environment")
            return ()
        out: list[EnvVar] = []
        key_lines = r.key_lines
        # one location per line of the file, shared (they cannot change)
        locations = self._locations.get(r.location.file)
        if locations is None:
            locations = self._locations[r.location.file] = {}
        for key, value in variables.items():
            line = key_lines.get(key)
            # the resource's own location when the name's line is not known (equal)
            if line is None:
                location = r.location
            else:
                shared = locations.get(line)
                if shared is None:
                    shared = locations[line] = Location(r.location.file, line)
                location = shared
            if value.__class__ is str:  # the usual literal: what the general way below gives
                dynamic = "{{resolve:" in value
                secret_like = (dynamic or value.startswith("arn:aws")) and bool(
                    _SECRET_ARN.search(value)
                )
                out.append(
                    EnvVar(
                        name=key,
                        value=value,
                        is_reference=secret_like,
                        location=location,
                        source_expr=value if dynamic else None,
                    )
                )
                continue
            literal = known_str(value) if not isinstance(value, bool) else str(value).lower()
            # a dynamic reference is read from a parameter store at deploy time even when part
            # of its name is (``!Sub "{{resolve:ssm:/app/${Stage}/key}}"``)
            reference = isinstance(value, Ref) or (
                isinstance(value, Unknown)
                and (bool(value.refs) or value.reference or _is_dynamic(value.expr))
            )
            # the pattern's two ways to match, looked for before it runs
            dynamic = bool(literal and "{{resolve:" in literal)
            secret_like = bool(
                literal
                and (dynamic or literal.startswith("arn:aws"))
                and _SECRET_ARN.search(literal)
            )
            if literal is None and not reference:
                self.gaps.append(
                    CollectionGap(
                        r.location,
                        f"environment variable {key} is computed at deploy time",  # no text
                        r.address,
                        "environment",
                    )
                )
            source_expr: str | None = None
            if isinstance(value, Ref | Unknown):
                source_expr = value.expr
            elif dynamic:
                source_expr = literal
            out.append(
                EnvVar(
                    name=key,
                    value=literal,
                    is_reference=reference or secret_like,
                    location=location,
                    source_expr=source_expr,
                )
            )
        return tuple(out)

    def _vpc(self, r: Resource) -> VpcConfig | None:
        vpc = r.props.get("VpcConfig")
        if not is_mapping(vpc):
            return None
        return VpcConfig(
            subnet_ids=self.ref_list(r, vpc, "SubnetIds", ("AWS::EC2::Subnet",), "vpc"),
            security_group_ids=self.ref_list(
                r, vpc, "SecurityGroupIds", ("AWS::EC2::SecurityGroup",), "vpc"
            ),
        )

    def _on_failure(self, r: Resource) -> str | None:
        for cfg in self.of("AWS::Lambda::EventInvokeConfig"):
            if self.resolve_function(cfg.props.get("FunctionName")) != r.address:
                continue
            dest = cfg.props.get("DestinationConfig")
            failure = dest.get("OnFailure") if is_mapping(dest) else None
            if is_mapping(failure):
                return self.ref_field(
                    cfg,
                    failure,
                    "Destination",
                    (
                        "AWS::SQS::Queue",
                        "AWS::SNS::Topic",
                        "AWS::Lambda::Function",
                        "AWS::Events::EventBus",
                    ),
                    "on_failure_destination",
                )
        return None

    def _logging(self, r: Resource, name: str | None) -> LoggingConfig:
        default_group = default_log_group(name)
        cfg = r.props.get("LoggingConfig")
        if not is_mapping(cfg):
            return LoggingConfig(log_format="Text", log_group=default_group)
        group_value = cfg.get("LogGroup")
        group = self._log_group_name(group_value) if group_value is not None else None
        if group is None and group_value is not None:
            self.gap(r, "logging", group_value, "LogGroup")
        return LoggingConfig(
            log_format=self.text(r, cfg, "LogFormat", "logging", "Text"),
            log_group=group or default_group,
            application_log_level=self.text(r, cfg, "ApplicationLogLevel", "logging"),
            system_log_level=self.text(r, cfg, "SystemLogLevel", "logging"),
        )

    def _log_group_name(self, value: Any) -> str | None:
        address = self.resolve(value, ("AWS::Logs::LogGroup",))
        target = self.by_address.get(address or "")
        if target is not None:
            return known_str(target.get("LogGroupName"))
        return address

    def _package(self, r: Resource, key: str = "Code") -> PackageRef:
        """Where the code of a function (``Code``) or a layer (``Content``) comes from."""
        code = r.props.get(key)
        if isinstance(code, str):  # a local path `aws cloudformation package` uploads
            code = {"LocalPath": code}
        code = code if is_mapping(code) else {}
        local = code.get("LocalPath")
        if local.__class__ is str and len(code) == 1:
            # only a local path (as serverless.yml compiles to): what the general way below
            # gives, one PackageRef per (folder, path) shared by the functions that name it
            return self._local_package(r.location.file, local)
        path = known_str(local) if local is not None else None
        if local is not None and path is None:
            self.gap(r, "package", local, "CodeUri")
        base = r.location.file.rsplit("/", 1)[0] if "/" in r.location.file else "."
        if path is not None:
            joined = self._paths.get((base, path))
            if joined is None:
                joined = self._paths[base, path] = package_path(base, path)
            path = joined
        return PackageRef(
            path=path,
            # `sam build` / `cloudformation package` upload local code under its content hash.
            hash_declared=path is not None,
            s3_bucket=self.ref_field(r, code, "S3Bucket", ("AWS::S3::Bucket",), "package"),
            s3_key=self.text(r, code, "S3Key", "package"),
            s3_object_version=self.text(r, code, "S3ObjectVersion", "package"),
            image_uri=self.text(r, code, "ImageUri", "package"),
            source_dir=path,
        )

    def _local_package(self, file: str, local: str) -> PackageRef:
        base = file.rsplit("/", 1)[0] if "/" in file else "."
        found = self._packages.get((base, local))
        if found is None:
            path = package_path(base, local)
            found = self._packages[base, local] = PackageRef(
                path=path, hash_declared=True, source_dir=path
            )
        return found

    def _layer(self, r: Resource) -> Layer:
        p = r.props
        archs = self.strings(r, p, "CompatibleArchitectures", "compatible_architectures")
        return Layer(
            address=r.address,
            location=r.location,
            name=self.text(r, p, "LayerName", "name"),
            package=self._package(r, "Content"),
            compatible_runtimes=self.strings(r, p, "CompatibleRuntimes", "compatible_runtimes"),
            compatible_architectures=tuple(_ARCHITECTURES[a] for a in archs if a in _ARCHITECTURES),
        )

    def _tags(self, tags: Any) -> Mapping[str, str]:
        if is_mapping(tags):
            # text is its own value (what ``known_str`` gives it), asked before the call
            return {
                k: s
                for k, v in tags.items()
                if (s := v if v.__class__ is str else known_str(v)) is not None
            }
        if isinstance(tags, list):
            out: dict[str, str] = {}
            for tag in tags:
                if tag.__class__ is dict:  # the usual tag, its key and value text
                    key, value = tag.get("Key"), tag.get("Value")
                    if key.__class__ is str and value.__class__ is str:
                        out[key] = value
                        continue
                if is_mapping(tag):
                    key, value = known_str(tag.get("Key")), known_str(tag.get("Value"))
                    if key is not None and value is not None:
                        out[key] = value
            return out
        return {}

    # ------------------------------------------------------------------ IAM

    def _role(self, r: Resource) -> Role:
        p = r.props
        policies: list[Policy] = []
        inline = p.get("Policies")
        for entry in inline if isinstance(inline, list) else []:
            if not is_mapping(entry):
                continue
            name = known_str(entry.get("PolicyName")) or r.address
            policies.append(
                Policy(
                    name,
                    PolicyKind.INLINE,
                    self.document(r, entry.get("PolicyDocument"), "policies"),
                    None,
                    r.location,
                )
            )
        managed = p.get("ManagedPolicyArns")
        for arn in managed if isinstance(managed, list) else []:
            policies.append(self._attached(r, arn, r.address))
        policies.extend(self._attachments.get(r.address, []))
        trust = None
        if p.get("AssumeRolePolicyDocument") is not None:
            trust = Policy(
                "assume_role_policy",
                PolicyKind.TRUST,
                self.document(r, p.get("AssumeRolePolicyDocument"), "trust_policy"),
                None,
                r.location,
            )
        boundary = None
        if p.get("PermissionsBoundary") is not None:
            boundary = self._attached(
                r, p.get("PermissionsBoundary"), r.address, PolicyKind.BOUNDARY
            )
        return Role(
            address=r.address,
            provider=Provider.AWS,
            location=r.location,
            name=known_str(p.get("RoleName")),
            trust_policy=trust,
            policies=tuple(policies),
            boundary=boundary,
        )

    @property
    def _attachments(self) -> dict[str, list[Policy]]:
        cached: dict[str, list[Policy]] | None = getattr(self, "_attachments_cache", None)
        if cached is not None:
            return cached
        out: dict[str, list[Policy]] = {}
        for res in self.of("AWS::IAM::Policy"):
            name = known_str(res.get("PolicyName")) or res.address
            doc = self.document(res, res.props.get("PolicyDocument"), "policy")
            for role in self._roles_named(res, "Roles"):
                out.setdefault(role, []).append(
                    Policy(name, PolicyKind.INLINE, doc, None, res.location)
                )
        for res in self.of("AWS::IAM::RolePolicy"):
            policy_name = known_str(res.get("PolicyName")) or res.address
            role_address = self.resolve(res.props.get("RoleName"), ("AWS::IAM::Role",))
            if role_address in self.by_address:
                doc = self.document(res, res.props.get("PolicyDocument"), "policy")
                out.setdefault(str(role_address), []).append(
                    Policy(policy_name, PolicyKind.INLINE, doc, None, res.location)
                )
        for res in self.of("AWS::IAM::ManagedPolicy"):
            for role in self._roles_named(res, "Roles"):
                out.setdefault(role, []).append(self._managed_policy(res))
        self._attachments_cache = out
        return out

    def _roles_named(self, res: Resource, key: str) -> list[str]:
        roles = res.props.get(key)
        found = [
            self.resolve(v, ("AWS::IAM::Role",)) for v in (roles if isinstance(roles, list) else [])
        ]
        return [f for f in dict.fromkeys(found) if f is not None and f in self.by_address]

    def _managed_policy(self, res: Resource) -> Policy:
        name = known_str(res.get("ManagedPolicyName")) or res.address
        doc = self.document(res, res.props.get("PolicyDocument"), "policy")
        return Policy(name, PolicyKind.MANAGED, doc, None, res.location)

    def _attached(
        self, r: Resource, value: Any, owner: str, kind: PolicyKind | None = None
    ) -> Policy:
        arn = known_str(value)
        if arn and is_aws_managed(arn):
            policy, gap = aws_managed_policy(arn, r.location, owner, kind)
            self.gaps.extend((gap,) if gap else ())
            return policy
        address = self.resolve(value, ("AWS::IAM::ManagedPolicy",))
        target = self.by_address.get(address or "")
        if target is not None and target.type == "AWS::IAM::ManagedPolicy":
            policy = self._managed_policy(target)
            return Policy(
                policy.name, kind or PolicyKind.MANAGED, policy.document, None, policy.location
            )
        self.gaps.append(
            CollectionGap(
                r.location,
                f"policy {arn or _expr(value)} is not declared in the template",
                owner,
                "policies",
            )
        )
        name = arn.rsplit("/", 1)[-1] if arn else _expr(value)
        return Policy(name, kind or PolicyKind.MANAGED, None, arn, r.location)

    # ------------------------------------------------------------------ triggers and doors

    def _function_url(self, r: Resource) -> tuple[FrontDoor, Trigger | None]:
        fn = self.function_ref(r, r.props, "TargetFunctionArn")
        cors = r.props.get("Cors")
        door = FrontDoor(
            address=r.address,
            kind=FrontDoorKind.FUNCTION_URL,
            location=r.location,
            functions=(fn,) if fn else (),
            integration_timeout_ms=None,
            authorization=self.text(r, r.props, "AuthType", "authorization"),
            public=True,
            cors_allow_origins=self.strings(r, cors, "AllowOrigins", "cors")
            if is_mapping(cors)
            else (),
        )
        trigger = None
        if fn:
            trigger = Trigger(
                address=r.address,
                kind=TriggerKind.FUNCTION_URL,
                function=fn,
                invocation=InvocationType.SYNC,
                location=r.location,
                source=r.address,
                front_door=r.address,
            )
        return door, trigger

    def _event_source_mappings(self) -> list[Trigger]:
        kinds = {
            "AWS::SQS::Queue": TriggerKind.SQS,
            "AWS::Kinesis::Stream": TriggerKind.KINESIS,
            "AWS::DynamoDB::Table": TriggerKind.DYNAMODB_STREAM,
        }
        out: list[Trigger] = []
        for r in self.of("AWS::Lambda::EventSourceMapping"):
            p = r.props
            fn = self.function_ref(r, p, "FunctionName")
            source = self.resolve(p.get("EventSourceArn"), tuple(kinds))
            target = self.by_address.get(source or "")
            kind = kinds.get(target.type) if target is not None else None
            if kind is None and source is not None:
                kind = event_source_kind(source)
            if fn is None or kind is None:
                if kind is None:
                    self.gaps.append(
                        CollectionGap(
                            r.location,
                            "event source is not an SQS queue, Kinesis stream or DynamoDB stream "
                            "fnguard can identify",
                            r.address,
                            "event_source_arn",
                        )
                    )
                continue
            filters: list[tuple[str, str]] = []
            criteria = p.get("FilterCriteria")
            for flt in criteria.get("Filters", []) if is_mapping(criteria) else []:
                pattern = flt.get("Pattern") if is_mapping(flt) else None
                if is_mapping(pattern):
                    pattern = json.dumps(pattern, separators=(",", ":"))
                if isinstance(pattern, str):
                    filters.append(("pattern", pattern))
            out.append(
                Trigger(
                    address=r.address,
                    kind=kind,
                    function=fn,
                    invocation=InvocationType.POLL,
                    location=r.location,
                    source=source,
                    filters=tuple(filters),
                    batch_size=self.number(
                        r, p, "BatchSize", "batch_size", 10 if kind is TriggerKind.SQS else 100
                    ),
                    batching_window_s=self.number(
                        r, p, "MaximumBatchingWindowInSeconds", "batching_window_s", 0
                    ),
                    enabled=self.flag(r, p, "Enabled", "enabled", True) is not False,
                )
            )
        return out

    def _s3_notifications(self) -> list[Trigger]:
        out: list[Trigger] = []
        for r in self.of("AWS::S3::Bucket"):
            notification = r.props.get("NotificationConfiguration")
            configs = notification.get("LambdaConfigurations") if is_mapping(notification) else None
            for i, cfg in enumerate(configs if isinstance(configs, list) else []):
                if not is_mapping(cfg):
                    continue
                fn = self.function_ref(r, cfg, "Function")
                if fn is None:
                    continue
                filters = [("event", e) for e in self.strings(r, cfg, "Event", "filters")]
                key_filter = cfg.get("Filter")
                s3key = key_filter.get("S3Key") if is_mapping(key_filter) else None
                rules = s3key.get("Rules") if is_mapping(s3key) else None
                pairs = {
                    str(rule.get("Name", "")).lower(): known_str(rule.get("Value"))
                    for rule in (rules if isinstance(rules, list) else [])
                    if is_mapping(rule)
                }
                for name in ("prefix", "suffix"):
                    value = pairs.get(name)
                    if value:
                        filters.append((name, value))
                out.append(
                    Trigger(
                        address=f"{r.address}.LambdaConfigurations[{i}]",
                        kind=TriggerKind.S3,
                        function=fn,
                        invocation=InvocationType.ASYNC,
                        location=r.location,
                        source=r.address,
                        filters=tuple(filters),
                    )
                )
        return out

    def _sns_subscriptions(self) -> list[Trigger]:
        out: list[Trigger] = []
        subscriptions: list[tuple[Resource, Mapping[str, Any], str, str | None]] = []
        for r in self.of("AWS::SNS::Subscription"):
            subscriptions.append(
                (
                    r,
                    r.props,
                    r.address,
                    self.ref_field(r, r.props, "TopicArn", ("AWS::SNS::Topic",), "source"),
                )
            )
        for r in self.of("AWS::SNS::Topic"):
            subs = r.props.get("Subscription")
            for i, sub in enumerate(subs if isinstance(subs, list) else []):
                if is_mapping(sub):
                    subscriptions.append((r, sub, f"{r.address}.Subscription[{i}]", r.address))
        for r, props, address, topic in subscriptions:
            if props.get("Protocol") != "lambda":
                continue
            fn = self.function_ref(r, props, "Endpoint")
            if fn is None:
                continue
            out.append(
                Trigger(
                    address=address,
                    kind=TriggerKind.SNS,
                    function=fn,
                    invocation=InvocationType.ASYNC,
                    location=r.location,
                    source=topic,
                )
            )
        return out

    def _event_rules(self) -> list[Trigger]:
        out: list[Trigger] = []
        for r in self.of("AWS::Events::Rule"):
            targets = r.props.get("Targets")
            kind = (
                TriggerKind.SCHEDULE
                if r.props.get("ScheduleExpression") is not None
                else TriggerKind.EVENTBRIDGE
            )
            pattern = r.props.get("EventPattern")
            filters: tuple[tuple[str, str], ...] = ()
            if is_mapping(pattern):
                filters = (("pattern", json.dumps(pattern, separators=(",", ":"))),)
            elif isinstance(pattern, str):
                filters = (("pattern", pattern),)
            for i, target in enumerate(targets if isinstance(targets, list) else []):
                if not is_mapping(target):
                    continue
                fn = self.resolve_function(target.get("Arn"))
                if fn is None or fn not in self.by_address:
                    continue
                out.append(
                    Trigger(
                        address=f"{r.address}.Targets[{i}]",
                        kind=kind,
                        function=fn,
                        invocation=InvocationType.ASYNC,
                        location=r.location,
                        source=r.address,
                        filters=filters,
                        enabled=r.props.get("State", "ENABLED") != "DISABLED",
                    )
                )
        return out

    def _schedules(self) -> list[Trigger]:
        out: list[Trigger] = []
        for r in self.of("AWS::Scheduler::Schedule"):
            target = r.props.get("Target")
            fn = self.resolve_function(target.get("Arn")) if is_mapping(target) else None
            if fn is None or fn not in self.by_address:
                continue
            out.append(
                Trigger(
                    address=r.address,
                    kind=TriggerKind.SCHEDULE,
                    function=fn,
                    invocation=InvocationType.ASYNC,
                    location=r.location,
                    source=r.address,
                    enabled=r.props.get("State", "ENABLED") != "DISABLED",
                )
            )
        return out

    def _existing_buckets(self) -> list[Trigger]:
        """The Serverless Framework's ``Custom::S3`` (notifications on a bucket it does not own)."""
        out: list[Trigger] = []
        for r in self.of("Custom::S3"):
            fn = self.resolve_function(r.props.get("FunctionArn"))
            bucket = known_str(r.props.get("BucketName"))
            configs = r.props.get("BucketConfigs")
            for i, cfg in enumerate(configs if isinstance(configs, list) else []):
                if fn is None or not is_mapping(cfg):
                    continue
                filters = [("event", e) for e in self.strings(r, cfg, "Event", "filters")]
                for rule in cfg.get("Rules") or []:
                    for name, value in rule.items() if is_mapping(rule) else ():
                        text = known_str(value)
                        if text and str(name).lower() in ("prefix", "suffix"):
                            filters.append((str(name).lower(), text))
                out.append(
                    Trigger(
                        address=f"{r.address}.BucketConfigs[{i}]",
                        kind=TriggerKind.S3,
                        function=fn,
                        invocation=InvocationType.ASYNC,
                        location=r.location,
                        source=bucket,
                        filters=tuple(filters),
                    )
                )
        return out

    def _alb_targets(self) -> list[Trigger]:
        out: list[Trigger] = []
        for r in self.of("AWS::ElasticLoadBalancingV2::TargetGroup"):
            if known_str(r.props.get("TargetType")) != "lambda":
                continue
            targets = r.props.get("Targets")
            for i, target in enumerate(targets if isinstance(targets, list) else []):
                fn = self.resolve_function(target.get("Id")) if is_mapping(target) else None
                if fn is None or fn not in self.by_address:
                    continue
                out.append(
                    Trigger(
                        address=f"{r.address}.Targets[{i}]",
                        kind=TriggerKind.ALB,
                        function=fn,
                        invocation=InvocationType.SYNC,
                        location=r.location,
                        source=r.address,
                    )
                )
        return out

    def _waf_index(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        types = ("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::ApiGateway::RestApi")
        for assoc in self.of("AWS::WAFv2::WebACLAssociation"):
            value = assoc.props.get("ResourceArn")
            target = self.resolve(value, types)
            if target is None or target not in self.by_address:
                target = self._stage_from_arn(value)
            if target is not None:
                out[target] = self.ref_field(
                    assoc, assoc.props, "WebACLArn", ("AWS::WAFv2::WebACL",), "waf_acl"
                )
        return out

    def _stage_from_arn(self, value: Any) -> str | None:
        """``arn:...:/restapis/${Api}/stages/prod`` -> the stage of ``Api`` named ``prod``."""
        text = placeholder(value) or ""
        match = re.search(r"/restapis/\$\{(\w+)\}/stages/([\w$-]+)", text)
        if match is None:
            return None
        api, stage_name = match.groups()
        for stage in self.of("AWS::ApiGateway::Stage"):
            if (
                _refs(stage.props.get("RestApiId"))[:1] == (api,)
                and stage.props.get("StageName") == stage_name
            ):
                return stage.address
        return api if api in self.by_address else None

    def _rest_apis(self) -> tuple[list[FrontDoor], list[Trigger]]:
        doors: list[FrontDoor] = []
        triggers: list[Trigger] = []
        api_types = ("AWS::ApiGateway::RestApi",)
        waf = self._waf_index()
        stages: dict[str, list[Resource]] = {}
        for s in self.of("AWS::ApiGateway::Stage"):
            api = self.resolve(s.props.get("RestApiId"), api_types)
            if api is not None:
                stages.setdefault(api, []).append(s)
        for m in self.of("AWS::ApiGateway::Method"):
            integ = m.props.get("Integration")
            if not is_mapping(integ) or known_str(integ.get("Type")) not in (
                "AWS_PROXY",
                "AWS",
            ):
                continue
            fn = self.function_ref(m, integ, "Uri")
            api = self.resolve(m.props.get("RestApiId"), api_types)
            api_stages = stages.get(api or "", [])
            rate, burst = _rest_throttling(api_stages)
            stage_acls = [waf.get(s.address) for s in api_stages]
            acl = stage_acls[0] if stage_acls and None not in stage_acls else waf.get(api or "")
            doors.append(
                FrontDoor(
                    address=m.address,
                    kind=FrontDoorKind.API_REST,
                    location=m.location,
                    functions=(fn,) if fn else (),
                    integration_timeout_ms=self.number(
                        m, integ, "TimeoutInMillis", "integration_timeout_ms", 29000
                    ),
                    authorization=self.text(
                        m, m.props, "AuthorizationType", "authorization", "NONE"
                    ),
                    public=self._rest_public(api),
                    waf_acl=acl,
                    stages=self._rest_stage_names(api, api_stages),
                    stage_resources=tuple((st.address, st.location) for st in api_stages),
                    throttling_rate_limit=rate,
                    throttling_burst_limit=burst,
                )
            )
            if fn:
                triggers.append(
                    Trigger(
                        address=m.address,
                        kind=TriggerKind.API_REST,
                        function=fn,
                        invocation=InvocationType.SYNC,
                        location=m.location,
                        source=api,
                        front_door=m.address,
                    )
                )
        return doors, triggers

    def _rest_public(self, api: str | None) -> bool:
        res = self.by_address.get(api or "")
        endpoint = res.props.get("EndpointConfiguration") if res is not None else None
        types = endpoint.get("Types") if is_mapping(endpoint) else None
        return not (isinstance(types, list) and types == ["PRIVATE"])

    def _rest_stage_names(self, api: str | None, stages: list[Resource]) -> tuple[str, ...]:
        names = [known_str(s.props.get("StageName")) for s in stages]
        for deployment in self.of("AWS::ApiGateway::Deployment"):
            if (
                api
                and self.resolve(deployment.props.get("RestApiId"), ("AWS::ApiGateway::RestApi",))
                == api
            ):
                names.append(known_str(deployment.props.get("StageName")))
        return tuple(dict.fromkeys(n for n in names if n))

    def _http_apis(self) -> tuple[list[FrontDoor], list[Trigger]]:
        doors: list[FrontDoor] = []
        triggers: list[Trigger] = []
        api_types = ("AWS::ApiGatewayV2::Api",)
        route_auth: dict[str, list[str]] = {}
        for route in self.of("AWS::ApiGatewayV2::Route"):
            target = self.resolve(route.props.get("Target"), ("AWS::ApiGatewayV2::Integration",))
            auth = (
                self.text(route, route.props, "AuthorizationType", "authorization", "NONE")
                or "NONE"
            )
            if target is not None:
                route_auth.setdefault(target, []).append(auth)
        stages: dict[str, list[Resource]] = {}
        for stage in self.of("AWS::ApiGatewayV2::Stage"):
            api = self.resolve(stage.props.get("ApiId"), api_types)
            if api is not None:
                stages.setdefault(api, []).append(stage)
        for api_res in self.of("AWS::ApiGatewayV2::Api"):
            if (
                known_str(api_res.props.get("ProtocolType")) != "HTTP"
                or api_res.props.get("Target") is None
            ):
                continue
            fn = self.function_ref(api_res, api_res.props, "Target")
            doors.append(self._http_door(api_res, api_res, fn, route_auth, stages, 30000))
            if fn:
                triggers.append(self._http_trigger(api_res, fn, api_res.address))
        for integ in self.of("AWS::ApiGatewayV2::Integration"):
            if known_str(integ.props.get("IntegrationType")) != "AWS_PROXY":
                continue
            fn = self.function_ref(integ, integ.props, "IntegrationUri")
            api = self.resolve(integ.props.get("ApiId"), api_types)
            http_api = self.by_address.get(api or "")
            if http_api is not None and known_str(http_api.props.get("ProtocolType")) != "HTTP":
                continue
            timeout = self.number(
                integ, integ.props, "TimeoutInMillis", "integration_timeout_ms", 30000
            )
            doors.append(self._http_door(integ, http_api, fn, route_auth, stages, timeout))
            if fn:
                triggers.append(self._http_trigger(integ, fn, api))
        return doors, triggers

    def _http_door(
        self,
        r: Resource,
        api: Resource | None,
        fn: str | None,
        route_auth: Mapping[str, list[str]],
        stages: Mapping[str, list[Resource]],
        timeout: int | None,
    ) -> FrontDoor:
        auths = route_auth.get(r.address, [])
        authorization = "NONE" if not auths or "NONE" in auths else auths[0]
        api_stages = stages.get(api.address, []) if api is not None else []
        rates: list[float] = []
        bursts: list[int] = []
        for stage in api_stages:
            settings = stage.props.get("DefaultRouteSettings")
            if is_mapping(settings):
                rate = _float(settings.get("ThrottlingRateLimit"))
                burst = to_int(settings.get("ThrottlingBurstLimit"))
                if rate is not None:
                    rates.append(rate)
                if burst is not None:
                    bursts.append(burst)
        cors = api.props.get("CorsConfiguration") if api is not None else None
        return FrontDoor(
            address=r.address,
            kind=FrontDoorKind.API_HTTP,
            location=r.location,
            functions=(fn,) if fn else (),
            integration_timeout_ms=timeout,
            authorization=authorization,
            public=True,
            stages=tuple(
                s for s in (known_str(st.props.get("StageName")) for st in api_stages) if s
            ),
            throttling_rate_limit=min(rates) if rates else None,
            throttling_burst_limit=min(bursts) if bursts else None,
            cors_allow_origins=self.strings(api, cors, "AllowOrigins", "cors")
            if api is not None and is_mapping(cors)
            else (),
        )

    def _http_trigger(self, r: Resource, fn: str, api: str | None) -> Trigger:
        return Trigger(
            address=r.address,
            kind=TriggerKind.API_HTTP,
            function=fn,
            invocation=InvocationType.SYNC,
            location=r.location,
            source=api,
            front_door=r.address,
        )

    def _permission(self, r: Resource) -> Permission:
        p = r.props
        fn = self.function_ref(r, p, "FunctionName")
        return Permission(
            address=r.address,
            function=fn or _expr(p.get("FunctionName")),
            location=r.location,
            action=self.text(r, p, "Action", "action", "lambda:InvokeFunction")
            or "lambda:InvokeFunction",
            principal=self.text(r, p, "Principal", "principal"),
            source_arn=self._source_arn(r),
            source_account=self.text(r, p, "SourceAccount", "source_account"),
            principal_org_id=self.text(r, p, "PrincipalOrgID", "principal_org_id"),
            function_url_auth_type=self.text(r, p, "FunctionUrlAuthType", "function_url_auth_type"),
            event_source_token=self.text(r, p, "EventSourceToken", "event_source_token"),
            # Unknown reads as False: the statement is then judged as a plain grant (stricter).
            invoked_via_function_url=bool(
                self.flag(r, p, "InvokedViaFunctionUrl", "invoked_via_function_url", False)
            ),
        )

    def _source_arn(self, r: Resource) -> str | None:
        value = r.props.get("SourceArn")
        if value is None:
            return None
        types = (
            "AWS::S3::Bucket",
            "AWS::SNS::Topic",
            "AWS::SQS::Queue",
            "AWS::Events::Rule",
            "AWS::ApiGateway::RestApi",
            "AWS::ApiGatewayV2::Api",
            "AWS::ElasticLoadBalancingV2::TargetGroup",
        )
        found = self.resolve(value, types)
        if found is None and isinstance(value, Unknown) and value.expr:
            return value.expr  # "arn:...:${Api}/*/*": restricted, the exact ARN is deploy-time
        if found is None:
            self.gap(r, "source_arn", value, "SourceArn")
        return found

    # ------------------------------------------------------------------ neighbours

    def _subnet(self, r: Resource) -> Subnet:
        p = r.props
        zone_key = (
            "AvailabilityZone" if p.get("AvailabilityZone") is not None else "AvailabilityZoneId"
        )
        zone = known_str(p.get(zone_key))
        if zone is None:
            self.gap(r, "availability_zone", p.get(zone_key), zone_key)
        return Subnet(
            address=r.address,
            location=r.location,
            vpc_id=self.ref_field(r, p, "VpcId", ("AWS::EC2::VPC",), "vpc_id"),
            availability_zone=zone,
            cidr_block=self.text(r, p, "CidrBlock", "cidr_block"),
        )

    def _security_groups(self) -> tuple[SecurityGroup, ...]:
        extra: dict[str, list[EgressRule]] = {}
        orphan = False
        for rule in self.of("AWS::EC2::SecurityGroupEgress"):
            group = self.resolve(rule.props.get("GroupId"), ("AWS::EC2::SecurityGroup",))
            if group is None or group not in self.by_address:
                orphan = orphan or group is None
                continue
            extra.setdefault(group, []).append(self._egress(rule.props))
        out: list[SecurityGroup] = []
        for r in self.of("AWS::EC2::SecurityGroup"):
            inline = r.props.get("SecurityGroupEgress")
            known = not orphan
            rules: list[EgressRule]
            if inline is None:
                # EC2 adds an allow-all egress rule unless the group declares its own.
                rules = [EgressRule("-1", None, None, ("0.0.0.0/0",))]
            elif isinstance(inline, list):
                rules = [self._egress(item) for item in inline if is_mapping(item)]
            else:
                rules = []
                known = False
                self.gap(r, "egress", inline, "SecurityGroupEgress")
            rules.extend(extra.get(r.address, []))
            if orphan:
                self.gaps.append(
                    CollectionGap(
                        r.location,
                        "egress rules declared for a security group fnguard could not identify",
                        r.address,
                        "egress",
                    )
                )
            out.append(
                SecurityGroup(
                    address=r.address,
                    location=r.location,
                    vpc_id=self.ref_field(r, r.props, "VpcId", ("AWS::EC2::VPC",), "vpc_id"),
                    egress=tuple(rules),
                    egress_known=known,
                )
            )
        return tuple(out)

    def _egress(self, item: Mapping[str, Any]) -> EgressRule:
        protocol = known_str(item.get("IpProtocol")) or "-1"
        cidr4 = known_str(item.get("CidrIp"))
        cidr6 = known_str(item.get("CidrIpv6"))
        return EgressRule(
            protocol="-1" if protocol in ("-1", "all") else protocol,
            from_port=to_int(item.get("FromPort")),
            to_port=to_int(item.get("ToPort")),
            cidr_blocks=(cidr4,) if cidr4 else (),
            ipv6_cidr_blocks=(cidr6,) if cidr6 else (),
        )

    def _vpc_endpoint(self, r: Resource) -> VpcEndpoint:
        return VpcEndpoint(
            address=r.address,
            location=r.location,
            service_name=self.text(r, r.props, "ServiceName", "service_name"),
            vpc_id=self.ref_field(r, r.props, "VpcId", ("AWS::EC2::VPC",), "vpc_id"),
            endpoint_type=self.text(r, r.props, "VpcEndpointType", "endpoint_type", "Gateway"),
        )

    def _log_group(self, r: Resource) -> LogGroup:
        return LogGroup(
            address=r.address,
            location=r.location,
            name=self.text(r, r.props, "LogGroupName", "name"),
            retention_days=self.number(r, r.props, "RetentionInDays", "retention_days", None),
            kms_key_id=self.ref_field(r, r.props, "KmsKeyId", ("AWS::KMS::Key",), "kms_key_id"),
        )

    def _kms_key(self, r: Resource) -> KmsKey:
        return KmsKey(
            address=r.address,
            location=r.location,
            rotation_enabled=self.flag(r, r.props, "EnableKeyRotation", "rotation_enabled", False),
            customer_managed=True,
        )

    def _queue(self, r: Resource) -> Queue:
        return Queue(
            address=r.address,
            location=r.location,
            name=self.text(r, r.props, "QueueName", "name"),
            visibility_timeout_s=self.number(
                r, r.props, "VisibilityTimeout", "visibility_timeout_s", 30
            ),
            fifo=self.flag(r, r.props, "FifoQueue", "fifo", False) is True,
        )

    def _bucket(self, r: Resource) -> Bucket:
        name = self.text(r, r.props, "BucketName", "name")
        return Bucket(
            address=r.address,
            location=r.location,
            name=name,
            arn=f"arn:aws:s3:::{name}" if name else None,
        )

    def _code_signing(self, r: Resource) -> CodeSigningConfig:
        policies = r.props.get("CodeSigningPolicies")
        return CodeSigningConfig(
            address=r.address,
            location=r.location,
            untrusted_artifact_on_deployment=(
                self.text(
                    r,
                    policies,
                    "UntrustedArtifactOnDeployment",
                    "untrusted_artifact_on_deployment",
                    "Warn",
                )
                if is_mapping(policies)
                else "Warn"
            ),
        )


def _rest_throttling(stages: list[Resource]) -> tuple[float | None, int | None]:
    rates: list[float] = []
    bursts: list[int] = []
    for stage in stages:
        settings = stage.props.get("MethodSettings")
        for item in settings if isinstance(settings, list) else []:
            if not is_mapping(item):
                continue
            rate = _float(item.get("ThrottlingRateLimit"))
            burst = to_int(item.get("ThrottlingBurstLimit"))
            if rate is not None and rate >= 0:
                rates.append(rate)
            if burst is not None and burst >= 0:
                bursts.append(burst)
    return (min(rates) if rates else None, min(bursts) if bursts else None)
