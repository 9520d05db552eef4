"""SAM resources expanded into the CloudFormation resources the SAM transform would create.

fnguard expands SAM itself instead of running ``samtranslator``: the translator needs a
managed-policy lookup against an AWS account (or a map), rejects templates it could not
deploy, and drops every line number. The expansion follows the translator's naming
(``<Function>Role``, ``<Function><Event>``, ``<Function><Event>Permission``,
``ServerlessRestApi``, ``ServerlessHttpApi``, ``<Role>Policy<n>``) and reads SAM's own policy
templates and managed-policy map from the installed translator package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnguard.collect.cloudformation._decode import line_of
from fnguard.collect.cloudformation._nodes import MarkedDict, is_mapping
from fnguard.collect.cloudformation._openapi import DEFAULT_AUTH
from fnguard.collect.cloudformation._policies import managed_policy_arn, policy_template
from fnguard.collect.cloudformation._resource import Raw

__all__ = ["LAMBDA_TRUST", "expand", "lambda_trust"]

_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
_XRAY = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
_VPC = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
_POLL_POLICY = {
    "SQS": "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    "Kinesis": "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole",
    "DynamoDB": "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
}


def lambda_trust() -> dict[str, Any]:
    """The trust policy of the roles SAM and the Serverless Framework create: a fresh copy
    each call (the expansion owns what it builds; ``deepcopy`` of it cost 40 µs a role)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["lambda.amazonaws.com"]},
                "Action": ["sts:AssumeRole"],
            }
        ],
    }


LAMBDA_TRUST = lambda_trust()

# Function properties that pass straight to AWS::Lambda::Function.
_PASS = (
    "FunctionName",
    "Description",
    "Runtime",
    "Handler",
    "MemorySize",
    "Timeout",
    "Environment",
    "KmsKeyArn",
    "VpcConfig",
    "ReservedConcurrentExecutions",
    "Layers",
    "Architectures",
    "CodeSigningConfigArn",
    "RecursiveLoop",
    "LoggingConfig",
    "PackageType",
    "EphemeralStorage",
    "Tags",
)
_GLOBAL_SECTIONS = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
}


class ExpansionError(Exception):
    """A SAM construct that cannot be expanded; becomes a gap on the resource."""


# Maps whose ``get`` is the plain dict's for the reads here (no mapping default)
_PLAIN_GET = (dict, MarkedDict)


def expand(
    template: Mapping[str, Any], resources: Mapping[str, Any]
) -> tuple[list[Raw], list[tuple[str, int, str]]]:
    """All resources as CloudFormation (SAM ones expanded) and problems ``(id, line, why)``."""
    globals_ = template.get("Globals")
    globals_map = globals_ if isinstance(globals_, Mapping) else {}
    out: list[Raw] = []
    problems: list[tuple[str, int, str]] = []
    buckets: dict[str, Raw] = {}
    apis = _Apis(resources, globals_map)
    for logical_id, node in resources.items():
        if not is_mapping(node) or str(logical_id).startswith("Fn::"):
            continue
        # a decoded map's plain ``get`` (the marked one's differs only for a map default)
        get: Any = dict.get if node.__class__ in _PLAIN_GET else type(node).get
        rtype = str(get(node, "Type", ""))
        props = get(node, "Properties")
        props = dict(props) if is_mapping(props) else {}
        section = _GLOBAL_SECTIONS.get(rtype)
        if section:
            props = merge_globals(globals_map.get(section), props)
        condition = get(node, "Condition")
        cond = str(condition) if isinstance(condition, str) else None
        line = line_of(logical_id, line_of(node))  # the logical ID key
        raw = Raw(str(logical_id), rtype, props, line, str(logical_id), cond)
        if rtype == "AWS::S3::Bucket":
            buckets[raw.logical_id] = raw
        out.append(raw)
    for raw in out:  # events read their API's Auth, whatever the declaration order
        if raw.type in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            apis.explicit[raw.logical_id] = raw
    expanded: list[Raw] = []
    for raw in out:
        try:
            if raw.type == "AWS::Serverless::Function":
                expanded.extend(_Function(raw, resources, buckets, apis, problems).build())
            elif raw.type == "AWS::Serverless::LayerVersion":
                expanded.append(_retype(raw, "AWS::Lambda::LayerVersion", _layer_props(raw.props)))
            elif raw.type == "AWS::Serverless::Api":
                expanded.extend(apis.rest_api(raw))
            elif raw.type == "AWS::Serverless::HttpApi":
                expanded.extend(apis.http_api(raw))
            elif raw.type == "AWS::Serverless::Application":
                expanded.append(raw)  # a nested stack: collected as the parent's child
            elif raw.type.startswith("AWS::Serverless::"):
                problems.append((raw.logical_id, raw.line, f"{raw.type} is not analysed"))
            else:
                expanded.append(raw)
        except ExpansionError as exc:
            problems.append((raw.logical_id, raw.line, str(exc)))
    expanded.extend(apis.implicit())
    return expanded, problems


