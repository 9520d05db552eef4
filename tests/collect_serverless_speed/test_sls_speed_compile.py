"""What each function takes from the provider (read once per service, ``_inherited``).

A function's own setting wins, ``null`` or a missing one falls back to the provider's, maps
merge key by key (the function's key, even one only alike as text, wins), and settings the
provider does not have keep the framework's defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnguard.collect.cloudformation import decode
from fnguard.collect.serverless._compile import compile_service
from fnguard.collect.serverless._variables import Variables

if TYPE_CHECKING:
    from pathlib import Path

SERVICE = """\
service: inh
package: {artifact: dist/service.zip}
provider:
  name: aws
  stage: qa
  runtime: nodejs20.x
  memorySize: 512
  timeout: 20
  architecture: arm64
  kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/p
  logRetentionInDays: 14
  deploymentBucket: {name: deploy-bucket}
  environment: {SHARED: p, 1: one, OVER: provider}
  tags: {team: core, cost: p}
  logs: {lambda: {logFormat: JSON, applicationLogLevel: WARN}}
  tracing: {lambda: true}
  iam:
    role:
      statements:
      - {Effect: Allow, Action: 's3:GetObject', Resource: '*'}
  role: arn:aws:iam::123456789012:role/provider-role
functions:
  inherits:
    handler: a.handler
  overrides:
    handler: b.handler
    runtime: python3.12
    memorySize: 128
    timeout: 3
    architecture: x86_64
    kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/f
    logRetentionInDays: 7
    environment: {'1': uno, OVER: function, OWN: f}
    tags: {cost: f, extra: x}
    logs: {logFormat: Text, logGroup: /custom/group}
    tracing: false
    role: OwnRole
    package: {artifact: dist/own.zip}
    description: own
    destinations: {}
  nulls:
    handler: c.handler
    runtime: null
    memorySize: null
    environment: null
    tags: {}
    logs: null
    package: just-a-string
    destinations: null
    role: {'Fn::GetAtt': [Other, Arn]}
"""

INHERITED = {
    "Runtime": "nodejs20.x",
    "Code": {"LocalPath": "dist/service.zip", "S3Bucket": "deploy-bucket"},
    "MemorySize": 512,
    "Timeout": 20,
    "Architectures": ["arm64"],
    "Environment": {"Variables": {"SHARED": "p", 1: "one", "OVER": "provider"}},
    "KmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/p",
    "TracingConfig": {"Mode": "Active"},
    "Tags": [{"Key": "team", "Value": "core"}, {"Key": "cost", "Value": "p"}],
    "LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "WARN"},
}


def _compiled(tmp_path: Path) -> dict[str, dict[str, Any]]:
    config = decode(SERVICE, "serverless.yml")
    resolved = Variables(config, tmp_path, tmp_path, text=SERVICE).resolved()
    return {raw.logical_id: raw.props for raw in compile_service(resolved, "serverless.yml").raws}


def test_a_function_without_settings_takes_the_providers(tmp_path: Path) -> None:
    props = _compiled(tmp_path)
    inherits = props["InheritsLambdaFunction"]
    assert inherits == {
        "FunctionName": "inh-qa-inherits",
        "Handler": "a.handler",
        **INHERITED,
        "Role": "arn:aws:iam::123456789012:role/provider-role",  # iam.role holds statements
    }
    assert list(inherits) == [  # the order the framework writes them in
        "FunctionName",
        "Handler",
        "Runtime",
        "Code",
        "MemorySize",
        "Timeout",
        "Role",
        "Architectures",
        "Environment",
        "KmsKeyArn",
        "TracingConfig",
        "Tags",
        "LoggingConfig",
    ]
    assert props["InheritsLogGroup"]["RetentionInDays"] == 14
    assert "IamRoleLambdaExecution" not in props  # every function has a role of its own


def test_nulls_and_empty_maps_fall_back_to_the_provider(tmp_path: Path) -> None:
    props = _compiled(tmp_path)
    assert props["NullsLambdaFunction"] == {
        "FunctionName": "inh-qa-nulls",
        "Handler": "c.handler",
        **INHERITED,
        "Role": {"Fn::GetAtt": ["Other", "Arn"]},
    }
    assert "NullsLambdaEvConf" not in props


def test_a_functions_own_settings_win(tmp_path: Path) -> None:
    props = _compiled(tmp_path)
    overrides = props["OverridesLambdaFunction"]
    assert overrides["Runtime"] == "python3.12"
    assert overrides["Code"] == {"LocalPath": "dist/own.zip", "S3Bucket": "deploy-bucket"}
    assert (overrides["MemorySize"], overrides["Timeout"]) == (128, 3)
    assert overrides["Architectures"] == ["x86_64"]
    assert overrides["KmsKeyArn"].endswith("key/f")
    assert overrides["Description"] == "own"
    assert overrides["TracingConfig"] == {"Mode": "PassThrough"}
    assert overrides["Role"] == {"Fn::GetAtt": ["OwnRole", "Arn"]}
    variables = overrides["Environment"]["Variables"]
    assert variables == {"SHARED": "p", "1": "uno", "OVER": "function", "OWN": "f"}
    assert list(variables) == ["SHARED", "1", "OVER", "OWN"]  # '1' took 1's place
    assert overrides["Tags"] == [
        {"Key": "team", "Value": "core"},
        {"Key": "cost", "Value": "f"},
        {"Key": "extra", "Value": "x"},
    ]
    assert overrides["LoggingConfig"] == {
        "LogFormat": "Text",
        "ApplicationLogLevel": "WARN",
        "LogGroup": "/custom/group",
    }
    assert props["OverridesLogGroup"]["RetentionInDays"] == 7
    assert "OverridesLambdaEvConf" not in props  # empty destinations
