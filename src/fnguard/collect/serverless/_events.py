"""A function's ``events`` and ``url`` as the CloudFormation resources the framework generates.

Names follow the framework (``ApiGatewayRestApi``, ``HttpApi``, ``<Fn>EventSourceMappingSQS<Q>``,
``S3Bucket<Name>``, ``<Fn>LambdaPermission...``); statements that event sources need
(``sqs:ReceiveMessage``, stream reads) go on the generated role, as the framework puts them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol

from fnguard.collect.cloudformation import Raw, is_mapping, line_of
from fnguard.collect.serverless._names import alphanumeric, normalize, path_id

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from fnguard.collect.serverless._compile import Compiled

__all__ = ["Events"]

_SQS_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
_STREAM_ACTIONS = ["GetRecords", "GetShardIterator", "DescribeStream", "ListStreams"]


class _Service(Protocol):
    service: str
    stage: str
    provider: Mapping[str, Any]
    out: Compiled

    def grant(self, statement: dict[str, Any]) -> None: ...


def _map(value: Any) -> Mapping[str, Any]:
    return value if is_mapping(value) else {}


def _arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _execute_api(api: str, tail: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":execute-api:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":",
                {"Ref": api},
                tail,
            ],
        ]
    }


def _name_of(arn: Any) -> str:
    """A queue/topic/stream's name for a logical ID: from its ARN or its ``!GetAtt X.Arn``."""
    if isinstance(arn, str):
        tail = arn.split(":", 5)[-1]
        if "/" in tail:
            parts = tail.split("/")
            return parts[1] if parts[0] in ("table", "stream") and len(parts) > 1 else parts[-1]
        return tail
    if is_mapping(arn) and len(arn) == 1:
        value = next(iter(arn.values()))
        if isinstance(value, list) and value:
            return str(value[0])
        if isinstance(value, str):
            return value.split(".")[0]
    return "Source"


