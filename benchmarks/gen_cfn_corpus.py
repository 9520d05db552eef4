"""Generate the benchmark corpus as CloudFormation/SAM templates or as serverless.yml services.

The same functions as the Terraform corpus's shape (``gen_terraform_corpus.py``): each draws,
from a seeded RNG and the same weight tables, a runtime (some deprecated), memory and timeout
(a few out of range), a policy style, a trigger or front door (SQS, S3, SNS, schedule, REST
API, HTTP API, function URL), VPC placement, a literal secret now and then, tracing, KMS key,
DLQ, reserved concurrency and code signing. One draw per function serves both formats, so the
two corpora describe the same application.

Shape (``N`` functions, ``--per-folder`` functions per folder, default 50: a stack of 50 SAM
functions stays under CloudFormation's 500 resources)::

    cloudformation:  <out>/service-NN/network.json   VPC, subnets, security groups, endpoints
                     <out>/service-NN/template.yaml  SAM: Globals, shared KMS key, DLQ, topic,
                                                     REST and HTTP APIs, signing config, and
                                                     the functions (70 % AWS::Serverless::
                                                     Function, 30 % plain AWS::Lambda::Function
                                                     with role, permission and trigger written
                                                     out)
    serverless:      <out>/service-NN/serverless.yml provider settings, iam.role.statements,
                                                     the functions and their events, and a
                                                     resources: section (queues, roles, VPC)

Handler sources are not generated: the corpus measures the IaC scan. The same seed and
arguments always produce byte-identical files.

Usage: ``python benchmarks/gen_cfn_corpus.py --format serverless [-n 1000] [--out DIR]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_terraform_corpus import (
    POLICY_STYLES,
    RUNTIMES,
    STAMP,
    TRIGGERS,
    _pick,
    clear_output,
    stamped,
)

__all__ = ["FORMATS", "STAMP", "CfnCorpusSpec", "generate", "is_current", "main"]

GENERATOR_VERSION = 2
FORMATS = ("cloudformation", "serverless")

_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_LAYER = "arn:aws:lambda:eu-west-1:210987654321:layer:shared-libs:3"


@dataclass(frozen=True)
class CfnCorpusSpec:
    """What to generate; the defaults are the benchmark's corpora."""

    fmt: str = "cloudformation"
    functions: int = 1000
    per_folder: int = 50
    seed: int = 20261125


@dataclass(frozen=True)
class _Fn:
    """One function's draws, shared by both formats."""

    index: int
    runtime: str
    trigger: str
    style: str
    shared_role: bool
    admin: bool
    wildcard: bool
    in_vpc: bool
    open_egress: bool
    secret: str | None
    tracing: bool
    kms: bool
    dlq: bool
    reserved: int | None
    signing: bool
    memory: int
    timeout: int
    retention: int | None
    log_format: str
    with_source: bool
    prefix: str
    batch: int
    minutes: int
    plain: bool
    layer: bool
    visibility: int

    @property
    def name(self) -> str:
        return f"fn-{self.index:04d}"

    @property
    def logical(self) -> str:
        return f"Fn{self.index:04d}"

    @property
    def handler(self) -> str:
        if self.runtime.startswith("node"):
            return "index.handler"
        if self.runtime.startswith("java"):
            return "example.Handler::handleRequest"
        return "app.handler"


