"""serverless.yml (variables resolved) -> the CloudFormation resources the framework deploys.

The framework compiles every service to one CloudFormation stack; fnguard builds the same
resources (same logical IDs, provider settings merged into each function, the shared
``IamRoleLambdaExecution`` role with its logging and event-source statements) and hands them
to the CloudFormation mapper, so a serverless.yml function gets the verdict its stack would.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fnguard.collect.cloudformation import (
    LOOP_MARKER,
    MarkedDict,
    Raw,
    Unknown,
    expand_loops,
    is_mapping,
    lambda_trust,
    line_of,
)
from fnguard.collect.serverless._events import Events
from fnguard.collect.serverless._names import ROLE_ID, function_id
from fnguard.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Compiled", "compile_service"]

_VPC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
_LOGS = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
_DESTINATION_ACTIONS = {
    ":sqs:": "sqs:SendMessage",
    ":sns:": "sns:Publish",
    ":lambda:": "lambda:InvokeFunction",
    ":events:": "events:PutEvents",
}


def _map(value: Any) -> Mapping[str, Any]:
    return value if is_mapping(value) else {}


def _first_line(key: Any, node: Any) -> int:
    """``line_of(key, line_of(node))``, the node asked only when the key has no line."""
    line = getattr(getattr(key, "start_mark", None), "line", None)
    return line + 1 if isinstance(line, int) else line_of(node)


def _span(key: Any, node: Any, first: int | None = None) -> tuple[int, int]:
    """The lines from ``key`` (``first``, when known) to the end of ``node``."""
    if first is None:
        first = line_of(key) or line_of(node)
    end = getattr(node, "end_mark", None)
    last = first
    if end is not None:
        last = int(end.line) + (1 if int(end.column) > 0 else 0)
    return first, max(first, last)


class Compiled:
    """The compiled stack: resources, the template around them and each origin's lines."""

    def __init__(self) -> None:
        self.raws: list[Raw] = []
        self.spans: dict[str, tuple[int, int]] = {}
        self.function_ids: dict[str, str] = {}  # serverless key -> logical ID
        self.notes: list[tuple[str, int, str, str]] = []  # (address, line, reason, field)
        self.conditions: Mapping[str, Any] = {}

    def template(self) -> dict[str, Any]:
        """The template around ``raws``: its conditions (the resources are ``raws`` as they
        are, which ``collect_compiled`` reads without a ``Resources`` map made of them)."""
        return {"Conditions": self.conditions}


def compile_service(config: Mapping[str, Any], rel: str) -> Compiled:
    return _Service(config, rel).compile()


