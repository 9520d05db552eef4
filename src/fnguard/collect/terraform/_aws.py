"""AWS resource views -> inventory objects, with the provider's defaults applied.

Written once against ``View`` so HCL and plan/state JSON give the same inventory.
Cross-references become addresses when they name a resource of the configuration (through
the ``Unknown`` of a computed attribute, the expression's static references, or a name/ARN
match), and stay literal ARNs otherwise. Anything unresolvable is ``None`` plus a gap.
"""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING, Any

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
from fnguard.collect.terraform._eval import Partial, Unknown
from fnguard.collect.terraform._view import MISSING, View
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

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

__all__ = ["Mapper"]

# The resource type in an address; "svc:" prefixes a root module's folder in multi-root scans.
_ADDRESS_TYPE = re.compile(r"(?:^|[.:])(?:data\.)?([a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?$")
# Attributes holding a resource's own name, used to match literal names and ARNs to addresses.
_DATA_ADDRESS = re.compile(r"(^|\.)data\.")
_IDENTITY = {
    "aws_lambda_function": "function_name",
    "aws_iam_role": "name",
    "aws_iam_policy": "name",
    "aws_sqs_queue": "name",
    "aws_sns_topic": "name",
    "aws_s3_bucket": "bucket",
    "aws_cloudwatch_event_rule": "name",
    "aws_kinesis_stream": "name",
    "aws_dynamodb_table": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_api_gateway_stage": "stage_name",
    "aws_lambda_layer_version": "layer_name",
}
#: per type, the attributes that identify a resource by value (its name, then ARN and ID)
_IDENTITY_ATTRS = {rtype: (attr, "arn", "id") for rtype, attr in _IDENTITY.items()}
_ANY_IDENTITY_ATTRS = ("arn", "id")
_SECRET_ARN = re.compile(r"^arn:aws[\w-]*:(ssm|secretsmanager):|^\{\{resolve:(ssm|secretsmanager)")
_SECRET_REF = re.compile(r"(aws_ssm_parameter|aws_secretsmanager_)")
_FUNCTION_URI = re.compile(r":lambda:path/[^/]+/functions/(.+?)/invocations")


@functools.lru_cache(maxsize=4096)
def resource_type(address: str) -> str | None:
    """The type in an address (remembered: the same addresses are asked about repeatedly)."""
    match = _ADDRESS_TYPE.search(address)
    return match.group(1) if match else None


def _known_str(value: Any) -> str | None:
    if type(value) is str:  # the common case, and what known_str returns for it
        return value
    if value is MISSING or value is None:  # unset: the mapper's many optional reads
        return None
    # A Partial is text with unknown pieces: never a known value (Terraform prints 10/2 as 5).
    return None if isinstance(value, Partial) else known_str(value)


def _int(value: Any) -> int | None:
    return None if isinstance(value, Partial) else to_int(value)


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    return None


def _unset(value: Any) -> bool:
    return value is MISSING or value is None