def _draw(rng: random.Random, index: int) -> _Fn:
    """Every random draw for one function, in a fixed order."""
    runtime = _pick(rng, RUNTIMES)
    trigger = _pick(rng, TRIGGERS)
    style = _pick(rng, POLICY_STYLES)
    shared_role = rng.random() < 0.08
    admin = rng.random() < 0.02
    in_vpc = rng.random() < 0.3
    open_egress = rng.random() < 0.3
    secret = "ghp_" + "".join(rng.choices(_TOKEN_ALPHABET, k=36)) if rng.random() < 0.1 else None
    tracing = rng.random() < 0.5
    kms = rng.random() < 0.5
    dlq = rng.random() < 0.4
    reserved = rng.choice((5, 10, 50)) if rng.random() < 0.4 else None
    signing = rng.random() < 0.3
    memory = rng.choice((128, 256, 512, 1024, 1769, 3008)) if rng.random() > 0.01 else 20480
    timeout = rng.choice((3, 10, 15, 30, 60, 120, 300)) if rng.random() > 0.01 else 1200
    wildcard = rng.random() < 0.15
    return _Fn(
        index=index,
        runtime=runtime,
        trigger=trigger,
        style=style,
        shared_role=shared_role,
        admin=admin,
        wildcard=wildcard,
        in_vpc=in_vpc,
        open_egress=open_egress,
        secret=secret,
        tracing=tracing,
        kms=kms,
        dlq=dlq,
        reserved=reserved,
        signing=signing,
        memory=memory,
        timeout=timeout,
        retention=rng.choice((None, 14, 30, 90)),
        log_format=rng.choice(("JSON", "Text")),
        with_source=rng.random() > 0.2,
        prefix=rng.choice(("incoming/", "")),
        batch=rng.choice((1, 10, 100)),
        minutes=rng.choice((5, 15, 60)),
        plain=rng.random() < 0.3,
        layer=rng.random() < 0.05,
        visibility=rng.choice((30, 60, 300, 900)),
    )


# --------------------------------------------------------------------------- shared pieces


def _ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def _arn(name: str, attr: str = "Arn") -> dict[str, list[str]]:
    return {"Fn::GetAtt": [name, attr]}


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def _statements(fn: _Fn, *, table: Any, queue: Any, bucket: Any) -> list[dict[str, Any]]:
    """The function's policy: least privilege, plus the drawn wildcard / admin mistakes."""
    stmts: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            "Resource": table,
        }
    ]
    if fn.trigger == "sqs":
        stmts.append(
            {
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Resource": queue,
            }
        )
    if fn.trigger == "s3":
        stmts.append(
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": bucket}
        )
    if fn.wildcard:
        stmts.append(
            {
                "Effect": "Allow",
                "Action": ["s3:*", "secretsmanager:GetSecretValue"],
                "Resource": "*",
            }
        )
    if fn.admin:
        stmts.append({"Effect": "Allow", "Action": "*", "Resource": "*"})
    return stmts


def _environment(fn: _Fn, topic: Any) -> dict[str, Any]:
    env: dict[str, Any] = {
        "TABLE_NAME": f"orders-{fn.name}",
        "LOG_LEVEL": "INFO",
        "EVENTS_ARN": topic,
    }
    if fn.secret is not None:
        env["API_TOKEN"] = fn.secret
    return env


_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "lambda.amazonaws.com"},
        }
    ],
}


def _dump_yaml(doc: dict[str, Any], header: str) -> str:
    body = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=100)
    return header + body


# --------------------------------------------------------------------------- CloudFormation/SAM


def _network_template(folder: int) -> dict[str, Any]:
    def subnet(cidr: str, az: str) -> dict[str, Any]:
        return {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": _ref("Vpc"), "CidrBlock": cidr, "AvailabilityZone": az},
        }

    resources: dict[str, Any] = {
        "Vpc": {
            "Type": "AWS::EC2::VPC",
            "Properties": {"CidrBlock": "10.20.0.0/16", "EnableDnsHostnames": True},
        },
        "PrivateSubnetA": subnet("10.20.1.0/24", "eu-west-1a"),
        "PrivateSubnetB": subnet("10.20.2.0/24", "eu-west-1b"),
        "LambdaSecurityGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "lambda",
                "VpcId": _ref("Vpc"),
                "SecurityGroupEgress": [
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.20.0.0/16"}
                ],
            },
        },
        "S3Endpoint": {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcId": _ref("Vpc"),
                "ServiceName": _sub("com.amazonaws.${AWS::Region}.s3"),
                "VpcEndpointType": "Gateway",
            },
        },
    }
    outputs = {
        name: {"Value": _ref(name), "Export": {"Name": f"service-{folder:02d}-{name}"}}
        for name in ("Vpc", "PrivateSubnetA", "PrivateSubnetB", "LambdaSecurityGroup")
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"service-{folder:02d} network",
        "Resources": resources,
        "Outputs": outputs,
    }