class _Service:
    def __init__(self, config: Mapping[str, Any], rel: str) -> None:
        self.config = config
        self.rel = rel
        self.provider_node = _map(config.get("provider"))
        # Read many times per function: a plain dict's get, not the marked map's Python one.
        self.provider: Mapping[str, Any] = dict(self.provider_node)
        service = config.get("service")
        if is_mapping(service):
            service = service.get("name")
        if not isinstance(service, str) or not service:
            raise InputError(rel, line_of(config, 1), "expected a service name (service: ...)")
        self.service = service
        stage = self.provider.get("stage", "dev")
        self.stage = stage if isinstance(stage, str) else "dev"
        self.out = Compiled()
        self.statements: list[Any] = []
        self.managed: list[Any] = []
        self.uses_generated_role = False
        self.vpc_used = False
        self.tracing_used = False
        self.function_names: list[Any] = []

    # ------------------------------------------------------------------ service

    def compile(self) -> Compiled:
        name = self.provider.get("name", "aws")
        if name != "aws":
            line = line_of(self.config.get("provider"), 1)
            reason = f"provider {name} is not analysed (fnguard reads AWS services)"
            self.out.notes.append(("", line, reason, ""))
            return self.out
        functions = self.config.get("functions", {})
        if functions is None:
            functions = {}
        if isinstance(functions, list) and all(is_mapping(f) for f in functions):
            functions = {k: v for part in functions for k, v in part.items()}  # ${file()} parts
        if not is_mapping(functions):
            raise InputError(self.rel, line_of(functions, 1), "expected functions to be a mapping")
        user = self._user_resources()
        provider_key = next((k for k in self.config if k == "provider"), None)
        if provider_key is not None:
            self.out.spans["provider"] = _span(provider_key, self.config["provider"])
        events = Events(self, user)
        self._inherited()
        function_ids = self.out.function_ids
        for key in functions:
            function_ids[str(key)] = function_id(str(key)) + "LambdaFunction"
        spans = self.out.spans
        for key, spec in functions.items():
            if not is_mapping(spec):
                raise InputError(
                    self.rel,
                    line_of(spec, line_of(key)),
                    f"expected function {key} to be a mapping",
                )
            origin = f"functions.{key}"
            line = _first_line(key, spec)
            spans[origin] = _span(key, spec, line)
            self._function(str(key), spec, line, origin, events)
        self._layers()
        self._plugins()
        if self.uses_generated_role:
            self.out.raws.insert(0, self._role())
        self.out.raws.extend(events.finish())
        self.out.raws.extend(user.values())
        self._extensions()
        return self.out

    def _layers(self) -> None:
        """Top-level ``layers:``, each an ``AWS::Lambda::LayerVersion`` the framework names
        ``<Name>LambdaLayer`` (what functions reference with ``{Ref: <Name>LambdaLayer}``)."""
        layers = self.config.get("layers")
        if not is_mapping(layers):
            return
        for key, spec in layers.items():
            if not is_mapping(spec):
                continue
            artifact = _map(spec.get("package")).get("artifact")
            local = artifact if artifact is not None else spec.get("path")
            props: dict[str, Any] = {"LayerName": spec.get("name") or str(key)}
            if local is not None:
                props["Content"] = {"LocalPath": local}
            for source, target in (
                ("compatibleRuntimes", "CompatibleRuntimes"),
                ("compatibleArchitectures", "CompatibleArchitectures"),
            ):
                if spec.get(source) is not None:
                    props[target] = spec[source]
            origin = f"layers.{key}"
            self.out.spans[origin] = _span(key, spec)
            logical_id = function_id(str(key)) + "LambdaLayer"
            line = line_of(key, line_of(spec))
            self.out.raws.append(Raw(logical_id, "AWS::Lambda::LayerVersion", props, line, origin))

    def _extensions(self) -> None:
        """``resources.extensions``: properties merged into what the framework generates.

        As the framework does, each key of ``Properties`` replaces the generated one and a
        ``Condition`` replaces the generated condition; an extension of a resource that is
        not generated is reported, never dropped silently.
        """
        section = self.config.get("resources")
        by_id = {raw.logical_id: raw for raw in self.out.raws}
        for part in section if isinstance(section, list) else [section]:
            for logical_id, node in _map(_map(part).get("extensions")).items():
                line = line_of(logical_id, line_of(node))
                raw = by_id.get(str(logical_id))
                if raw is None:
                    reason = f"resources.extensions.{logical_id} extends no generated resource"
                    self.out.notes.append(("", line, reason, ""))
                    continue
                props = _map(node).get("Properties")
                if props is not None and not is_mapping(props):
                    raise InputError(
                        self.rel, line, f"expected Properties of extension {logical_id} to be a map"
                    )
                raw.props.update(props or {})
                condition = _map(node).get("Condition")
                if isinstance(condition, str):
                    raw.condition = condition

    def _plugins(self) -> None:
        """Plugins run at deploy time; what they add or change is not seen here."""
        plugins = self.config.get("plugins")
        if is_mapping(plugins):
            plugins = plugins.get("modules")
        for plugin in plugins if isinstance(plugins, list) else []:
            self.out.notes.append(
                (
                    "",
                    line_of(plugin, line_of(plugins)),
                    f"plugin {plugin} is not run; resources it adds or changes are not analysed",
                    "",
                )
            )

    def _user_resources(self) -> dict[str, Raw]:
        """The ``resources:`` section: plain CloudFormation (a map, or a list of maps)."""
        section = self.config.get("resources")
        parts = section if isinstance(section, list) else [section]
        out: dict[str, Raw] = {}
        conditions: dict[str, Any] = {}
        spans = self.out.spans
        for written in parts:
            part = self._loops_expanded(written)
            resources = _map(part).get("Resources")
            conditions.update(_map(_map(part).get("Conditions")))
            for logical_id, node in _map(resources).items():
                # a decoded map's plain ``get`` (the marked one's differs for a map default)
                kind = node.__class__
                get: Any = (
                    dict.get
                    if kind is dict or kind is MarkedDict
                    else type(node).get
                    if is_mapping(node)
                    else None
                )
                rtype = get(node, "Type") if get is not None else None
                if get is None or not isinstance(rtype, str):
                    raise InputError(
                        self.rel,
                        line_of(node, line_of(logical_id)),
                        f"expected a Type for resource {logical_id}",
                    )
                props = get(node, "Properties")
                condition = get(node, "Condition")
                name = str(logical_id)
                line = _first_line(logical_id, node)
                out[name] = Raw(
                    name,
                    str(rtype),
                    dict(props) if is_mapping(props) else {},
                    line,
                    name,
                    str(condition) if isinstance(condition, str) else None,
                )
                spans[name] = _span(logical_id, node, line)
        self.out.conditions = conditions
        return out

    def _loops_expanded(self, part: Any) -> Any:
        """A ``resources:`` part with its ``Fn::ForEach`` loops expanded (a copy; gaps noted)."""
        if not is_mapping(part) or not any(
            str(key).startswith(LOOP_MARKER)
            for section in ("Resources", "Conditions")
            for key in _map(part.get(section))
        ):
            return part
        copy = dict(part)
        expansion = expand_loops(copy)
        self.out.notes.extend((p.loop, p.line, p.reason, "") for p in expansion.problems)
        return copy

    # ------------------------------------------------------------------ functions

    def setting(self, spec: Mapping[str, Any], key: str, default: Any = None) -> Any:
        """A function's setting, else the provider's (the framework's inheritance rule)."""
        if key in spec and spec[key] is not None:
            return spec[key]
        value = self.provider.get(key)
        return default if value is None else value

    def _inherited(self) -> None:
        """What every function takes from the provider unless it sets its own (``setting``'s
        fallbacks, the provider's maps, role, tracing and code defaults), read once."""
        provider = self.provider
        self.fallbacks = {
            key: default if provider.get(key) is None else provider.get(key)
            for key, default in (
                ("runtime", None),
                ("memorySize", 1024),
                ("timeout", 6),
                ("architecture", None),
                ("kmsKeyArn", None),
                ("logRetentionInDays", None),
            )
        }
        self.provider_environment = _map(provider.get("environment"))
        self.provider_tags = _map(provider.get("tags"))
        self.provider_logs = _map(_map(provider.get("logs")).get("lambda"))
        self.provider_logging = _logging_config(self.provider_logs)
        self.provider_tracing = _map(provider.get("tracing")).get("lambda")
        role = _map(provider.get("iam")).get("role")
        if role is None or (is_mapping(role) and not _is_intrinsic(role)):
            role = provider.get("role")
        self.provider_role = role
        self.service_artifact = _map(self.config.get("package")).get("artifact")
        bucket = provider.get("deploymentBucket")
        if is_mapping(bucket):
            bucket = bucket.get("name")
        self.bucket = bucket

    def _function(
        self, key: str, spec: Mapping[str, Any], line: int, origin: str, events: Events
    ) -> None:
        logical_id = self.out.function_ids[key]
        spec = dict(spec)  # read ~30 times: a plain dict's get (the values are the same objects)
        get = spec.get
        fallbacks = self.fallbacks
        name = get("name") or f"{self.service}-{self.stage}-{key}"
        self.function_names.append(name)
        props: dict[str, Any] = {"FunctionName": name}
        image = get("image")
        if image is not None:
            props["PackageType"] = "Image"
            props["Code"] = {"ImageUri": self._image(image, logical_id, line)}
        else:
            props["Handler"] = get("handler")
            runtime = get("runtime")
            props["Runtime"] = runtime = fallbacks["runtime"] if runtime is None else runtime
            if runtime is None:
                self.out.notes.append(
                    (
                        logical_id,
                        line,
                        "no runtime: the framework's default depends on its version",
                        "runtime",
                    )
                )
            props["Code"] = self._code(spec)
        value = get("memorySize")
        props["MemorySize"] = fallbacks["memorySize"] if value is None else value
        value = get("timeout")
        props["Timeout"] = fallbacks["timeout"] if value is None else value
        props["Role"] = self._function_role(spec)
        architecture = get("architecture")
        if architecture is None:
            architecture = fallbacks["architecture"]
        if architecture is not None:
            props["Architectures"] = [architecture]
        environment = _merged(self.provider_environment, _map(get("environment")))
        if environment:
            props["Environment"] = {"Variables": environment}
        value = get("kmsKeyArn")
        if value is None:
            value = fallbacks["kmsKeyArn"]
        if value is not None:
            props["KmsKeyArn"] = value
        value = get("description")
        if value is not None:
            props["Description"] = value
        vpc = spec["vpc"] if "vpc" in spec else self.provider.get("vpc")
        if is_mapping(vpc) and (vpc.get("subnetIds") or vpc.get("securityGroupIds")):
            props["VpcConfig"] = {
                "SubnetIds": vpc.get("subnetIds", []),
                "SecurityGroupIds": vpc.get("securityGroupIds", []),
            }
            self.vpc_used = True
        tracing = self._tracing(spec)
        if tracing is not None:
            props["TracingConfig"] = {"Mode": tracing}
            self.tracing_used = self.tracing_used or tracing == "Active"
        value = get("onError")
        if value is not None:
            props["DeadLetterConfig"] = {"TargetArn": value}
            self._grant_destination(value)
        value = get("reservedConcurrency")
        if value is not None:
            props["ReservedConcurrentExecutions"] = value
        value = get("recursiveLoop")
        if value is not None:  # osls 3.x and the recursiveloop plugin
            props["RecursiveLoop"] = value
        value = get("layers")
        if value is not None:
            props["Layers"] = value
        tags = _merged(self.provider_tags, _map(get("tags")))
        if tags:
            props["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        logging = self._logging(spec)
        if logging:
            props["LoggingConfig"] = logging
        self.out.raws.append(Raw(logical_id, "AWS::Lambda::Function", props, line, origin))
        if not get("disableLogs"):
            self._log_group(spec, logical_id, name, line, origin)
        if get("destinations"):
            self._destinations(spec, logical_id, line, origin)
        events.function(key, logical_id, spec, line, origin)

    def _image(self, image: Any, logical_id: str, line: int) -> Any:
        if is_mapping(image):
            if image.get("uri") is not None:
                return image["uri"]
            image = image.get("name")
        ecr = _map(_map(self.provider.get("ecr")).get("images"))
        named = _map(ecr.get(image)) if isinstance(image, str) else {}
        if named.get("uri") is not None:
            return named["uri"]
        if isinstance(image, str) and (":" in image or "/" in image):
            return image
        self.out.notes.append(
            (logical_id, line, f"image {image} is built at deploy time", "package")
        )
        return Unknown(f"image {image}")

    def _code(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        package = spec.get("package")
        artifact = _map(package).get("artifact") if package is not None else None
        artifact = artifact or self.service_artifact
        code: dict[str, Any] = {"LocalPath": artifact if artifact is not None else "."}
        if self.bucket is not None:
            code["S3Bucket"] = self.bucket
        return code

    def _function_role(self, spec: Mapping[str, Any]) -> Any:
        role = spec.get("role")
        if role is None:
            role = self.provider_role
        if role is None:
            self.uses_generated_role = True
            return {"Fn::GetAtt": [ROLE_ID, "Arn"]}
        if isinstance(role, str) and not role.startswith("arn:"):
            return {"Fn::GetAtt": [role, "Arn"]}
        return role

    def _tracing(self, spec: Mapping[str, Any]) -> str | None:
        value = spec.get("tracing")
        if value is None:
            value = self.provider_tracing
        if value is True:
            return "Active"
        if value is False:
            return "PassThrough"
        return value if isinstance(value, str) else None

    def _logging(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        own = spec.get("logs")
        if own is None:  # the provider's alone: the same for every such function (a copy)
            return dict(self.provider_logging)
        return _logging_config({**self.provider_logs, **_map(own)})

    def _log_group(
        self, spec: Mapping[str, Any], logical_id: str, name: Any, line: int, origin: str
    ) -> None:
        base = logical_id.removesuffix("LambdaFunction")
        props: dict[str, Any] = {
            "LogGroupName": f"/aws/lambda/{name}" if isinstance(name, str) else name
        }
        retention = spec.get("logRetentionInDays")
        if retention is None:
            retention = self.fallbacks["logRetentionInDays"]
        if retention is not None:
            props["RetentionInDays"] = retention
        self.out.raws.append(Raw(f"{base}LogGroup", "AWS::Logs::LogGroup", props, line, origin))

    def _destinations(
        self, spec: Mapping[str, Any], logical_id: str, line: int, origin: str
    ) -> None:
        destinations = _map(spec.get("destinations"))
        config: dict[str, Any] = {}
        for key, prop in (("onSuccess", "OnSuccess"), ("onFailure", "OnFailure")):
            target = destinations.get(key)
            if is_mapping(target) and not _is_intrinsic(target):
                target = target.get("arn")
            if target is None:
                continue
            if isinstance(target, str) and not target.startswith("arn:"):
                target = {"Fn::GetAtt": [function_id(target) + "LambdaFunction", "Arn"]}
            self._grant_destination(target)
            config[prop] = {"Destination": target}
        if config:
            base = logical_id.removesuffix("LambdaFunction")
            props = {
                "FunctionName": {"Ref": logical_id},
                "Qualifier": "$LATEST",
                "DestinationConfig": config,
            }
            self.out.raws.append(
                Raw(f"{base}LambdaEvConf", "AWS::Lambda::EventInvokeConfig", props, line, origin)
            )

    def _grant_destination(self, target: Any) -> None:
        text = target if isinstance(target, str) else json.dumps(target, default=str)
        for marker, action in _DESTINATION_ACTIONS.items():
            if marker in text or (marker == ":lambda:" and "LambdaFunction" in text):
                self.statements.append(
                    {"Effect": "Allow", "Action": [action], "Resource": [target]}
                )
                return

    # ------------------------------------------------------------------ the generated role

    def grant(self, statement: dict[str, Any]) -> None:
        """An event's statement on the generated role (the framework adds them there)."""
        self.statements.append(statement)

    def _role(self) -> Raw:
        iam = _map(self.provider.get("iam"))
        role = _map(iam.get("role"))
        line = line_of(next((k for k in self.provider if k == "iam"), None), 0) or line_of(
            self.provider_node, 1
        )
        prefix = f"{self.service}-{self.stage}"
        log_arns = [{"Fn::Sub": f"{_LOGS}/aws/lambda/{prefix}*:*"}]
        for name in self.function_names:
            if isinstance(name, str) and not name.startswith(prefix):
                log_arns.append({"Fn::Sub": f"{_LOGS}/aws/lambda/{name}:*"})
        statements: list[Any] = [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"],
                "Resource": log_arns,
            },
            {
                "Effect": "Allow",
                "Action": ["logs:PutLogEvents"],
                "Resource": [{"Fn::Sub": arn["Fn::Sub"] + ":*"} for arn in log_arns],
            },
        ]
        user = role.get("statements")
        if user is None:
            user = self.provider.get("iamRoleStatements")
        if isinstance(user, list):
            statements.extend(user)
        statements.extend(self.statements)
        if self.tracing_used:
            statements.append(
                {
                    "Effect": "Allow",
                    "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                    "Resource": ["*"],
                }
            )
        managed: list[Any] = []
        user_managed = role.get("managedPolicies")
        if user_managed is None:
            user_managed = self.provider.get("iamManagedPolicies")
        if isinstance(user_managed, list):
            managed.extend(user_managed)
        if self.vpc_used:
            managed.append(_VPC_POLICY)
        props: dict[str, Any] = {
            "AssumeRolePolicyDocument": lambda_trust(),
            "Policies": [
                {
                    "PolicyName": f"{prefix}-lambda",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                }
            ],
            "Path": role.get("path", "/"),
            "RoleName": role.get("name") or f"{prefix}-${{AWS::Region}}-lambdaRole",
        }
        if managed:
            props["ManagedPolicyArns"] = managed
        boundary = role.get("permissionsBoundary")
        if boundary is None:
            boundary = iam.get("permissionsBoundary") or self.provider.get(
                "rolePermissionsBoundary"
            )
        if boundary is not None:
            props["PermissionsBoundary"] = boundary
        return Raw(ROLE_ID, "AWS::IAM::Role", props, line, "provider")


def _is_intrinsic(value: Any) -> bool:
    return (
        is_mapping(value)
        and len(value) == 1
        and (next(iter(value)) == "Ref" or str(next(iter(value))).startswith("Fn::"))
    )


def _logging_config(merged: Mapping[str, Any]) -> dict[str, Any]:
    """``LoggingConfig`` from the merged ``logs.lambda`` settings."""
    out: dict[str, Any] = {}
    for key, prop in (
        ("logFormat", "LogFormat"),
        ("applicationLogLevel", "ApplicationLogLevel"),
        ("systemLogLevel", "SystemLogLevel"),
        ("logGroup", "LogGroup"),
    ):
        if merged.get(key) is not None:
            out[prop] = merged[key]
    return out


def _merged(base: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """Provider settings first, the function's winning (its key keeps its source line)."""
    if not own or not base:  # one side only: what the loops below would give
        return dict(own or base)
    keys = {str(k): k for k in own}
    out: dict[Any, Any] = {}
    for key, value in base.items():
        if str(key) in keys:
            out[keys[str(key)]] = own[keys[str(key)]]
        else:
            out[key] = value
    for key, value in own.items():
        if key not in out:
            out[key] = value
    return out