class Mapper:
    """Builds one inventory from all resource views of a configuration (or plan)."""

    def __init__(self, views: Sequence[View]) -> None:
        self.views = list(views)
        self.by_address = {v.address: v for v in self.views}
        self.by_type: dict[str, list[View]] = {}
        for view in self.views:
            self.by_type.setdefault(view.type, []).append(view)
        self.identity: dict[tuple[str, str], str] = {}
        for view in self.views:
            for attr in _IDENTITY_ATTRS.get(view.type, _ANY_IDENTITY_ATTRS):
                value = _known_str(view.get(attr))
                if value:
                    self.identity.setdefault((view.type, value), view.address)
        self.gaps: list[CollectionGap] = []

    # ------------------------------------------------------------------ helpers

    def gap(self, view: View, field: str, value: Any, attr: str | None = None) -> None:
        expr = view.expr(attr or field) or (value.expr if isinstance(value, Unknown) else "")
        reason = f"{expr} cannot be resolved offline" if expr else "value computed at apply time"
        self.gaps.append(CollectionGap(view.location, reason, view.address, field))

    def of(self, rtype: str) -> list[View]:
        return self.by_type.get(rtype, [])

    def resolve(self, view: View, attr: str, types: Sequence[str], value: Any = MISSING) -> Any:
        """An address for a reference to one of ``types``, else the literal, else ``None``."""
        if value is MISSING:
            value = view.get(attr)
        if _unset(value):
            return None
        if (
            isinstance(value, Unknown)
            and value.address in self.by_address
            and resource_type(value.address or "") in types
        ):
            return value.address
        if isinstance(value, Unknown | Partial) or not isinstance(value, str):
            for ref in view.refs(attr):
                if resource_type(ref) in types:
                    match = self._existing(ref)
                    if match:
                        return match
        if isinstance(value, str):
            found = by_identity(self.identity, value, types)
            if found:
                return found
        if isinstance(value, str) and not isinstance(value, Partial):
            return value
        return None

    def _existing(self, address: str) -> str | None:
        if address in self.by_address:
            return address
        prefix = address + "["
        for candidate in self.by_address:
            if candidate.startswith(prefix):
                return candidate
        return None

    def ref_field(self, view: View, attr: str, types: Sequence[str], field: str) -> str | None:
        value = view.get(attr)
        result = self.resolve(view, attr, types, value)
        if result is None and not _unset(value):
            self.gap(view, field, value, attr)
        return result if isinstance(result, str) else None

    def ref_list(self, view: View, attr: str, types: Sequence[str], field: str) -> tuple[str, ...]:
        value = view.get(attr)
        if _unset(value):
            return ()
        if not isinstance(value, list):
            self.gap(view, field, value, attr)
            return ()
        out: list[str] = []
        for item in value:
            resolved = self.resolve(view, attr, types, item) if not _unset(item) else None
            if resolved is None:
                single = self._single_ref(view, attr, types, len(value))
                if single is None:
                    self.gap(view, field, item, attr)
                    continue
                resolved = single
            out.append(resolved)
        return tuple(out)

    def _single_ref(self, view: View, attr: str, types: Sequence[str], count: int) -> str | None:
        refs = [r for r in view.refs(attr) if resource_type(r) in types]
        if len(refs) == count == 1:
            return self._existing(refs[0])
        return None

    def _scalar(
        self, view: View, attr: str, field: str, default: Any, convert: Callable[[Any], Any]
    ) -> Any:
        """A scalar attribute: the default when unset, ``None`` plus a gap when unknown."""
        value = view.get(attr)
        if value is MISSING or value is None:
            return default
        known = convert(value)
        if known is None:
            self.gap(view, field, value, attr)
        return known

    def text(self, view: View, attr: str, field: str, default: str | None = None) -> str | None:
        """``_scalar`` with ``_known_str`` (written out: the mapper's most common read)."""
        value = view.get(attr)
        if value is MISSING or value is None:
            return default
        known = value if type(value) is str else _known_str(value)
        if known is None:
            self.gap(view, field, value, attr)
        return known

    def number(self, view: View, attr: str, field: str, default: int | None) -> int | None:
        result: int | None = self._scalar(view, attr, field, default, _int)
        return result

    def flag(self, view: View, attr: str, field: str, default: bool | None) -> bool | None:
        result: bool | None = self._scalar(view, attr, field, default, _bool)
        return result

    def strings(self, view: View, attr: str, field: str) -> tuple[str, ...]:
        value = view.get(attr)
        if _unset(value):
            return ()
        items = value if isinstance(value, list) else [value]
        out = tuple(s for s in (_known_str(i) for i in items) if s is not None)
        if len(out) != len(items):
            self.gap(view, field, value, attr)
        return out

    def first_block(self, view: View, name: str) -> View | None:
        blocks = view.blocks(name)
        return blocks[0] if blocks else None

    def function_ref(self, view: View, attr: str) -> str | None:
        value = view.get(attr)
        if isinstance(value, str) and not isinstance(value, Partial):
            uri = _FUNCTION_URI.search(value)
            if uri:
                value = uri.group(1)
        found = self.resolve(view, attr, ("aws_lambda_function",), value)
        if found is None and not _unset(value):
            self.gap(view, "function", value, attr)
        return found if isinstance(found, str) else None

    def document(self, view: View, attr: str, field: str = "policy") -> Mapping[str, Any] | None:
        value = view.get(attr)
        if isinstance(value, dict):
            return value
        if isinstance(value, str):
            try:
                doc = json.loads(value)
            except ValueError:
                doc = None
            if isinstance(doc, dict):
                return doc
        self.gap(view, field, value, attr)
        return None

    # ------------------------------------------------------------------ inventory

    def build(self) -> Inventory:
        functions = tuple(self._function(v) for v in self.of("aws_lambda_function"))
        roles = tuple(self._role(v) for v in self.of("aws_iam_role"))
        triggers: list[Trigger] = []
        front_doors: list[FrontDoor] = []
        for view in self.of("aws_lambda_function_url"):
            door, trigger = self._function_url(view)
            front_doors.append(door)
            if trigger:
                triggers.append(trigger)
        triggers.extend(self._event_source_mappings())
        triggers.extend(self._s3_notifications())
        triggers.extend(self._sns_subscriptions())
        triggers.extend(self._event_targets())
        rest_doors, rest_triggers = self._rest_apis()
        http_doors, http_triggers = self._http_apis()
        front_doors.extend(rest_doors + http_doors)
        triggers.extend(rest_triggers + http_triggers)
        return Inventory(
            functions=functions,
            roles=roles,
            triggers=tuple(triggers),
            front_doors=tuple(front_doors),
            permissions=tuple(self._permission(v) for v in self.of("aws_lambda_permission")),
            subnets=tuple(self._subnet(v) for v in self.of("aws_subnet")),
            security_groups=self._security_groups(),
            vpc_endpoints=tuple(self._vpc_endpoint(v) for v in self.of("aws_vpc_endpoint")),
            log_groups=tuple(self._log_group(v) for v in self.of("aws_cloudwatch_log_group")),
            kms_keys=tuple(self._kms_key(v) for v in self.of("aws_kms_key")),
            queues=tuple(self._queue(v) for v in self.of("aws_sqs_queue")),
            buckets=tuple(self._bucket(v) for v in self.of("aws_s3_bucket")),
            code_signing_configs=tuple(
                self._code_signing(v) for v in self.of("aws_lambda_code_signing_config")
            ),
            layers=tuple(self._layer(v) for v in self.of("aws_lambda_layer_version")),
            gaps=tuple(self.gaps),
        )

    # ------------------------------------------------------------------ functions

    def _function(self, v: View) -> Function:
        name = self.text(v, "function_name", "name")
        package_type = PackageType.IMAGE if v.get("package_type") == "Image" else PackageType.ZIP
        archs = self.strings(v, "architectures", "architectures") or ("x86_64",)
        architectures = tuple(Architecture(a) for a in archs if a in ("x86_64", "arm64"))
        tracing = self.first_block(v, "tracing_config")
        dlq = self.first_block(v, "dead_letter_config")
        reserved = self.number(v, "reserved_concurrent_executions", "reserved_concurrency", -1)
        return Function(
            address=v.address,
            provider=Provider.AWS,
            location=v.location,
            name=name,
            runtime=self.text(v, "runtime", "runtime"),
            package_type=package_type,
            architectures=architectures,
            memory_mb=self.number(v, "memory_size", "memory_mb", 128),
            timeout_s=self.number(v, "timeout", "timeout_s", 3),
            handler=self.text(v, "handler", "handler"),
            environment=self._environment(v),
            kms_key_arn=self.ref_field(v, "kms_key_arn", ("aws_kms_key",), "kms_key_arn"),
            role=self._function_role(v),
            vpc=self._vpc(v),
            tracing_mode=(
                self.text(tracing, "mode", "tracing_mode", "PassThrough")
                if tracing
                else "PassThrough"
            ),
            dead_letter_target=(
                self.ref_field(
                    dlq, "target_arn", ("aws_sqs_queue", "aws_sns_topic"), "dead_letter_target"
                )
                if dlq
                else None
            ),
            on_failure_destination=self._on_failure(v),
            reserved_concurrency=None if reserved == -1 else reserved,
            layers=self.ref_list(v, "layers", ("aws_lambda_layer_version",), "layers"),
            code_signing_config=self.ref_field(
                v,
                "code_signing_config_arn",
                ("aws_lambda_code_signing_config",),
                "code_signing_config",
            ),
            recursive_loop=self._recursive_loop(v),
            logging=self._logging(v, name),
            package=self._package(v),
            tags=self._tags(v),
        )

    def _function_role(self, v: View) -> str | None:
        role = self.ref_field(v, "role", ("aws_iam_role",), "role")
        if role is not None and role not in self.by_address:
            self.gaps.append(
                CollectionGap(
                    v.location,
                    f"execution role {role} is not declared in the scanned configuration",
                    v.address,
                    "role",
                )
            )
        return role

    def _environment(self, v: View) -> tuple[EnvVar, ...]:
        env = self.first_block(v, "environment")
        if env is None:
            return ()
        variables = env.get("variables")
        if _unset(variables):
            return ()
        if not isinstance(variables, dict):
            self.gap(env, "environment", variables, "variables")
            return ()
        item_exprs = getattr(env, "item_exprs", None)
        exprs: Mapping[str, tuple[str, list[str], int]] = (
            item_exprs("variables") if item_exprs else {}
        )
        out: list[EnvVar] = []
        for key, value in variables.items():
            expr, refs, line = exprs.get(key, (None, [], env.location.line))
            literal = _known_str(value) if not isinstance(value, bool) else str(value).lower()
            is_literal_source = expr is not None and _is_literal_expr(expr)
            # Secret-store ARNs and dynamic references point at a store. A bare parameter or
            # secret *name* stays a literal: it is stored in the environment like any value.
            secret_like = bool(
                (literal and _SECRET_ARN.search(literal)) or (expr and _SECRET_REF.search(expr))
            )
            is_reference = bool(refs) or secret_like
            # A reference to another resource's attribute is not a gap: the value is known to
            # be a reference, which is all the environment rules need.
            if literal is None and not is_reference:
                self.gaps.append(
                    CollectionGap(
                        env.location,
                        # Not the expression: its literal parts may hold a secret.
                        f"environment variable {key} is computed at apply time",
                        v.address,
                        "environment",
                    )
                )
            out.append(
                EnvVar(
                    name=key,
                    value=literal,
                    is_reference=is_reference,
                    location=Location(v.location.file, line),
                    source_expr=None if is_literal_source else expr,
                )
            )
        return tuple(out)

    def _vpc(self, v: View) -> VpcConfig | None:
        block = self.first_block(v, "vpc_config")
        if block is None:
            return None
        return VpcConfig(
            subnet_ids=self.ref_list(block, "subnet_ids", ("aws_subnet",), "vpc"),
            security_group_ids=self.ref_list(
                block, "security_group_ids", ("aws_security_group",), "vpc"
            ),
        )

    @functools.cached_property
    def _per_function(self) -> dict[tuple[str, str], View]:
        """Resources that configure one function, indexed by (type, function address)."""
        out: dict[tuple[str, str], View] = {}
        for rtype in (
            "aws_lambda_function_event_invoke_config",
            "aws_lambda_function_recursion_config",
        ):
            for cfg in self.of(rtype):
                fn = self._targets_function(cfg, "function_name")
                if fn:
                    out.setdefault((rtype, fn), cfg)
        return out

    def _on_failure(self, v: View) -> str | None:
        cfg = self._per_function.get(("aws_lambda_function_event_invoke_config", v.address))
        if cfg is None:
            return None
        for dest in cfg.blocks("destination_config"):
            for failure in dest.blocks("on_failure"):
                return self.ref_field(
                    failure,
                    "destination",
                    (
                        "aws_sqs_queue",
                        "aws_sns_topic",
                        "aws_lambda_function",
                        "aws_cloudwatch_event_bus",
                    ),
                    "on_failure_destination",
                )
        return None

    def _targets_function(self, view: View, attr: str) -> str | None:
        value = view.get(attr)
        found = self.resolve(view, attr, ("aws_lambda_function",), value)
        return found if isinstance(found, str) else None

    def _recursive_loop(self, v: View) -> str | None:
        cfg = self._per_function.get(("aws_lambda_function_recursion_config", v.address))
        if cfg is not None:
            return self.text(cfg, "recursive_loop", "recursive_loop", "Terminate")
        return self.text(v, "recursive_loop", "recursive_loop", "Terminate")

    def _logging(self, v: View, name: str | None) -> LoggingConfig:
        default_group = default_log_group(name)
        block = self.first_block(v, "logging_config")
        if block is None:
            return LoggingConfig(log_format="Text", log_group=default_group)
        group = self.text(block, "log_group", "logging", None) or default_group
        return LoggingConfig(
            log_format=self.text(block, "log_format", "logging", "Text"),
            log_group=group,
            application_log_level=self.text(block, "application_log_level", "logging"),
            system_log_level=self.text(block, "system_log_level", "logging"),
        )

    def _package(self, v: View) -> PackageRef:
        filename = v.get("filename")
        path = _known_str(filename)
        source_dir: str | None = None
        for ref in v.refs("filename"):
            if resource_type(ref) == "archive_file":
                archive = self.by_address.get(self._existing(ref) or "")
                if archive is not None:
                    source_dir = _known_str(archive.get("source_dir")) or _known_str(
                        archive.get("source_file")
                    )
                    source_dir = self._relative(v, source_dir)
        if path is None and not _unset(filename):
            self.gap(v, "package", filename, "filename")
        hash_value = v.get("source_code_hash")
        declared = not _unset(hash_value) or v.expr("source_code_hash") is not None
        return PackageRef(
            path=self._relative(v, path),
            recorded_hash=_known_str(hash_value),
            hash_declared=declared,
            s3_bucket=self._package_ref(v, "s3_bucket"),
            s3_key=self._package_text(v, "s3_key"),
            s3_object_version=self._package_text(v, "s3_object_version"),
            image_uri=self._package_text(v, "image_uri"),
            source_dir=source_dir,
        )

    def _layer(self, v: View) -> Layer:
        """A layer version and its artifact (filename / source_code_hash like a function's)."""
        archs = self.strings(v, "compatible_architectures", "compatible_architectures")
        return Layer(
            address=v.address,
            location=v.location,
            name=self.text(v, "layer_name", "name"),
            package=self._package(v),
            compatible_runtimes=self.strings(v, "compatible_runtimes", "compatible_runtimes"),
            compatible_architectures=tuple(
                Architecture(a) for a in archs if a in ("x86_64", "arm64")
            ),
        )

    def computed(self, value: Any) -> bool:
        """Is ``value`` an attribute that Terraform computes from a managed resource of this
        configuration (``aws_signer_signing_job.fn.signed_object[0].s3[0].bucket``)? It is a
        reference to something known, not input fnguard failed to read. A data source's
        attribute is read from the account: that is unknown input."""
        return (
            isinstance(value, Unknown)
            and value.address is not None
            and _DATA_ADDRESS.search(value.address) is None
            and self._existing(value.address) is not None
        )

    def _package_ref(self, v: View, attr: str) -> str | None:
        """The package bucket: a bucket's address, its literal name, or ``None`` for a value
        computed from another resource (a signing job's output): no rule needs it."""
        value = v.get(attr)
        resolved = self.resolve(v, attr, ("aws_s3_bucket",), value)
        if resolved is None and not _unset(value) and not self.computed(value):
            self.gap(v, "package", value, attr)
        return resolved if isinstance(resolved, str) else None

    def _package_text(self, v: View, attr: str) -> str | None:
        if self.computed(v.get(attr)):
            return None
        return self.text(v, attr, "package")

    def _relative(self, v: View, path: str | None) -> str | None:
        """A path as written in a module, relative to the scanned root (posix)."""
        if path is None:
            return None
        base = getattr(v, "cwd", ".")
        return package_path(base, path)

    def _tags(self, v: View) -> Mapping[str, str]:
        tags = v.get("tags")
        if not isinstance(tags, dict):
            return {}
        return {k: s for k, val in tags.items() if (s := _known_str(val)) is not None}

    # ------------------------------------------------------------------ IAM

    def _role(self, v: View) -> Role:
        policies: list[Policy] = []
        for block in v.blocks("inline_policy"):
            if _unset(block.get("policy")):
                continue
            name = _known_str(block.get("name")) or v.address
            policies.append(
                Policy(
                    name, PolicyKind.INLINE, self.document(block, "policy"), None, block.location
                )
            )
        for arn_value in _as_list(v.get("managed_policy_arns")):
            policies.append(self._attached(v, "managed_policy_arns", arn_value))
        policies.extend(self._role_attachments().get(v.address, []))
        trust = None
        if not _unset(v.get("assume_role_policy")):
            trust = Policy(
                "assume_role_policy",
                PolicyKind.TRUST,
                self.document(v, "assume_role_policy", "trust_policy"),
                None,
                v.location,
            )
        boundary = None
        if not _unset(v.get("permissions_boundary")):
            boundary = self._attached(
                v, "permissions_boundary", v.get("permissions_boundary"), PolicyKind.BOUNDARY
            )
        return Role(
            address=v.address,
            provider=Provider.AWS,
            location=v.location,
            name=_known_str(v.get("name")),
            arn=_known_str(v.get("arn")) if not _unset(v.get("arn")) else None,
            trust_policy=trust,
            policies=tuple(policies),
            boundary=boundary,
        )

    @functools.cached_property
    def _attachments_index(self) -> dict[str, list[Policy]]:
        """Policies attached by separate resources, per role address (one pass, not per role)."""
        out: dict[str, list[Policy]] = {}
        for rp in self.of("aws_iam_role_policy"):
            role = self._role_of(rp, "role")
            if role:
                name = _known_str(rp.get("name")) or rp.address
                out.setdefault(role, []).append(
                    Policy(name, PolicyKind.INLINE, self.document(rp, "policy"), None, rp.location)
                )
        for att in self.of("aws_iam_role_policy_attachment"):
            role = self._role_of(att, "role")
            if role:
                out.setdefault(role, []).append(
                    self._attached(att, "policy_arn", att.get("policy_arn"), owner=role)
                )
        for att in self.of("aws_iam_policy_attachment"):
            roles = dict.fromkeys(
                self.resolve(att, "roles", ("aws_iam_role",), r) for r in _as_list(att.get("roles"))
            )
            for role in roles:
                if isinstance(role, str):
                    out.setdefault(role, []).append(
                        self._attached(att, "policy_arn", att.get("policy_arn"), owner=role)
                    )
        return out

    def _role_attachments(self) -> dict[str, list[Policy]]:
        return self._attachments_index

    def _role_of(self, view: View, attr: str) -> str | None:
        found = self.resolve(view, attr, ("aws_iam_role",))
        return found if isinstance(found, str) else None

    def _attached(
        self,
        v: View,
        attr: str,
        value: Any,
        kind: PolicyKind | None = None,
        owner: str | None = None,
    ) -> Policy:
        """A policy named by ARN: AWS-managed (shipped data), declared in the config, or unknown.

        Gaps name ``owner`` (the role) so that rules asking about the role see them.
        """
        owner = owner or v.address
        arn = _known_str(value)
        if arn and is_aws_managed(arn):
            policy, gap = aws_managed_policy(arn, v.location, owner, kind)
            self.gaps.extend((gap,) if gap else ())
            return policy
        address = self.resolve(v, attr, ("aws_iam_policy",), value)
        policy_view = self.by_address.get(address) if isinstance(address, str) else None
        if policy_view is not None:
            name = _known_str(policy_view.get("name")) or policy_view.address
            return Policy(
                name,
                kind or PolicyKind.MANAGED,
                self.document(policy_view, "policy"),
                _known_str(policy_view.get("arn")) if not _unset(policy_view.get("arn")) else None,
                policy_view.location,
            )
        self.gaps.append(
            CollectionGap(
                v.location,
                f"policy {arn or v.expr(attr) or '?'} is not declared in the scanned configuration",
                owner,
                "policies",
            )
        )
        name = arn.rsplit("/", 1)[-1] if arn else (v.expr(attr) or v.address)
        return Policy(name, kind or PolicyKind.MANAGED, None, arn, v.location)

    # ------------------------------------------------------------------ triggers and doors

    def _function_url(self, v: View) -> tuple[FrontDoor, Trigger | None]:
        fn = self.function_ref(v, "function_name")
        cors = self.first_block(v, "cors")
        door = FrontDoor(
            address=v.address,
            kind=FrontDoorKind.FUNCTION_URL,
            location=v.location,
            functions=(fn,) if fn else (),
            integration_timeout_ms=None,
            authorization=self.text(v, "authorization_type", "authorization"),
            public=True,
            cors_allow_origins=self.strings(cors, "allow_origins", "cors") if cors else (),
        )
        trigger = None
        if fn:
            trigger = Trigger(
                address=v.address,
                kind=TriggerKind.FUNCTION_URL,
                function=fn,
                invocation=InvocationType.SYNC,
                location=v.location,
                source=v.address,
                front_door=v.address,
            )
        return door, trigger

    def _event_source_mappings(self) -> list[Trigger]:
        out: list[Trigger] = []
        kinds = {
            "aws_sqs_queue": TriggerKind.SQS,
            "aws_kinesis_stream": TriggerKind.KINESIS,
            "aws_dynamodb_table": TriggerKind.DYNAMODB_STREAM,
        }
        for v in self.of("aws_lambda_event_source_mapping"):
            fn = self.function_ref(v, "function_name")
            source = self.resolve(v, "event_source_arn", tuple(kinds))
            kind = kinds.get(resource_type(source) or "") if source in self.by_address else None
            if kind is None and isinstance(source, str):
                kind = event_source_kind(source)
            if fn is None or kind is None:
                if kind is None:
                    self.gaps.append(
                        CollectionGap(
                            v.location,
                            "event source is not an SQS queue, Kinesis stream or DynamoDB stream "
                            "fnguard can identify",
                            v.address,
                            "event_source_arn",
                        )
                    )
                continue
            default_batch = 10 if kind is TriggerKind.SQS else 100
            filters: list[tuple[str, str]] = []
            for criteria in v.blocks("filter_criteria"):
                for flt in criteria.blocks("filter"):
                    pattern = _known_str(flt.get("pattern"))
                    if pattern is not None:
                        filters.append(("pattern", pattern))
            out.append(
                Trigger(
                    address=v.address,
                    kind=kind,
                    function=fn,
                    invocation=InvocationType.POLL,
                    location=v.location,
                    source=source if isinstance(source, str) else None,
                    filters=tuple(filters),
                    batch_size=self.number(v, "batch_size", "batch_size", default_batch),
                    batching_window_s=self.number(
                        v, "maximum_batching_window_in_seconds", "batching_window_s", 0
                    ),
                    enabled=self.flag(v, "enabled", "enabled", True) is not False,
                )
            )
        return out

    def _s3_notifications(self) -> list[Trigger]:
        out: list[Trigger] = []
        for v in self.of("aws_s3_bucket_notification"):
            bucket = self.ref_field(v, "bucket", ("aws_s3_bucket",), "source")
            for i, block in enumerate(v.blocks("lambda_function")):
                fn = self.function_ref(block, "lambda_function_arn")
                if fn is None:
                    continue
                filters = [("event", e) for e in self.strings(block, "events", "filters")]
                prefix = self.text(block, "filter_prefix", "filters")
                suffix = self.text(block, "filter_suffix", "filters")
                if prefix:
                    filters.append(("prefix", prefix))
                if suffix:
                    filters.append(("suffix", suffix))
                out.append(
                    Trigger(
                        address=f"{v.address}.lambda_function[{i}]",
                        kind=TriggerKind.S3,
                        function=fn,
                        invocation=InvocationType.ASYNC,
                        location=block.location,
                        source=bucket,
                        filters=tuple(filters),
                    )
                )
        return out

    def _sns_subscriptions(self) -> list[Trigger]:
        out: list[Trigger] = []
        for v in self.of("aws_sns_topic_subscription"):
            if v.get("protocol") != "lambda":
                continue
            fn = self.function_ref(v, "endpoint")
            if fn is None:
                continue
            out.append(
                Trigger(
                    address=v.address,
                    kind=TriggerKind.SNS,
                    function=fn,
                    invocation=InvocationType.ASYNC,
                    location=v.location,
                    source=self.ref_field(v, "topic_arn", ("aws_sns_topic",), "source"),
                )
            )
        return out

    def _event_targets(self) -> list[Trigger]:
        out: list[Trigger] = []
        for v in self.of("aws_cloudwatch_event_target"):
            arn = v.get("arn")
            fn = self.resolve(v, "arn", ("aws_lambda_function",), arn)
            if not isinstance(fn, str) or fn not in self.by_address:
                continue
            rule_address = self.ref_field(v, "rule", ("aws_cloudwatch_event_rule",), "source")
            rule = self.by_address.get(rule_address or "")
            kind = TriggerKind.EVENTBRIDGE
            filters: tuple[tuple[str, str], ...] = ()
            if rule is not None:
                if not _unset(rule.get("schedule_expression")):
                    kind = TriggerKind.SCHEDULE
                pattern = _known_str(rule.get("event_pattern"))
                if pattern:
                    filters = (("pattern", pattern),)
            out.append(
                Trigger(
                    address=v.address,
                    kind=kind,
                    function=fn,
                    invocation=InvocationType.ASYNC,
                    location=v.location,
                    source=rule_address,
                    filters=filters,
                )
            )
        return out

    def _rest_apis(self) -> tuple[list[FrontDoor], list[Trigger]]:
        doors: list[FrontDoor] = []
        triggers: list[Trigger] = []
        api_types = ("aws_api_gateway_rest_api",)
        methods: dict[tuple[str, str, str], str | None] = {}
        for m in self.of("aws_api_gateway_method"):
            key = (
                _key(m.get("rest_api_id"), self.resolve(m, "rest_api_id", api_types)),
                _key(m.get("resource_id"), None),
                _key(m.get("http_method"), None),
            )
            methods[key] = self.text(m, "authorization", "authorization", "NONE")
        stages: dict[str, list[View]] = {}
        for s in self.of("aws_api_gateway_stage"):
            api = self.resolve(s, "rest_api_id", api_types)
            if isinstance(api, str):
                stages.setdefault(api, []).append(s)
        for api_view in self.of("aws_api_gateway_rest_api"):
            if not _unset(api_view.get("body")):
                self.gaps.append(
                    CollectionGap(
                        api_view.location,
                        "integrations defined in the OpenAPI body are not analysed",
                        api_view.address,
                        "body",
                    )
                )
        for integ in self.of("aws_api_gateway_integration"):
            if _known_str(integ.get("type")) not in ("AWS_PROXY", "AWS"):
                continue
            fn = self.function_ref(integ, "uri")
            api = self.resolve(integ, "rest_api_id", api_types)
            api_address = api if isinstance(api, str) else None
            key = (
                _key(integ.get("rest_api_id"), api),
                _key(integ.get("resource_id"), None),
                _key(integ.get("http_method"), None),
            )
            authorization = methods.get(key, "NONE") if key in methods else None
            if key not in methods:
                self.gaps.append(
                    CollectionGap(
                        integ.location,
                        "the integration's method is not declared",
                        integ.address,
                        "authorization",
                    )
                )
            rest_api = self.by_address.get(api_address or "")
            api_stages = stages.get(api_address or "", [])
            rate, burst = self._rest_throttling(api_address)
            doors.append(
                FrontDoor(
                    address=integ.address,
                    kind=FrontDoorKind.API_REST,
                    location=integ.location,
                    functions=(fn,) if fn else (),
                    integration_timeout_ms=self.number(
                        integ, "timeout_milliseconds", "integration_timeout_ms", 29000
                    ),
                    authorization=authorization,
                    public=self._rest_public(rest_api),
                    waf_acl=self._waf(api_stages) or self._waf_for(api_address or ""),
                    stages=self._rest_stage_names(api_address, api_stages),
                    stage_resources=tuple((st.address, st.location) for st in api_stages),
                    throttling_rate_limit=rate,
                    throttling_burst_limit=burst,
                )
            )
            if fn:
                triggers.append(
                    Trigger(
                        address=integ.address,
                        kind=TriggerKind.API_REST,
                        function=fn,
                        invocation=InvocationType.SYNC,
                        location=integ.location,
                        source=api_address,
                        front_door=integ.address,
                    )
                )
        return doors, triggers

    def _rest_public(self, api: View | None) -> bool:
        if api is None:
            return True
        endpoint = self.first_block(api, "endpoint_configuration")
        if endpoint is None:
            return True
        types = endpoint.get("types")
        return not (isinstance(types, list) and types == ["PRIVATE"])

    @functools.cached_property
    def _method_settings(self) -> dict[str, list[View]]:
        out: dict[str, list[View]] = {}
        for ms in self.of("aws_api_gateway_method_settings"):
            api = self.resolve(ms, "rest_api_id", ("aws_api_gateway_rest_api",))
            if isinstance(api, str):
                out.setdefault(api, []).append(ms)
        return out

    def _rest_throttling(self, api: str | None) -> tuple[float | None, int | None]:
        rates: list[float] = []
        bursts: list[int] = []
        for ms in self._method_settings.get(api or "", []):
            for settings in ms.blocks("settings"):
                rate = settings.get("throttling_rate_limit")
                burst = _int(settings.get("throttling_burst_limit"))
                if isinstance(rate, int | float) and not isinstance(rate, bool) and rate >= 0:
                    rates.append(float(rate))
                if burst is not None and burst >= 0:
                    bursts.append(burst)
        return (min(rates) if rates else None, min(bursts) if bursts else None)

    def _rest_stage_names(self, api: str | None, stages: list[View]) -> tuple[str, ...]:
        """Stages declared as resources, then those a deployment creates (``stage_name``)."""
        names = [_known_str(st.get("stage_name")) for st in stages]
        for deployment in self.of("aws_api_gateway_deployment"):
            if (
                api
                and self.resolve(deployment, "rest_api_id", ("aws_api_gateway_rest_api",)) == api
            ):
                names.append(_known_str(deployment.get("stage_name")))
        return tuple(dict.fromkeys(n for n in names if n))

    def _waf(self, stages: list[View]) -> str | None:
        if not stages:
            return None
        acls: list[str] = []
        for stage in stages:
            acl = self._waf_for(stage.address)
            if acl is None:
                return None  # one unprotected stage leaves the API unprotected
            acls.append(acl)
        return acls[0]

    @functools.cached_property
    def _waf_index(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for assoc in self.of("aws_wafv2_web_acl_association"):
            resource = self.resolve(
                assoc,
                "resource_arn",
                ("aws_api_gateway_stage", "aws_apigatewayv2_stage", "aws_api_gateway_rest_api"),
            )
            if isinstance(resource, str):
                out[resource] = self.ref_field(
                    assoc, "web_acl_arn", ("aws_wafv2_web_acl",), "waf_acl"
                )
        return out

    def _waf_for(self, target: str) -> str | None:
        return self._waf_index.get(target)

    def _http_apis(self) -> tuple[list[FrontDoor], list[Trigger]]:
        doors: list[FrontDoor] = []
        triggers: list[Trigger] = []
        api_types = ("aws_apigatewayv2_api",)
        route_auth: dict[str, list[str]] = {}
        for route in self.of("aws_apigatewayv2_route"):
            target = self.resolve(route, "target", ("aws_apigatewayv2_integration",))
            auth = self.text(route, "authorization_type", "authorization", "NONE") or "NONE"
            if isinstance(target, str):
                route_auth.setdefault(target, []).append(auth)
        stage_settings: dict[str, list[View]] = {}
        for stage in self.of("aws_apigatewayv2_stage"):
            api = self.resolve(stage, "api_id", api_types)
            if isinstance(api, str):
                stage_settings.setdefault(api, []).append(stage)
        for api_view in self.of("aws_apigatewayv2_api"):
            if _known_str(api_view.get("protocol_type")) != "HTTP":
                continue
            if _unset(api_view.get("target")):
                continue
            fn = self.function_ref(api_view, "target")
            doors.append(self._http_door(api_view, api_view, fn, route_auth, stage_settings))
            if fn:
                triggers.append(self._http_trigger(api_view, fn, api_view.address))
        for integ in self.of("aws_apigatewayv2_integration"):
            if _known_str(integ.get("integration_type")) != "AWS_PROXY":
                continue
            fn = self.function_ref(integ, "integration_uri")
            api = self.resolve(integ, "api_id", api_types)
            http_api = self.by_address.get(api) if isinstance(api, str) else None
            if http_api is not None and _known_str(http_api.get("protocol_type")) != "HTTP":
                continue
            doors.append(self._http_door(integ, http_api, fn, route_auth, stage_settings))
            if fn:
                triggers.append(
                    self._http_trigger(integ, fn, api if isinstance(api, str) else None)
                )
        return doors, triggers

    def _http_door(
        self,
        v: View,
        api: View | None,
        fn: str | None,
        route_auth: Mapping[str, list[str]],
        stage_settings: Mapping[str, list[View]],
    ) -> FrontDoor:
        auths = route_auth.get(v.address, [])
        authorization = "NONE" if not auths or "NONE" in auths else auths[0]
        stages = stage_settings.get(api.address, []) if api is not None else []
        rates: list[float] = []
        bursts: list[int] = []
        for stage in stages:
            for settings in stage.blocks("default_route_settings"):
                rate = settings.get("throttling_rate_limit")
                burst = _int(settings.get("throttling_burst_limit"))
                if isinstance(rate, int | float) and not isinstance(rate, bool):
                    rates.append(float(rate))
                if burst is not None:
                    bursts.append(burst)
        cors = self.first_block(api, "cors_configuration") if api is not None else None
        timeout_attr = "timeout_milliseconds" if v.type == "aws_apigatewayv2_integration" else ""
        return FrontDoor(
            address=v.address,
            kind=FrontDoorKind.API_HTTP,
            location=v.location,
            functions=(fn,) if fn else (),
            integration_timeout_ms=(
                self.number(v, timeout_attr, "integration_timeout_ms", 30000)
                if timeout_attr
                else 30000
            ),
            authorization=authorization,
            public=True,
            stages=tuple(s for s in (_known_str(st.get("name")) for st in stages) if s),
            throttling_rate_limit=min(rates) if rates else None,
            throttling_burst_limit=min(bursts) if bursts else None,
            cors_allow_origins=self.strings(cors, "allow_origins", "cors") if cors else (),
        )

    def _http_trigger(self, v: View, fn: str, api: str | None) -> Trigger:
        return Trigger(
            address=v.address,
            kind=TriggerKind.API_HTTP,
            function=fn,
            invocation=InvocationType.SYNC,
            location=v.location,
            source=api,
            front_door=v.address,
        )

    def _permission(self, v: View) -> Permission:
        fn = self.function_ref(v, "function_name")
        source_types = (
            "aws_s3_bucket",
            "aws_sns_topic",
            "aws_sqs_queue",
            "aws_cloudwatch_event_rule",
            "aws_api_gateway_rest_api",
            "aws_apigatewayv2_api",
        )
        return Permission(
            address=v.address,
            function=fn or (v.expr("function_name") or ""),
            location=v.location,
            action=self.text(v, "action", "action", "lambda:InvokeFunction")
            or "lambda:InvokeFunction",
            principal=self.text(v, "principal", "principal"),
            source_arn=self._source_arn(v, source_types),
            source_account=self.text(v, "source_account", "source_account"),
            principal_org_id=self.text(v, "principal_org_id", "principal_org_id"),
            function_url_auth_type=self.text(v, "function_url_auth_type", "function_url_auth_type"),
            event_source_token=self.text(v, "event_source_token", "event_source_token"),
            # AWS provider v6 argument; unknown reads as False (judged as a plain grant).
            invoked_via_function_url=bool(
                self.flag(v, "invoked_via_function_url", "invoked_via_function_url", False)
            ),
        )

    def _source_arn(self, v: View, types: Sequence[str]) -> str | None:
        value = v.get("source_arn")
        if _unset(value):
            return None
        found = self.resolve(v, "source_arn", types, value)
        if isinstance(found, str):
            return found
        if isinstance(value, Partial):
            return str(value)  # "${aws_api_gateway_rest_api.x.execution_arn}/*/*": restricted
        refs = v.refs("source_arn")
        if refs:
            return refs[0]
        self.gap(v, "source_arn", value)
        return None

    # ------------------------------------------------------------------ neighbours

    def _subnet(self, v: View) -> Subnet:
        az = v.get("availability_zone")
        if _unset(az):
            az = v.get("availability_zone_id")
        zone = _known_str(az)
        if zone is None:
            self.gap(v, "availability_zone", az)
        return Subnet(
            address=v.address,
            location=v.location,
            subnet_id=_known_str(v.get("id")) if not _unset(v.get("id")) else None,
            vpc_id=self.ref_field(v, "vpc_id", ("aws_vpc",), "vpc_id"),
            availability_zone=zone,
            cidr_block=self.text(v, "cidr_block", "cidr_block"),
        )

    def _security_groups(self) -> tuple[SecurityGroup, ...]:
        extra: dict[str, list[EgressRule]] = {}
        orphan_rules = False
        for rule in self.of("aws_security_group_rule"):
            if rule.get("type") != "egress":
                continue
            sg = self.resolve(rule, "security_group_id", ("aws_security_group",))
            if not isinstance(sg, str) or sg not in self.by_address:
                # A literal id is a group outside the configuration; an unresolvable one
                # could be any group here, so their egress is no longer known.
                orphan_rules = orphan_rules or sg is None
                continue
            extra.setdefault(sg, []).append(self._egress(rule, "protocol"))
        for rule in self.of("aws_vpc_security_group_egress_rule"):
            sg = self.resolve(rule, "security_group_id", ("aws_security_group",))
            if not isinstance(sg, str) or sg not in self.by_address:
                # A literal id is a group outside the configuration; an unresolvable one
                # could be any group here, so their egress is no longer known.
                orphan_rules = orphan_rules or sg is None
                continue
            cidr4 = _known_str(rule.get("cidr_ipv4"))
            cidr6 = _known_str(rule.get("cidr_ipv6"))
            protocol = _known_str(rule.get("ip_protocol")) or "-1"
            extra.setdefault(sg, []).append(
                EgressRule(
                    protocol="-1" if protocol in ("-1", "all") else protocol,
                    from_port=_int(rule.get("from_port")),
                    to_port=_int(rule.get("to_port")),
                    cidr_blocks=(cidr4,) if cidr4 else (),
                    ipv6_cidr_blocks=(cidr6,) if cidr6 else (),
                )
            )
        out: list[SecurityGroup] = []
        for v in self.of("aws_security_group"):
            known = not orphan_rules
            rules: list[EgressRule] = []
            inline = v.get("egress")
            if isinstance(inline, list):  # attribute syntax, or plan JSON
                rules.extend(self._egress_value(item) for item in inline if isinstance(item, dict))
            elif not _unset(inline):
                known = False
                self.gap(v, "egress", inline)
            rules.extend(self._egress(b, "protocol") for b in v.blocks("egress"))
            rules.extend(extra.get(v.address, []))
            if orphan_rules:
                self.gaps.append(
                    CollectionGap(
                        v.location,
                        "egress rules declared for a security group fnguard could not identify",
                        v.address,
                        "egress",
                    )
                )
            out.append(
                SecurityGroup(
                    address=v.address,
                    location=v.location,
                    group_id=_known_str(v.get("id")) if not _unset(v.get("id")) else None,
                    vpc_id=self.ref_field(v, "vpc_id", ("aws_vpc",), "vpc_id"),
                    egress=tuple(rules),
                    egress_known=known,
                )
            )
        return tuple(out)

    def _egress(self, view: View, protocol_attr: str) -> EgressRule:
        protocol = _known_str(view.get(protocol_attr)) or "-1"
        return EgressRule(
            protocol="-1" if protocol in ("-1", "all") else protocol,
            from_port=_int(view.get("from_port")),
            to_port=_int(view.get("to_port")),
            cidr_blocks=self.strings(view, "cidr_blocks", "egress"),
            ipv6_cidr_blocks=self.strings(view, "ipv6_cidr_blocks", "egress"),
        )

    def _egress_value(self, item: Mapping[str, Any]) -> EgressRule:
        protocol = _known_str(item.get("protocol")) or "-1"
        return EgressRule(
            protocol="-1" if protocol in ("-1", "all") else protocol,
            from_port=_int(item.get("from_port")),
            to_port=_int(item.get("to_port")),
            cidr_blocks=tuple(str(c) for c in item.get("cidr_blocks") or ()),
            ipv6_cidr_blocks=tuple(str(c) for c in item.get("ipv6_cidr_blocks") or ()),
        )

    def _vpc_endpoint(self, v: View) -> VpcEndpoint:
        return VpcEndpoint(
            address=v.address,
            location=v.location,
            service_name=self.text(v, "service_name", "service_name"),
            vpc_id=self.ref_field(v, "vpc_id", ("aws_vpc",), "vpc_id"),
            endpoint_type=self.text(v, "vpc_endpoint_type", "endpoint_type", "Gateway"),
        )

    def _log_group(self, v: View) -> LogGroup:
        retention = self.number(v, "retention_in_days", "retention_days", 0)
        return LogGroup(
            address=v.address,
            location=v.location,
            name=self.text(v, "name", "name"),
            retention_days=None if retention == 0 else retention,
            kms_key_id=self.ref_field(v, "kms_key_id", ("aws_kms_key",), "kms_key_id"),
        )

    def _kms_key(self, v: View) -> KmsKey:
        return KmsKey(
            address=v.address,
            location=v.location,
            arn=_known_str(v.get("arn")) if not _unset(v.get("arn")) else None,
            rotation_enabled=self.flag(v, "enable_key_rotation", "rotation_enabled", False),
            customer_managed=True,
        )

    def _queue(self, v: View) -> Queue:
        return Queue(
            address=v.address,
            location=v.location,
            name=self.text(v, "name", "name"),
            arn=_known_str(v.get("arn")) if not _unset(v.get("arn")) else None,
            visibility_timeout_s=self.number(
                v, "visibility_timeout_seconds", "visibility_timeout_s", 30
            ),
            fifo=self.flag(v, "fifo_queue", "fifo", False) is True,
        )

    def _bucket(self, v: View) -> Bucket:
        name = self.text(v, "bucket", "name")
        arn = _known_str(v.get("arn")) if not _unset(v.get("arn")) else None
        if arn is None and name is not None:
            arn = f"arn:aws:s3:::{name}"  # bucket ARNs are derived from the name alone
        return Bucket(address=v.address, location=v.location, name=name, arn=arn)

    def _code_signing(self, v: View) -> CodeSigningConfig:
        policies = self.first_block(v, "policies")
        return CodeSigningConfig(
            address=v.address,
            location=v.location,
            arn=_known_str(v.get("arn")) if not _unset(v.get("arn")) else None,
            untrusted_artifact_on_deployment=(
                self.text(
                    policies,
                    "untrusted_artifact_on_deployment",
                    "untrusted_artifact_on_deployment",
                    "Warn",
                )
                if policies
                else "Warn"
            ),
        )


def _as_list(value: Any) -> list[Any]:
    if _unset(value):
        return []
    return value if isinstance(value, list) else [value]


def _key(value: Any, resolved: Any) -> str:
    """A comparable identity for API Gateway ids, which are computed at apply time."""
    if isinstance(resolved, str):
        return resolved
    if isinstance(value, Unknown):
        return f"{value.address}.{value.attr}" if value.address else value.expr
    return str(value)


_LITERAL_EXPR = re.compile(
    r'^\s*(?:"(?:[^"\\$%]|\\.|\$(?!\{)|%(?!\{))*"|-?\d+(?:\.\d+)?|true|false)\s*$'
)


def _is_literal_expr(expr: str) -> bool:
    return bool(_LITERAL_EXPR.match(expr))