def _sam_shared() -> dict[str, Any]:
    return {
        "KmsKey": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}},
        "SigningConfig": {
            "Type": "AWS::Lambda::CodeSigningConfig",
            "Properties": {
                "AllowedPublishers": {
                    "SigningProfileVersionArns": [
                        _sub(
                            "arn:aws:signer:${AWS::Region}:${AWS::AccountId}:/signing-profiles/corpus/v1"
                        )
                    ]
                },
                "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"},
            },
        },
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": _sub("${Prefix}-dlq")}},
        "EventsTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": _sub("${Prefix}-events")},
        },
        "RestApi": {
            "Type": "AWS::Serverless::Api",
            "Properties": {"StageName": _ref("Environment"), "TracingEnabled": True},
        },
        "HttpApi": {"Type": "AWS::Serverless::HttpApi", "Properties": {}},
        "SharedRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": _TRUST,
                "ManagedPolicyArns": [
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
                ],
            },
        },
    }


class _SamWriter:
    """Adds one function and what belongs to it to a template's resources."""

    def __init__(self, fn: _Fn, resources: dict[str, Any]) -> None:
        self.fn = fn
        self.res = resources

    def add(self) -> None:
        fn, lid = self.fn, self.fn.logical
        table = _sub(
            f"arn:aws:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/orders-{fn.name}"
        )
        queue = _arn(f"{lid}Queue") if fn.trigger == "sqs" else None
        bucket = _sub(f"arn:aws:s3:::${{Prefix}}-{fn.name}/*") if fn.trigger == "s3" else None
        stmts = _statements(fn, table=table, queue=queue, bucket=bucket)
        self._sources()
        self.res[f"{lid}LogGroup"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": _sub(f"/aws/lambda/${{Prefix}}-{fn.name}"),
                **({"RetentionInDays": fn.retention} if fn.retention else {}),
                **({"KmsKeyId": _arn("KmsKey")} if fn.kms else {}),
            },
        }
        if fn.plain:
            self._plain(stmts)
        else:
            self._serverless(stmts)

    def _sources(self) -> None:
        fn, lid = self.fn, self.fn.logical
        if fn.trigger == "sqs":
            self.res[f"{lid}Queue"] = {
                "Type": "AWS::SQS::Queue",
                "Properties": {
                    "QueueName": _sub(f"${{Prefix}}-{fn.name}"),
                    "VisibilityTimeout": fn.visibility,
                    "RedrivePolicy": {"deadLetterTargetArn": _arn("Dlq"), "maxReceiveCount": 5},
                },
            }
        if fn.trigger == "s3":
            props: dict[str, Any] = {"BucketName": _sub(f"${{Prefix}}-{fn.name}")}
            if fn.plain:
                config: dict[str, Any] = {"Event": "s3:ObjectCreated:*", "Function": _arn(lid)}
                if fn.prefix:
                    config["Filter"] = {
                        "S3Key": {"Rules": [{"Name": "prefix", "Value": fn.prefix}]}
                    }
                props["NotificationConfiguration"] = {"LambdaConfigurations": [config]}
            self.res[f"{lid}Bucket"] = {"Type": "AWS::S3::Bucket", "Properties": props}

    def _common(self) -> dict[str, Any]:
        fn = self.fn
        props: dict[str, Any] = {
            "FunctionName": _sub(f"${{Prefix}}-{fn.name}"),
            "Handler": fn.handler,
            "Runtime": fn.runtime,
            "MemorySize": fn.memory,
            "Timeout": fn.timeout,
            "Environment": {"Variables": _environment(fn, _ref("EventsTopic"))},
            "LoggingConfig": {
                "LogFormat": fn.log_format,
                "LogGroup": _ref(f"{fn.logical}LogGroup"),
            },
        }
        if fn.kms:
            props["KmsKeyArn"] = _arn("KmsKey")
        if fn.reserved is not None:
            props["ReservedConcurrentExecutions"] = fn.reserved
        if fn.signing:
            props["CodeSigningConfigArn"] = _ref("SigningConfig")
        if fn.in_vpc:
            sgs = (
                [_ref("LambdaSecurityGroup")] if not fn.open_egress else [_ref("OpenSecurityGroup")]
            )
            props["VpcConfig"] = {
                "SubnetIds": [_ref("SubnetA"), _ref("SubnetB")],
                "SecurityGroupIds": sgs,
            }
        if fn.layer:
            props["Layers"] = [_LAYER]
        return props

    def _serverless(self, stmts: list[dict[str, Any]]) -> None:
        fn, lid = self.fn, self.fn.logical
        props = self._common()
        props["CodeUri"] = f"src/{fn.name}/"
        if fn.tracing:
            props["Tracing"] = "Active"
        if fn.dlq:
            props["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": _arn("Dlq")}
        if fn.shared_role:
            props["Role"] = _arn("SharedRole")
        elif fn.style == "managed":
            props["Policies"] = [
                "AWSLambdaBasicExecutionRole",
                {"DynamoDBReadPolicy": {"TableName": f"orders-{fn.name}"}},
            ]
            if len(stmts) > 1:
                props["Policies"].append({"Statement": stmts[1:]})
        else:
            props["Policies"] = [{"Statement": stmts}]
        events: dict[str, Any] = {}
        if fn.trigger == "sqs":
            events["Jobs"] = {
                "Type": "SQS",
                "Properties": {"Queue": _arn(f"{lid}Queue"), "BatchSize": fn.batch},
            }
        elif fn.trigger == "s3":
            s3: dict[str, Any] = {"Bucket": _ref(f"{lid}Bucket"), "Events": "s3:ObjectCreated:*"}
            if fn.prefix:
                s3["Filter"] = {"S3Key": {"Rules": [{"Name": "prefix", "Value": fn.prefix}]}}
            events["Upload"] = {"Type": "S3", "Properties": s3}
        elif fn.trigger == "sns":
            events["Topic"] = {"Type": "SNS", "Properties": {"Topic": _ref("EventsTopic")}}
        elif fn.trigger == "schedule":
            events["Tick"] = {
                "Type": "Schedule",
                "Properties": {"Schedule": f"rate({fn.minutes} minutes)"},
            }
        elif fn.trigger == "rest":
            events["Get"] = {
                "Type": "Api",
                "Properties": {
                    "RestApiId": _ref("RestApi"),
                    "Path": f"/{fn.name}",
                    "Method": "GET",
                },
            }
        elif fn.trigger == "http":
            events["Get"] = {
                "Type": "HttpApi",
                "Properties": {"ApiId": _ref("HttpApi"), "Path": f"/{fn.name}", "Method": "GET"},
            }
        else:
            props["FunctionUrlConfig"] = {"AuthType": "AWS_IAM" if fn.with_source else "NONE"}
        if events:
            props["Events"] = events
        self.res[lid] = {"Type": "AWS::Serverless::Function", "Properties": props}

    def _plain(self, stmts: list[dict[str, Any]]) -> None:
        fn, lid = self.fn, self.fn.logical
        props = self._common()
        props["Code"] = {"S3Bucket": _sub("${Prefix}-artifacts"), "S3Key": f"{fn.name}.zip"}
        if fn.tracing:
            props["TracingConfig"] = {"Mode": "Active"}
        if fn.dlq:
            props["DeadLetterConfig"] = {"TargetArn": _arn("Dlq")}
        if fn.shared_role:
            props["Role"] = _arn("SharedRole")
        else:
            props["Role"] = _arn(f"{lid}Role")
            role: dict[str, Any] = {
                "AssumeRolePolicyDocument": _TRUST,
                "ManagedPolicyArns": [
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
                ],
            }
            document = {"Version": "2012-10-17", "Statement": stmts}
            if fn.style == "managed":
                self.res[f"{lid}Policy"] = {
                    "Type": "AWS::IAM::ManagedPolicy",
                    "Properties": {"PolicyDocument": document},
                }
                role["ManagedPolicyArns"].append(_ref(f"{lid}Policy"))
            else:
                role["Policies"] = [{"PolicyName": fn.name, "PolicyDocument": document}]
            self.res[f"{lid}Role"] = {"Type": "AWS::IAM::Role", "Properties": role}
        self.res[lid] = {"Type": "AWS::Lambda::Function", "Properties": props}
        self._plain_trigger()

    def _permission(self, principal: str, source: Any) -> None:
        props: dict[str, Any] = {
            "Action": "lambda:InvokeFunction",
            "FunctionName": _ref(self.fn.logical),
            "Principal": principal,
        }
        if source is not None and self.fn.with_source:
            props["SourceArn"] = source
        self.res[f"{self.fn.logical}Permission"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": props,
        }

    def _plain_trigger(self) -> None:
        fn, lid = self.fn, self.fn.logical
        if fn.trigger == "sqs":
            self.res[f"{lid}Mapping"] = {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "EventSourceArn": _arn(f"{lid}Queue"),
                    "FunctionName": _ref(lid),
                    "BatchSize": fn.batch,
                },
            }
        elif fn.trigger == "s3":
            self._permission("s3.amazonaws.com", _sub(f"arn:aws:s3:::${{Prefix}}-{fn.name}"))
        elif fn.trigger == "sns":
            self.res[f"{lid}Subscription"] = {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "TopicArn": _ref("EventsTopic"),
                    "Protocol": "lambda",
                    "Endpoint": _arn(lid),
                },
            }
            self._permission("sns.amazonaws.com", _ref("EventsTopic"))
        elif fn.trigger == "schedule":
            self.res[f"{lid}Rule"] = {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "ScheduleExpression": f"rate({fn.minutes} minutes)",
                    "Targets": [{"Id": "fn", "Arn": _arn(lid)}],
                },
            }
            self._permission("events.amazonaws.com", _arn(f"{lid}Rule"))
        elif fn.trigger == "rest":
            self.res[f"{lid}Resource"] = {
                "Type": "AWS::ApiGateway::Resource",
                "Properties": {
                    "RestApiId": _ref("RestApi"),
                    "ParentId": _arn("RestApi", "RootResourceId"),
                    "PathPart": fn.name,
                },
            }
            self.res[f"{lid}Method"] = {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "RestApiId": _ref("RestApi"),
                    "ResourceId": _ref(f"{lid}Resource"),
                    "HttpMethod": "GET",
                    "AuthorizationType": "NONE",
                    "Integration": {
                        "Type": "AWS_PROXY",
                        "IntegrationHttpMethod": "POST",
                        "Uri": _sub(
                            "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                            f"${{{lid}.Arn}}/invocations"
                        ),
                    },
                },
            }
            self._permission(
                "apigateway.amazonaws.com",
                _sub("arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*/*"),
            )
        elif fn.trigger == "http":
            self.res[f"{lid}Integration"] = {
                "Type": "AWS::ApiGatewayV2::Integration",
                "Properties": {
                    "ApiId": _ref("HttpApi"),
                    "IntegrationType": "AWS_PROXY",
                    "IntegrationUri": _arn(lid),
                    "PayloadFormatVersion": "2.0",
                },
            }
            self.res[f"{lid}Route"] = {
                "Type": "AWS::ApiGatewayV2::Route",
                "Properties": {
                    "ApiId": _ref("HttpApi"),
                    "RouteKey": f"GET /{fn.name}",
                    "Target": _sub(f"integrations/${{{lid}Integration}}"),
                },
            }
            self._permission(
                "apigateway.amazonaws.com",
                _sub("arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*/*"),
            )
        else:
            auth = "AWS_IAM" if fn.with_source else "NONE"
            self.res[f"{lid}Url"] = {
                "Type": "AWS::Lambda::Url",
                "Properties": {"TargetFunctionArn": _arn(lid), "AuthType": auth},
            }
            if auth == "NONE":
                self.res[f"{lid}UrlPermission"] = {
                    "Type": "AWS::Lambda::Permission",
                    "Properties": {
                        "Action": "lambda:InvokeFunctionUrl",
                        "FunctionName": _ref(lid),
                        "Principal": "*",
                        "FunctionUrlAuthType": "NONE",
                    },
                }