class Events:
    def __init__(self, service: _Service, user: dict[str, Raw]) -> None:
        self.service = service
        self.user = user
        self.out: list[Raw] = []
        self.emitted: dict[str, Raw] = {}
        self.buckets: dict[str, Raw] = {}
        self.rest_api = False
        self.http_api = False
        self.http_routes: set[str] = set()
        self.key = self.fn = self.base = self.origin = ""
        self.spec: Mapping[str, Any] = {}
        self.counters: dict[str, int] = {}

    def _raw(self, logical_id: str, rtype: str, props: dict[str, Any], line: int) -> None:
        raw = Raw(logical_id, rtype, props, line, self.origin)
        self.out.append(raw)
        self.emitted[logical_id] = raw

    def _permission(self, logical_id: str, principal: str, line: int, **extra: Any) -> None:
        props: dict[str, Any] = {
            "FunctionName": _arn(self.fn),
            "Action": "lambda:InvokeFunction",
            "Principal": principal,
            **extra,
        }
        self._raw(logical_id, "AWS::Lambda::Permission", props, line)

    def _next(self, kind: str) -> int:
        """The framework numbers a function's events of one kind from 1."""
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    def _note(self, line: int, reason: str) -> None:
        self.service.out.notes.append((self.fn, line, reason, "triggers"))

    # ------------------------------------------------------------------ per function

    def function(
        self, key: str, logical_id: str, spec: Mapping[str, Any], line: int, origin: str
    ) -> None:
        self.key = key
        self.fn = logical_id
        self.base = logical_id.removesuffix("LambdaFunction")
        self.spec = spec
        self.origin = origin
        self.counters = {}
        if spec.get("url"):
            self._url(spec["url"], line_of(spec["url"], line))
        events = spec.get("events") or []
        if not isinstance(events, list):
            self._note(line_of(events, line), "events is not a list; no trigger is analysed")
            return
        for event in events:
            event_line = line_of(event, line)
            if is_mapping(event) and len(event) == 1:
                kind, body = next(iter(event.items()))
                # only the events' own handlers: an event named after a helper (``next``,
                # ``raw``, ``url``) is an event this collector does not know, not a call
                handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
                if handler is not None:
                    handler(self, body, event_line)
                    continue
                self._note(event_line, f"{kind} events are not analysed")
            else:
                self._note(event_line, "an event entry is not a single-key mapping")

    # ------------------------------------------------------------------ HTTP front doors

    def _url(self, url: Any, line: int) -> None:
        config = _map(url)
        auth = "AWS_IAM" if config.get("authorizer") == "aws_iam" else "NONE"
        props: dict[str, Any] = {"AuthType": auth, "TargetFunctionArn": _arn(self.fn)}
        cors = config.get("cors")
        if cors:
            cors_map = _map(cors)
            origins = cors_map.get("allowedOrigins", ["*"])
            props["Cors"] = {"AllowOrigins": origins if isinstance(origins, list) else [origins]}
        if config.get("invokeMode") is not None:
            props["InvokeMode"] = config["invokeMode"]
        self._raw(f"{self.base}LambdaFunctionUrl", "AWS::Lambda::Url", props, line)
        if auth == "NONE":
            self._permission(
                f"{self.base}LambdaPermissionFnUrl",
                "*",
                line,
                Action="lambda:InvokeFunctionUrl",
                FunctionUrlAuthType="NONE",
            )
            # The statement AWS requires besides it for public URLs (InvokeFunction, only
            # through the URL), named as the framework's twin of LambdaPermissionFnUrl.
            self._permission(
                f"{self.base}LambdaPermissionFnUrlInvokeFunction",
                "*",
                line,
                Action="lambda:InvokeFunction",
                InvokedViaFunctionUrl=True,
            )

    def _http(self, body: Any, line: int) -> None:
        if isinstance(body, str):
            method, _, path = body.partition(" ")
            body = {"method": method, "path": path}
        config = _map(body)
        method = str(config.get("method", "ANY")).upper()
        path = str(config.get("path", "/"))
        api_id = _map(self.service.provider.get("apiGateway")).get("restApiId")
        api: Any = api_id if api_id is not None else {"Ref": "ApiGatewayRestApi"}
        if api_id is None and not self.rest_api:
            self.rest_api = True
            endpoint = self.service.provider.get("endpointType", "EDGE")
            self._raw(
                "ApiGatewayRestApi",
                "AWS::ApiGateway::RestApi",
                {
                    "Name": f"{self.service.stage}-{self.service.service}",
                    "EndpointConfiguration": {"Types": [str(endpoint).upper()]},
                },
                line,
            )
            self._raw(
                "ApiGatewayDeployment",
                "AWS::ApiGateway::Deployment",
                {"RestApiId": api, "StageName": self.service.stage},
                line,
            )
        kind = str(config.get("integration", "lambda-proxy")).lower()
        if kind not in ("lambda-proxy", "aws_proxy", "lambda", "aws"):
            self._note(line, f"http event with a {kind} integration does not invoke the function")
            return
        integration: dict[str, Any] = {
            "Type": "AWS_PROXY" if kind in ("lambda-proxy", "aws_proxy") else "AWS",
            "IntegrationHttpMethod": "POST",
            "Uri": {
                "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                f"2015-03-31/functions/${{{self.fn}.Arn}}/invocations"
            },
        }
        if config.get("timeout") is not None:
            integration["TimeoutInMillis"] = config["timeout"] * 1000
        method_id = "ANY" if method == "ANY" else method
        self._raw(
            f"ApiGatewayMethod{path_id(path)}{normalize(method_id.lower())}",
            "AWS::ApiGateway::Method",
            {
                "HttpMethod": method,
                "RestApiId": api,
                "AuthorizationType": _rest_authorization(config.get("authorizer")),
                "ApiKeyRequired": bool(config.get("private")),
                "Integration": integration,
            },
            line,
        )
        permission = f"{self.base}LambdaPermissionApiGateway"
        if permission not in self.emitted:
            self._permission(
                permission,
                "apigateway.amazonaws.com",
                line,
                SourceArn=_execute_api("ApiGatewayRestApi", "/*/*")
                if api_id is None
                else f"arn:aws:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:{api_id}/*/*",
            )

    def _httpApi(self, body: Any, line: int) -> None:  # noqa: N802 - the event's key
        if isinstance(body, str):
            body = (
                {"method": "*", "path": "*"}
                if body == "*"
                else dict(zip(("method", "path"), body.split(" ", 1), strict=False))
            )
        config = _map(body)
        method = str(config.get("method", "*"))
        path = str(config.get("path", "*"))
        route_key = "$default" if path == "*" and method == "*" else f"{method.upper()} {path}"
        route_key = route_key.replace("* ", "ANY ")
        settings = _map(self.service.provider.get("httpApi"))
        api_id = settings.get("id")
        api: Any = api_id if api_id is not None else {"Ref": "HttpApi"}
        if api_id is None and not self.http_api:
            self.http_api = True
            declared: dict[str, Any] = {
                "Name": f"{self.service.stage}-{self.service.service}",
                "ProtocolType": "HTTP",
            }
            cors = settings.get("cors")
            if cors:
                origins = _map(cors).get("allowedOrigins", ["*"])
                declared["CorsConfiguration"] = {
                    "AllowOrigins": origins if isinstance(origins, list) else [origins]
                }
            self._raw("HttpApi", "AWS::ApiGatewayV2::Api", declared, line)
            self._raw(
                "HttpApiStage",
                "AWS::ApiGatewayV2::Stage",
                {"ApiId": {"Ref": "HttpApi"}, "StageName": "$default", "AutoDeploy": True},
                line,
            )
        integration = f"HttpApiIntegration{self.base}"
        if integration not in self.emitted:
            props: dict[str, Any] = {
                "ApiId": api,
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": _arn(self.fn),
                "PayloadFormatVersion": str(settings.get("payload", "2.0")),
            }
            if config.get("timeout") is not None:
                props["TimeoutInMillis"] = config["timeout"] * 1000
            self._raw(integration, "AWS::ApiGatewayV2::Integration", props, line)
            self._permission(
                f"{self.base}LambdaPermissionHttpApi",
                "apigateway.amazonaws.com",
                line,
                SourceArn=_execute_api("HttpApi", "/*")
                if api_id is None
                else f"arn:aws:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:{api_id}/*",
            )
        route_id = "HttpApiRoute" + (
            "Default"
            if route_key == "$default"
            else normalize(route_key.split(" ")[0].lower()) + path_id(route_key.split(" ", 1)[1])
        )
        self._raw(
            route_id,
            "AWS::ApiGatewayV2::Route",
            {
                "ApiId": api,
                "RouteKey": route_key,
                "Target": {"Fn::Join": ["/", ["integrations", {"Ref": integration}]]},
                "AuthorizationType": self._http_authorization(config.get("authorizer")),
            },
            line,
        )

    def _http_authorization(self, authorizer: Any) -> str:
        if authorizer is None:
            return "NONE"
        config = _map(authorizer)
        if config.get("type") == "aws_iam" or authorizer == "aws_iam":
            return "AWS_IAM"
        name = config.get("name", authorizer if isinstance(authorizer, str) else None)
        declared = _map(
            _map(_map(self.service.provider.get("httpApi")).get("authorizers")).get(name)
        )
        kind = declared.get("type", "jwt") if declared else config.get("type", "jwt")
        return "CUSTOM" if str(kind).lower() == "request" else "JWT"

    # ------------------------------------------------------------------ event sources

    def _sqs(self, body: Any, line: int) -> None:
        config = _map(body) if not isinstance(body, str) else {"arn": body}
        arn = config.get("arn")
        props: dict[str, Any] = {
            "EventSourceArn": arn,
            "FunctionName": _arn(self.fn),
            "BatchSize": config.get("batchSize", 10),
            "Enabled": config.get("enabled", True),
        }
        self._batching(config, props)
        self._raw(
            f"{self.base}EventSourceMappingSQS{alphanumeric(_name_of(arn))}",
            "AWS::Lambda::EventSourceMapping",
            props,
            line,
        )
        self.service.grant({"Effect": "Allow", "Action": list(_SQS_ACTIONS), "Resource": [arn]})

    def _stream(self, body: Any, line: int) -> None:
        config = _map(body) if not isinstance(body, str) else {"arn": body}
        arn = config.get("arn")
        kind = config.get("type")
        if kind is None:
            kind = "kinesis" if ":kinesis:" in json.dumps(arn, default=str) else "dynamodb"
        props: dict[str, Any] = {
            "EventSourceArn": arn,
            "FunctionName": _arn(self.fn),
            "BatchSize": config.get("batchSize", 10),
            "StartingPosition": config.get("startingPosition", "TRIM_HORIZON"),
            "Enabled": config.get("enabled", True),
        }
        self._batching(config, props)
        self._raw(
            f"{self.base}EventSourceMapping{normalize(str(kind))}{alphanumeric(_name_of(arn))}",
            "AWS::Lambda::EventSourceMapping",
            props,
            line,
        )
        actions = [f"{kind}:{a}" for a in _STREAM_ACTIONS]
        self.service.grant({"Effect": "Allow", "Action": actions, "Resource": [arn]})

    @staticmethod
    def _batching(config: Mapping[str, Any], props: dict[str, Any]) -> None:
        if config.get("maximumBatchingWindow") is not None:
            props["MaximumBatchingWindowInSeconds"] = config["maximumBatchingWindow"]
        patterns = config.get("filterPatterns")
        if isinstance(patterns, list):
            props["FilterCriteria"] = {
                "Filters": [
                    {"Pattern": json.dumps(p, default=str, separators=(",", ":"))} for p in patterns
                ]
            }

    def _s3(self, body: Any, line: int) -> None:
        config = _map(body) if not isinstance(body, str) else {"bucket": body}
        bucket = config.get("bucket")
        if not isinstance(bucket, str):
            self._note(line, "s3 event without a bucket name")
            return
        event = config.get("event", "s3:ObjectCreated:*")
        rules = [
            {"Name": str(name).lower(), "Value": value}
            for rule in (config.get("rules") or [])
            for name, value in _map(rule).items()
        ]
        bucket_id = alphanumeric(bucket)
        if config.get("existing"):
            custom_rules = [{normalize(r["Name"]): r["Value"]} for r in rules]
            self._raw(
                f"{self.base}CustomS3{self._next('s3')}",
                "Custom::S3",
                {
                    "FunctionName": self.spec.get("name") or self.fn,
                    "FunctionArn": _arn(self.fn),
                    "BucketName": bucket,
                    "BucketConfigs": [{"Event": event, "Rules": custom_rules}],
                },
                line,
            )
        else:
            lambda_config: dict[str, Any] = {"Event": event, "Function": _arn(self.fn)}
            if rules:
                lambda_config["Filter"] = {"S3Key": {"Rules": rules}}
            logical_id = f"S3Bucket{bucket_id}"
            raw = self.buckets.get(logical_id)
            if raw is None:
                user = self.user.pop(logical_id, None)
                props = dict(user.props) if user is not None else {}
                props["BucketName"] = bucket
                raw = Raw(logical_id, "AWS::S3::Bucket", props, line, self.origin)
                self.buckets[logical_id] = raw
            notification = dict(_map(raw.props.get("NotificationConfiguration")))
            configs = list(notification.get("LambdaConfigurations", []))
            configs.append(lambda_config)
            notification["LambdaConfigurations"] = configs
            raw.props["NotificationConfiguration"] = notification
        self._permission(
            f"{self.base}LambdaPermission{bucket_id}S3",
            "s3.amazonaws.com",
            line,
            SourceArn={"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", bucket]]},
            SourceAccount={"Ref": "AWS::AccountId"},
        )

    def _sns(self, body: Any, line: int) -> None:
        config = _map(body) if not isinstance(body, str) else {}
        arn = body if isinstance(body, str) and body.startswith("arn:") else config.get("arn")
        topic_name = config.get("topicName") or (
            body if isinstance(body, str) and arn is None else None
        )
        name = str(topic_name) if topic_name is not None else _name_of(arn)
        topic_id = alphanumeric(name)
        subscription = {"Endpoint": _arn(self.fn), "Protocol": "lambda"}
        if arn is None:
            logical_id = f"SNSTopic{topic_id}"
            existing = self.emitted.get(logical_id)
            if existing is None:
                props: dict[str, Any] = {"TopicName": name, "Subscription": [subscription]}
                self._raw(logical_id, "AWS::SNS::Topic", props, line)
            else:
                existing.props["Subscription"].append(subscription)
            source: Any = {"Ref": logical_id}
        else:
            source = arn
            self._raw(
                f"{self.base}SnsSubscription{topic_id}",
                "AWS::SNS::Subscription",
                {"TopicArn": arn, **subscription},
                line,
            )
        self._permission(
            f"{self.base}LambdaPermission{topic_id}SNS", "sns.amazonaws.com", line, SourceArn=source
        )

    def _schedule(self, body: Any, line: int) -> None:
        config = _map(body) if not isinstance(body, str) else {"rate": body}
        rates = config.get("rate")
        for rate in rates if isinstance(rates, list) else [rates]:
            number = self._next("schedule")
            if config.get("method") == "scheduler":  # EventBridge Scheduler, its own role
                target = {"Arn": _arn(self.fn)}
                props = {
                    "ScheduleExpression": rate,
                    "FlexibleTimeWindow": {"Mode": "OFF"},
                    "State": "DISABLED" if config.get("enabled") is False else "ENABLED",
                    "Target": target,
                }
                self._raw(f"{self.base}Schedule{number}", "AWS::Scheduler::Schedule", props, line)
                continue
            rule = f"{self.base}EventsRuleSchedule{number}"
            self._raw(
                rule,
                "AWS::Events::Rule",
                {
                    "ScheduleExpression": rate,
                    "State": "DISABLED" if config.get("enabled") is False else "ENABLED",
                    "Targets": [{"Arn": _arn(self.fn), "Id": f"{self.key}Schedule"}],
                },
                line,
            )
            self._permission(
                f"{self.base}LambdaPermissionEventsRuleSchedule{number}",
                "events.amazonaws.com",
                line,
                SourceArn=_arn(rule),
            )

    def _eventBridge(self, body: Any, line: int) -> None:  # noqa: N802 - the event's key
        config = _map(body)
        number = self._next("eventBridge")
        rule = f"{self.base}EventBridgeRule{number}"
        props = {
            key: config[name]
            for name, key in (
                ("pattern", "EventPattern"),
                ("schedule", "ScheduleExpression"),
                ("eventBus", "EventBusName"),
            )
            if config.get(name) is not None
        }
        self._rule(rule, config, "EventBridge", props, line)
        permission = f"{self.base}EventBridgeLambdaPermission{number}"
        self._permission(permission, "events.amazonaws.com", line, SourceArn=_arn(rule))

    def _cloudwatchEvent(self, body: Any, line: int) -> None:  # noqa: N802 - the event's key
        config = _map(body)
        number = self._next("cloudwatchEvent")
        rule = f"{self.base}EventsRuleCloudWatchEvent{number}"
        props = {"EventPattern": config["event"]} if config.get("event") is not None else {}
        self._rule(rule, config, "CloudWatchEvent", props, line)
        permission = f"{self.base}LambdaPermissionEventsRuleCloudWatchEvent{number}"
        self._permission(permission, "events.amazonaws.com", line, SourceArn=_arn(rule))

    def _rule(
        self, rule: str, config: Mapping[str, Any], kind: str, props: dict[str, Any], line: int
    ) -> None:
        """An EventBridge rule targeting the function (``enabled: false`` disables it)."""
        props["State"] = "DISABLED" if config.get("enabled") is False else "ENABLED"
        props["Targets"] = [{"Arn": _arn(self.fn), "Id": f"{self.key}{kind}"}]
        self._raw(rule, "AWS::Events::Rule", props, line)

    def _alb(self, body: Any, line: int) -> None:
        config = _map(body)
        priority = config.get("priority", 1)
        group = f"{self.base}AlbTargetGroup{priority}"
        self._raw(
            group,
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            {"TargetType": "lambda", "Targets": [{"Id": _arn(self.fn)}]},
            line,
        )
        self._raw(
            f"{self.base}AlbListenerRule{priority}",
            "AWS::ElasticLoadBalancingV2::ListenerRule",
            {
                "ListenerArn": config.get("listenerArn"),
                "Priority": priority,
                "Actions": [{"Type": "forward", "TargetGroupArn": {"Ref": group}}],
            },
            line,
        )
        self._permission(
            f"{self.base}LambdaPermissionAlb{priority}",
            "elasticloadbalancing.amazonaws.com",
            line,
            SourceArn={"Ref": group},
        )

    # ------------------------------------------------------------------ end

    def finish(self) -> list[Raw]:
        return [*self.buckets.values(), *self.out]


def _rest_authorization(authorizer: Any) -> str:
    if authorizer is None:
        return "NONE"
    config = _map(authorizer)
    kind = str(config.get("type", authorizer if isinstance(authorizer, str) else "")).lower()
    arn = str(config.get("arn", authorizer if isinstance(authorizer, str) else ""))
    if kind == "aws_iam":
        return "AWS_IAM"
    if "cognito" in kind or "cognito-idp" in arn:
        return "COGNITO_USER_POOLS"
    return "CUSTOM"


# The events analysed, by their key in ``events:``; any other is noted as not analysed.
_HANDLERS: dict[str, Callable[[Events, Any, int], None]] = {
    "http": Events._http,
    "httpApi": Events._httpApi,
    "sqs": Events._sqs,
    "stream": Events._stream,
    "s3": Events._s3,
    "sns": Events._sns,
    "schedule": Events._schedule,
    "eventBridge": Events._eventBridge,
    "cloudwatchEvent": Events._cloudwatchEvent,
    "alb": Events._alb,
}