def merge_globals(section: Any, props: Mapping[str, Any]) -> dict[str, Any]:
    """SAM's Globals rule: the resource wins for scalars, maps merge, lists add globals first."""
    if not isinstance(section, Mapping):
        return dict(props)
    merged: dict[str, Any] = {}
    for key, value in section.items():
        merged[str(key)] = value
    for key, value in props.items():
        key = str(key)
        if key in merged:
            merged[key] = _merge_value(merged[key], value)
        else:
            merged[key] = value
    return merged


def _merge_value(base: Any, override: Any) -> Any:
    if _is_intrinsic(base) or _is_intrinsic(override):
        return override
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        # Keys keep the Globals order but the winning side's key (it carries the source line).
        own = {key: key for key in override}
        out = {
            own.get(key, key): _merge_value(value, override[key]) if key in own else value
            for key, value in base.items()
        }
        out.update((key, value) for key, value in override.items() if key not in out)
        return out
    if isinstance(base, list) and isinstance(override, list):
        return [*base, *override]
    return override


def _is_intrinsic(value: Any) -> bool:
    return (
        is_mapping(value)
        and len(value) == 1
        and (next(iter(value)) == "Ref" or str(next(iter(value))).startswith("Fn::"))
    )


def _retype(
    raw: Raw,
    rtype: str,
    props: dict[str, Any],
    logical_id: str | None = None,
    line: int | None = None,
) -> Raw:
    return Raw(
        logical_id or raw.logical_id, rtype, props, line or raw.line, raw.origin, raw.condition
    )


def _code_location(uri: Any) -> dict[str, Any]:
    """A SAM ``CodeUri`` / ``ContentUri`` as CloudFormation's Code / Content (local path: ".")."""
    if isinstance(uri, Mapping) and "Bucket" in uri:
        code = {"S3Bucket": uri.get("Bucket"), "S3Key": uri.get("Key")}
        if "Version" in uri:
            code["S3ObjectVersion"] = uri["Version"]
        return code
    if isinstance(uri, str) and uri.startswith("s3://"):
        bucket, _, key = uri[5:].partition("/")
        return {"S3Bucket": bucket, "S3Key": key}
    return {"LocalPath": uri if uri is not None else "."}


def _layer_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """``AWS::Serverless::LayerVersion`` as ``AWS::Lambda::LayerVersion``: ContentUri -> Content."""
    out = {k: v for k, v in props.items() if k not in ("ContentUri", "RetentionPolicy")}
    if "ContentUri" in props:
        out["Content"] = _code_location(props["ContentUri"])
    return out


def _arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