def _sam_template(folder: int, fns: list[_Fn]) -> dict[str, Any]:
    resources = _sam_shared()
    resources["OpenSecurityGroup"] = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "lambda, open egress",
            "VpcId": _ref("VpcId"),
            "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}],
        },
    }
    for fn in fns:
        _SamWriter(fn, resources).add()
    parameters = {
        "Environment": {"Type": "String", "Default": "prod"},
        "Prefix": {"Type": "String", "Default": f"service-{folder:02d}-prod"},
        "VpcId": {"Type": "AWS::EC2::VPC::Id", "Default": f"vpc-{folder:02x}0a1b2c3d4e5f6a7"},
        "SubnetA": {
            "Type": "AWS::EC2::Subnet::Id",
            "Default": f"subnet-{folder:02x}0aaaa1111bbbb22",
        },
        "SubnetB": {
            "Type": "AWS::EC2::Subnet::Id",
            "Default": f"subnet-{folder:02x}0cccc2222dddd33",
        },
        "LambdaSecurityGroup": {
            "Type": "AWS::EC2::SecurityGroup::Id",
            "Default": f"sg-{folder:02x}0eeee3333ffff44",
        },
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": f"service-{folder:02d}: {len(fns)} functions",
        "Parameters": parameters,
        "Globals": {
            "Function": {
                "Tags": {"service": f"service-{folder:02d}", "owner": f"team-{folder % 7}"},
                "Environment": {"Variables": {"STAGE": _ref("Environment")}},
            }
        },
        "Resources": resources,
    }


# --------------------------------------------------------------------------- serverless.yml


def _sls_function(fn: _Fn, resources: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "handler": f"src/{fn.name}/{fn.handler}",
        "runtime": fn.runtime,
        "memorySize": fn.memory,
        "timeout": fn.timeout,
        "environment": _environment(fn, {"Ref": "EventsTopic"}),
        "logs": {"logFormat": fn.log_format},
    }
    lid = fn.logical
    if fn.kms:
        spec["kmsKeyArn"] = {"Fn::GetAtt": ["KmsKey", "Arn"]}
    if fn.reserved is not None:
        spec["reservedConcurrency"] = fn.reserved
    if fn.tracing:
        spec["tracing"] = "Active"
    if fn.dlq:
        spec["onError"] = {"Fn::GetAtt": ["Dlq", "Arn"]}
    if fn.layer:
        spec["layers"] = [_LAYER]
    if fn.in_vpc:
        sg = "OpenSecurityGroup" if fn.open_egress else "LambdaSecurityGroup"
        spec["vpc"] = {
            "subnetIds": [{"Ref": "PrivateSubnetA"}, {"Ref": "PrivateSubnetB"}],
            "securityGroupIds": [{"Ref": sg}],
        }
    if not fn.shared_role and fn.style != "document":
        table = f"arn:aws:dynamodb:${{aws:region}}:${{aws:accountId}}:table/orders-{fn.name}"
        queue = {"Fn::GetAtt": [f"{lid}Queue", "Arn"]} if fn.trigger == "sqs" else None
        bucket = f"arn:aws:s3:::${{self:custom.prefix}}-{fn.name}/*" if fn.trigger == "s3" else None
        stmts = _statements(fn, table=table, queue=queue, bucket=bucket)
        stmts.insert(
            0,
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "arn:aws:logs:${aws:region}:${aws:accountId}:log-group:/aws/lambda/*",
            },
        )
        resources[f"{lid}Role"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": _TRUST,
                "Policies": [
                    {
                        "PolicyName": fn.name,
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": stmts},
                    }
                ],
            },
        }
        spec["role"] = f"{lid}Role"
    if fn.trigger == "sqs":
        resources[f"{lid}Queue"] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"${{self:custom.prefix}}-{fn.name}",
                "VisibilityTimeout": fn.visibility,
            },
        }
        event: dict[str, Any] = {
            "sqs": {"arn": {"Fn::GetAtt": [f"{lid}Queue", "Arn"]}, "batchSize": fn.batch}
        }
    elif fn.trigger == "s3":
        s3: dict[str, Any] = {
            "bucket": f"${{self:custom.prefix}}-{fn.name}",
            "event": "s3:ObjectCreated:*",
        }
        if fn.prefix:
            s3["rules"] = [{"prefix": fn.prefix}]
        event = {"s3": s3}
    elif fn.trigger == "sns":
        event = {
            "sns": {"arn": {"Ref": "EventsTopic"}, "topicName": "${self:custom.prefix}-events"}
        }
    elif fn.trigger == "schedule":
        event = {"schedule": f"rate({fn.minutes} minutes)"}
    elif fn.trigger == "rest":
        event = {"http": {"path": f"/{fn.name}", "method": "get"}}
    elif fn.trigger == "http":
        event = {"httpApi": {"path": f"/{fn.name}", "method": "GET"}}
    else:
        spec["url"] = {"authorizer": "aws_iam"} if fn.with_source else True
        return spec
    spec["events"] = [event]
    return spec