class _Function:
    """One ``AWS::Serverless::Function`` and everything SAM generates for it."""

    def __init__(
        self,
        raw: Raw,
        resources: Mapping[str, Any],
        buckets: Mapping[str, Raw],
        apis: _Apis,
        problems: list[tuple[str, int, str]],
    ) -> None:
        self.raw = raw
        self.id = raw.logical_id
        self.props = raw.props
        self.resources = resources
        self.buckets = buckets
        self.apis = apis
        self.problems = problems
        self.out: list[Raw] = []
        self.role_managed: list[Any] = []
        self.role_inline: list[dict[str, Any]] = []

    def build(self) -> list[Raw]:
        fn_props = {k: self.props[k] for k in _PASS if k in self.props}
        tags = self.props.get("Tags")
        fn_props["Tags"] = {
            **(tags if isinstance(tags, Mapping) else {}),
            "lambda:createdBy": "SAM",
        }
        fn_props["Code"] = self._code()
        tracing = self.props.get("Tracing")
        if tracing is not None:
            fn_props["TracingConfig"] = {"Mode": tracing}
        dlq = self.props.get("DeadLetterQueue")
        if isinstance(dlq, Mapping) and "TargetArn" in dlq:
            fn_props["DeadLetterConfig"] = {"TargetArn": dlq["TargetArn"]}
        if "Role" in self.props:
            fn_props["Role"] = self.props["Role"]
        else:
            fn_props["Role"] = _arn(f"{self.id}Role")
        self.out.append(_retype(self.raw, "AWS::Lambda::Function", fn_props))
        self._url()
        self._event_invoke()
        events = self.props.get("Events")
        if isinstance(events, Mapping):
            # The translator's order (events sorted by Path, else name) decides policy order.
            for name, event in sorted(events.items(), key=_event_order):
                if isinstance(event, Mapping):
                    self._event(str(name), event)
        if "Role" not in self.props:
            self._role(tracing, dlq)
        return self.out

    # ------------------------------------------------------------------ function parts

    def _code(self) -> Any:
        image = self.props.get("ImageUri")
        if image is not None:
            return {"ImageUri": image}
        inline = self.props.get("InlineCode")
        if inline is not None:
            return {"ZipFile": inline}
        return _code_location(self.props.get("CodeUri"))

    def _url(self) -> None:
        config = self.props.get("FunctionUrlConfig")
        if not isinstance(config, Mapping):
            return
        url_props: dict[str, Any] = {"TargetFunctionArn": {"Ref": self.id}}
        for key in ("AuthType", "Cors", "InvokeMode"):
            if key in config:
                url_props[key] = config[key]
        self.out.append(_retype(self.raw, "AWS::Lambda::Url", url_props, f"{self.id}Url"))
        if config.get("AuthType") == "NONE":
            # A public URL needs two statements: InvokeFunctionUrl for anyone, and
            # InvokeFunction restricted to calls that arrive through the URL.
            url_only = {
                "Action": "lambda:InvokeFunctionUrl",
                "FunctionUrlAuthType": "NONE",
            }
            via_url = {"Action": "lambda:InvokeFunction", "InvokedViaFunctionUrl": True}
            for suffix, props in (
                ("UrlPublicPermissions", url_only),
                ("URLInvokeAllowPublicAccess", via_url),
            ):
                permission = {"FunctionName": {"Ref": self.id}, "Principal": "*", **props}
                self.out.append(
                    _retype(self.raw, "AWS::Lambda::Permission", permission, f"{self.id}{suffix}")
                )

    def _event_invoke(self) -> None:
        config = self.props.get("EventInvokeConfig")
        if not isinstance(config, Mapping):
            return
        props: dict[str, Any] = {"FunctionName": {"Ref": self.id}, "Qualifier": "$LATEST"}
        destinations = config.get("DestinationConfig")
        if isinstance(destinations, Mapping):
            on_failure = destinations.get("OnFailure")
            if isinstance(on_failure, Mapping) and "Destination" in on_failure:
                props["DestinationConfig"] = {
                    "OnFailure": {"Destination": on_failure["Destination"]}
                }
                self._destination_policy(on_failure)
        self.out.append(
            _retype(
                self.raw, "AWS::Lambda::EventInvokeConfig", props, f"{self.id}EventInvokeConfig"
            )
        )

    def _destination_policy(self, destination: Mapping[str, Any]) -> None:
        actions = {
            "SQS": "sqs:SendMessage",
            "SNS": "sns:publish",
            "Lambda": "lambda:InvokeFunction",
            "EventBridge": "events:PutEvents",
        }
        action = actions.get(str(destination.get("Type", "")))
        if action is None:
            return
        self.role_inline.append(
            {
                "PolicyName": f"{self.id}EventInvokeConfigOnFailure{destination.get('Type')}Policy",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Action": action,
                            "Resource": destination["Destination"],
                            "Effect": "Allow",
                        }
                    ],
                },
            }
        )

    # ------------------------------------------------------------------ role

    def _role(self, tracing: Any, dlq: Any) -> None:
        managed: list[Any] = [_BASIC]
        if tracing is not None and tracing != "Disabled":
            managed.append(_XRAY)
        if self.props.get("VpcConfig") is not None:
            managed.append(_VPC)
        inline: list[dict[str, Any]] = []
        if isinstance(dlq, Mapping) and "TargetArn" in dlq:
            action = {"SQS": "sqs:SendMessage", "SNS": "sns:Publish"}.get(
                str(dlq.get("Type")), "sqs:SendMessage"
            )
            inline.append(
                {
                    "PolicyName": "DeadLetterQueuePolicy",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Action": action, "Resource": dlq["TargetArn"], "Effect": "Allow"}
                        ],
                    },
                }
            )
        inline.extend(self.role_inline)
        policies = self.props.get("Policies")
        entries = (
            policies if isinstance(policies, list) else ([policies] if policies is not None else [])
        )
        role_id = f"{self.id}Role"
        for index, entry in enumerate(entries):
            self._policy_entry(entry, index, role_id, managed, inline)
        for arn in self.role_managed:
            if arn not in managed:
                managed.append(arn)
        props: dict[str, Any] = {
            "AssumeRolePolicyDocument": lambda_trust(),
            "ManagedPolicyArns": managed,
        }
        if inline:
            props["Policies"] = inline
        for key in ("PermissionsBoundary", "RolePath"):
            if key in self.props:
                props["PermissionsBoundary" if key == "PermissionsBoundary" else "Path"] = (
                    self.props[key]
                )
        self.out.append(_retype(self.raw, "AWS::IAM::Role", props, role_id))

    def _policy_entry(
        self, entry: Any, index: int, role_id: str, managed: list[Any], inline: list[dict[str, Any]]
    ) -> None:
        name = f"{role_id}Policy{index}"
        if isinstance(entry, str):
            arn = managed_policy_arn(entry)
            if not arn.startswith("arn:"):
                self.problems.append(
                    (
                        self.id,
                        line_of(entry, self.raw.line),
                        f"policy {entry} is not an AWS-managed policy SAM knows",
                    )
                )
            if arn not in managed:
                managed.append(arn)
            return
        if not isinstance(entry, Mapping):
            self.problems.append((self.id, self.raw.line, "a Policies entry is not understood"))
            return
        if "Statement" in entry:
            inline.append({"PolicyName": name, "PolicyDocument": entry})
            return
        if len(entry) == 1:
            key = str(next(iter(entry)))
            if key == "Ref" or key.startswith("Fn::"):
                managed.append(entry)
                return
            template = policy_template(key)
            if template is not None:
                document = _expand_template(template, entry[key])
                inline.append({"PolicyName": name, "PolicyDocument": document})
                return
            self.problems.append(
                (
                    self.id,
                    line_of(entry, self.raw.line),
                    f"policy template {key} is not a SAM policy template",
                )
            )
            return
        self.problems.append(
            (self.id, line_of(entry, self.raw.line), "a Policies entry is not understood")
        )

    # ------------------------------------------------------------------ events

    def _event(self, name: str, event: Mapping[str, Any]) -> None:
        kind = str(event.get("Type", ""))
        props = event.get("Properties")
        props = props if isinstance(props, Mapping) else {}
        line = line_of(event, self.raw.line)
        event_id = f"{self.id}{name}"
        if kind in ("SQS", "Kinesis", "DynamoDB"):
            self._poll(kind, event_id, props, line)
        elif kind == "S3":
            self._s3(event_id, props, line)
        elif kind == "SNS":
            self._sns(event_id, props, line)
        elif kind in ("Schedule", "CloudWatchEvent", "EventBridgeRule"):
            self._rule(kind, event_id, props, line)
        elif kind == "ScheduleV2":
            schedule = {
                "ScheduleExpression": props.get("ScheduleExpression"),
                "Target": {"Arn": _arn(self.id)},
                "FlexibleTimeWindow": {"Mode": "OFF"},
            }
            self.out.append(_retype(self.raw, "AWS::Scheduler::Schedule", schedule, event_id, line))
        elif kind == "Api":
            self.out.extend(self.apis.rest_event(self, event_id, props, line))
        elif kind == "HttpApi":
            self.out.extend(self.apis.http_event(self, event_id, props, line))
        else:
            self.problems.append(
                (self.id, line, f"event {name} of type {kind or '?'} is not analysed")
            )

    def permission(self, event_id: str, principal: str, line: int, **extra: Any) -> Raw:
        props: dict[str, Any] = {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Ref": self.id},
            "Principal": principal,
        }
        props.update(extra)
        return _retype(self.raw, "AWS::Lambda::Permission", props, f"{event_id}Permission", line)

    def _poll(self, kind: str, event_id: str, props: Mapping[str, Any], line: int) -> None:
        source = props.get("Queue") if kind == "SQS" else props.get("Stream")
        mapping: dict[str, Any] = {"EventSourceArn": source, "FunctionName": {"Ref": self.id}}
        for key in (
            "BatchSize",
            "MaximumBatchingWindowInSeconds",
            "Enabled",
            "FilterCriteria",
            "StartingPosition",
        ):
            if key in props:
                mapping[key] = props[key]
        self.out.append(
            _retype(self.raw, "AWS::Lambda::EventSourceMapping", mapping, event_id, line)
        )
        self.role_managed.append(_POLL_POLICY[kind])

    def _s3(self, event_id: str, props: Mapping[str, Any], line: int) -> None:
        bucket_ref = props.get("Bucket")
        bucket_id = bucket_ref.get("Ref") if isinstance(bucket_ref, Mapping) else None
        bucket = self.buckets.get(str(bucket_id)) if bucket_id is not None else None
        if bucket is None:
            raise ExpansionError(
                "an S3 event must name a bucket declared in the same template (!Ref)"
            )
        events = props.get("Events")
        for event in events if isinstance(events, list) else [events]:
            entry: dict[str, Any] = {"Event": event, "Function": _arn(self.id)}
            if "Filter" in props:
                entry["Filter"] = props["Filter"]
            notification = bucket.props.setdefault("NotificationConfiguration", {})
            if not isinstance(notification, dict):
                notification = dict(notification)
                bucket.props["NotificationConfiguration"] = notification
            configs = list(notification.get("LambdaConfigurations", []))
            configs.append(entry)
            notification["LambdaConfigurations"] = configs
        self.out.append(
            self.permission(
                event_id, "s3.amazonaws.com", line, SourceAccount={"Ref": "AWS::AccountId"}
            )
        )

    def _sns(self, event_id: str, props: Mapping[str, Any], line: int) -> None:
        subscription: dict[str, Any] = {
            "Endpoint": _arn(self.id),
            "Protocol": "lambda",
            "TopicArn": props.get("Topic"),
        }
        if "FilterPolicy" in props:
            subscription["FilterPolicy"] = props["FilterPolicy"]
        self.out.append(_retype(self.raw, "AWS::SNS::Subscription", subscription, event_id, line))
        self.out.append(
            self.permission(event_id, "sns.amazonaws.com", line, SourceArn=props.get("Topic"))
        )

    def _rule(self, kind: str, event_id: str, props: Mapping[str, Any], line: int) -> None:
        rule: dict[str, Any] = {
            "Targets": [{"Arn": _arn(self.id), "Id": f"{event_id}LambdaTarget"}]
        }
        if kind == "Schedule":
            rule["ScheduleExpression"] = props.get("Schedule")
            enabled = props.get("Enabled")
            if enabled is False:
                rule["State"] = "DISABLED"
        else:
            rule["EventPattern"] = props.get("Pattern")
            if "EventBusName" in props:
                rule["EventBusName"] = props["EventBusName"]
        if "State" in props:
            rule["State"] = props["State"]
        self.out.append(_retype(self.raw, "AWS::Events::Rule", rule, event_id, line))
        self.out.append(
            self.permission(event_id, "events.amazonaws.com", line, SourceArn=_arn(event_id))
        )