def _serverless_yml(folder: int, fns: list[_Fn]) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "KmsKey": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}},
        "Dlq": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": "${self:custom.prefix}-dlq"},
        },
        "EventsTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": "${self:custom.prefix}-events"},
        },
    }
    network = _network_template(folder)["Resources"]
    network["OpenSecurityGroup"] = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "lambda, open egress",
            "VpcId": {"Ref": "Vpc"},
            "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}],
        },
    }
    resources.update(network)
    functions = {fn.name: _sls_function(fn, resources) for fn in fns}
    statements = [
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            "Resource": "arn:aws:dynamodb:${aws:region}:${aws:accountId}:table/orders-*",
        }
    ]
    return {
        "service": f"service-{folder:02d}",
        "frameworkVersion": "3",
        "custom": {"prefix": f"service-{folder:02d}-${{sls:stage}}"},
        "provider": {
            "name": "aws",
            "region": "eu-west-1",
            "stage": "${opt:stage, 'prod'}",
            "runtime": "python3.12",
            "memorySize": 512,
            "logRetentionInDays": 30 if folder % 2 else None,
            "environment": {"STAGE": "${sls:stage}"},
            "tags": {"service": f"service-{folder:02d}", "owner": f"team-{folder % 7}"},
            "iam": {"role": {"statements": statements}},
        },
        "functions": functions,
        "resources": {"Resources": resources},
    }