def _event_order(item: tuple[Any, Any]) -> str:
    name, event = item
    props = event.get("Properties") if isinstance(event, Mapping) else None
    path = props.get("Path") if isinstance(props, Mapping) else None
    return str(path) if isinstance(path, str) else str(name)


def _expand_template(template: Mapping[str, Any], values: Any) -> dict[str, Any]:
    """A SAM policy template's ``Definition`` with its parameters replaced by the given values."""
    params = template.get("Parameters")
    names = set(params) if isinstance(params, Mapping) else set()
    given = values if isinstance(values, Mapping) else {}
    missing = names - set(given)
    if missing:
        raise ExpansionError(f"policy template parameters missing: {', '.join(sorted(missing))}")

    def substitute(node: Any) -> Any:
        if isinstance(node, Mapping):
            if len(node) == 1 and "Ref" in node and node["Ref"] in names:
                return given[node["Ref"]]
            return {k: substitute(v) for k, v in node.items()}
        if isinstance(node, list):
            return [substitute(v) for v in node]
        return node

    definition = template.get("Definition", {})
    document = substitute(definition)
    return document if isinstance(document, dict) else {}


class _Apis:
    """SAM APIs: explicit ``AWS::Serverless::Api`` / ``HttpApi`` and the implicit ones."""

    def __init__(self, resources: Mapping[str, Any], globals_map: Mapping[str, Any]) -> None:
        self.resources = resources
        self.globals = globals_map
        self.implicit_rest: list[tuple[Raw, int]] = []
        self.implicit_http: list[tuple[Raw, int]] = []
        self.explicit: dict[str, Raw] = {}

    def rest_api(self, raw: Raw) -> list[Raw]:
        props: dict[str, Any] = {"Name": raw.props.get("Name", {"Ref": "AWS::StackName"})}
        endpoint = raw.props.get("EndpointConfiguration")
        if isinstance(endpoint, Mapping) and "Type" in endpoint:
            props["EndpointConfiguration"] = {"Types": [endpoint["Type"]]}
        elif isinstance(endpoint, str):
            props["EndpointConfiguration"] = {"Types": [endpoint]}
        stage_name = raw.props.get("StageName", "Prod")
        stage: dict[str, Any] = {"RestApiId": {"Ref": raw.logical_id}, "StageName": stage_name}
        if "MethodSettings" in raw.props:
            stage["MethodSettings"] = raw.props["MethodSettings"]
        stage_id = f"{raw.logical_id}{_alnum(stage_name)}Stage"
        self._definition(raw, props, rest=True)
        return [
            _retype(raw, "AWS::ApiGateway::RestApi", props),
            _retype(raw, "AWS::ApiGateway::Stage", stage, stage_id),
        ]

    def http_api(self, raw: Raw) -> list[Raw]:
        props: dict[str, Any] = {
            "ProtocolType": "HTTP",
            "Name": raw.props.get("Name", {"Ref": "AWS::StackName"}),
        }
        cors = raw.props.get("CorsConfiguration")
        if isinstance(cors, Mapping):
            props["CorsConfiguration"] = cors
        stage_name = raw.props.get("StageName", "$default")
        stage: dict[str, Any] = {"ApiId": {"Ref": raw.logical_id}, "StageName": stage_name}
        throttle = raw.props.get("DefaultRouteSettings")
        if isinstance(throttle, Mapping):
            stage["DefaultRouteSettings"] = throttle
        stage_id = (
            f"{raw.logical_id}ApiGatewayDefaultStage"
            if stage_name == "$default"
            else f"{raw.logical_id}{_alnum(stage_name)}Stage"
        )
        self._definition(raw, props, rest=False)
        return [
            _retype(raw, "AWS::ApiGatewayV2::Api", props),
            _retype(raw, "AWS::ApiGatewayV2::Stage", stage, stage_id),
        ]

    def _definition(self, raw: Raw, props: dict[str, Any], rest: bool) -> None:
        """An OpenAPI definition becomes the API's ``Body`` / ``BodyS3Location`` (see
        ``_openapi``), with ``Auth.DefaultAuthorizer`` for the operations naming no security."""
        if raw.props.get("DefinitionBody") is not None:
            props["Body"] = raw.props["DefinitionBody"]
        elif raw.props.get("DefinitionUri") is not None:
            props["BodyS3Location"] = raw.props["DefinitionUri"]
        else:
            return
        auth = raw.props.get("Auth")
        if isinstance(auth, Mapping) and auth.get("DefaultAuthorizer") is not None:
            default = self._auth(raw.logical_id, {}, rest)
            props[DEFAULT_AUTH] = (
                default if default is not None else {"Unresolved": "authorizer not declared"}
            )

    def _auth(self, api_id: str, event_props: Mapping[str, Any], rest: bool) -> Any:
        api = self.explicit.get(api_id)
        implicit = self.globals.get("Api" if rest else "HttpApi")  # Globals reach implicit APIs
        api_props = api.props if api is not None else implicit
        api_auth = api_props.get("Auth") if isinstance(api_props, Mapping) else None
        api_auth = api_auth if isinstance(api_auth, Mapping) else {}
        event_auth = event_props.get("Auth")
        event_auth = event_auth if isinstance(event_auth, Mapping) else {}
        name = event_auth.get("Authorizer", api_auth.get("DefaultAuthorizer"))
        if name is None or name == "NONE":
            return "NONE"
        if name == "AWS_IAM":
            return "AWS_IAM"
        authorizers = api_auth.get("Authorizers")
        spec = (
            authorizers.get(name)
            if isinstance(authorizers, Mapping) and isinstance(name, str)
            else None
        )
        if not isinstance(spec, Mapping):
            return None
        if "UserPoolArn" in spec:
            return "COGNITO_USER_POOLS"
        if "FunctionArn" in spec:
            return "CUSTOM"
        if "JwtConfiguration" in spec:
            return "JWT"
        return None

    def _api_id(self, event_props: Mapping[str, Any], key: str, implicit: str) -> str:
        ref = event_props.get(key)
        if isinstance(ref, Mapping) and isinstance(ref.get("Ref"), str):
            return str(ref["Ref"])
        return implicit

    def rest_event(
        self, fn: _Function, event_id: str, props: Mapping[str, Any], line: int
    ) -> list[Raw]:
        api_id = self._api_id(props, "RestApiId", "ServerlessRestApi")
        if api_id == "ServerlessRestApi":
            self.implicit_rest.append((fn.raw, line))
        auth = self._auth(api_id, props, rest=True)
        method: dict[str, Any] = {
            "RestApiId": {"Ref": api_id},
            "HttpMethod": str(props.get("Method", "ANY")).upper(),
            "ResourceId": str(props.get("Path", "/")),
            "AuthorizationType": auth
            if auth is not None
            else {"Unresolved": "authorizer not declared on the API"},
            "Integration": {
                "Type": "AWS_PROXY",
                "Uri": {
                    "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31"
                    f"/functions/${{{fn.id}.Arn}}/invocations"
                },
            },
        }
        if "TimeoutInMillis" in props:
            method["Integration"]["TimeoutInMillis"] = props["TimeoutInMillis"]
        source = {
            "Fn::Sub": f"arn:aws:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api_id}}}/*/*"
        }
        return [
            _retype(fn.raw, "AWS::ApiGateway::Method", method, event_id, line),
            fn.permission(f"{event_id}", "apigateway.amazonaws.com", line, SourceArn=source),
        ]

    def http_event(
        self, fn: _Function, event_id: str, props: Mapping[str, Any], line: int
    ) -> list[Raw]:
        api_id = self._api_id(props, "ApiId", "ServerlessHttpApi")
        if api_id == "ServerlessHttpApi":
            self.implicit_http.append((fn.raw, line))
        auth = self._auth(api_id, props, rest=False)
        integration: dict[str, Any] = {
            "ApiId": {"Ref": api_id},
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": _arn(fn.id),
            "PayloadFormatVersion": props.get("PayloadFormatVersion", "2.0"),
        }
        if "TimeoutInMillis" in props:
            integration["TimeoutInMillis"] = props["TimeoutInMillis"]
        method = str(props.get("Method", "ANY")).upper()
        path = str(props.get("Path", "$default"))
        route_key = "$default" if path == "$default" else f"{method} {path}"
        route: dict[str, Any] = {
            "ApiId": {"Ref": api_id},
            "RouteKey": route_key,
            "Target": {"Fn::Sub": f"integrations/${{{event_id}Integration}}"},
            "AuthorizationType": auth
            if auth is not None
            else {"Unresolved": "authorizer not declared on the API"},
        }
        source = {
            "Fn::Sub": f"arn:aws:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api_id}}}/*/*"
        }
        return [
            _retype(
                fn.raw,
                "AWS::ApiGatewayV2::Integration",
                integration,
                f"{event_id}Integration",
                line,
            ),
            _retype(fn.raw, "AWS::ApiGatewayV2::Route", route, f"{event_id}Route", line),
            fn.permission(event_id, "apigateway.amazonaws.com", line, SourceArn=source),
        ]

    def implicit(self) -> list[Raw]:
        out: list[Raw] = []
        if self.implicit_rest and "ServerlessRestApi" not in self.resources:
            raw, line = self.implicit_rest[0]
            api = Raw(
                "ServerlessRestApi",
                "AWS::ApiGateway::RestApi",
                {"Name": {"Ref": "AWS::StackName"}},
                line,
                raw.origin,
            )
            stage = {"RestApiId": {"Ref": "ServerlessRestApi"}, "StageName": "Prod"}
            out.append(api)
            out.append(
                Raw("ServerlessRestApiProdStage", "AWS::ApiGateway::Stage", stage, line, raw.origin)
            )
        if self.implicit_http and "ServerlessHttpApi" not in self.resources:
            raw, line = self.implicit_http[0]
            props = {"ProtocolType": "HTTP", "Name": {"Ref": "AWS::StackName"}}
            stage = {"ApiId": {"Ref": "ServerlessHttpApi"}, "StageName": "$default"}
            out.append(Raw("ServerlessHttpApi", "AWS::ApiGatewayV2::Api", props, line, raw.origin))
            out.append(
                Raw(
                    "ServerlessHttpApiApiGatewayDefaultStage",
                    "AWS::ApiGatewayV2::Stage",
                    stage,
                    line,
                    raw.origin,
                )
            )
        return out


def _alnum(value: Any) -> str:
    return "".join(c for c in str(value) if c.isalnum())