# --------------------------------------------------------------------------- writing


def _stamp_text(spec: CfnCorpusSpec) -> str:
    return (
        f"generator=cfn-{GENERATOR_VERSION} format={spec.fmt} functions={spec.functions} "
        f"per_folder={spec.per_folder} seed={spec.seed}\n"
    )


def is_current(out: Path, spec: CfnCorpusSpec = CfnCorpusSpec()) -> bool:
    """Whether ``out`` holds exactly the corpus this generator makes for ``spec``."""
    return stamped(out, _stamp_text(spec))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def generate(out: Path, spec: CfnCorpusSpec = CfnCorpusSpec()) -> int:
    """Write the corpus under ``out`` (replacing it); return the number of files written."""
    if spec.fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    clear_output(out, spec.functions, spec.per_folder)
    rng = random.Random(spec.seed)
    fns = [_draw(rng, i) for i in range(spec.functions)]
    written = 0
    for folder, start in enumerate(range(0, spec.functions, spec.per_folder)):
        chunk = fns[start : start + spec.per_folder]
        base = out / f"service-{folder:02d}"
        base.mkdir(parents=True)
        header = f"# service-{folder:02d}: synthetic benchmark corpus (gen_cfn_corpus.py)\n"
        if spec.fmt == "cloudformation":
            files = {
                "network.json": json.dumps(_network_template(folder), indent=2) + "\n",
                "template.yaml": _dump_yaml(_sam_template(folder, chunk), header),
            }
        else:
            files = {
                "serverless.yml": _dump_yaml(_drop_none(_serverless_yml(folder, chunk)), header)
            }
        for name, text in files.items():
            (base / name).write_text(text, encoding="utf-8")
            written += 1
    (out / STAMP).write_text(_stamp_text(spec), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a synthetic CloudFormation/SAM or serverless.yml corpus."
    )
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default=CfnCorpusSpec.fmt)
    parser.add_argument("-n", "--functions", type=int, default=CfnCorpusSpec.functions)
    parser.add_argument("--per-folder", type=int, default=CfnCorpusSpec.per_folder)
    parser.add_argument("--seed", type=int, default=CfnCorpusSpec.seed)
    parser.add_argument("--out", type=Path, default=None, help="default: .bench/corpus-FORMAT-N")
    args = parser.parse_args(argv)
    out = args.out or Path(".bench") / f"corpus-{args.fmt}-{args.functions}"
    spec = CfnCorpusSpec(
        fmt=args.fmt, functions=args.functions, per_folder=args.per_folder, seed=args.seed
    )
    try:
        count = generate(out, spec)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"wrote {count} files ({spec.functions} {spec.fmt} functions) to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
