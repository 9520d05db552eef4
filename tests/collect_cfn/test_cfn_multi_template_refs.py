"""A template scanned alone and together with another gives the same verdict.

With several templates, addresses carry the file's name (``a.yaml:Fn``) and so do the
references inside resolved values; values another stack or a parameter store provides at deploy
time (``!ImportValue``, an ``AWS::SSM::Parameter::Value`` parameter, ``{{resolve:...}}``) must
stay references after that prefixing, as they are in a single-template scan.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest

from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.collect.serverless import ServerlessCollector
from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import Inventory, Location
from fnguard.rules import all_rules
from fnguard.rules._base import RuleContext

if TYPE_CHECKING:
    from pathlib import Path

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DbPassword:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/db/password
  SecretArn:
    Type: String
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: app
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: dynamodb:*
                Resource: !ImportValue shared-TableArn
              - Effect: Allow
                Action: ssm:GetParameter
                Resource: !Ref DbPassword
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: !Sub "{{resolve:ssm:/app/${SecretArn}/arn}}"
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: !GetAtt Queue.Arn
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt Role.Arn
      Code: {ZipFile: "def handler(e, c): return e"}
      Environment:
        Variables:
          DB_HOST: !ImportValue shared-DbHost
          DB_PASSWORD: !Ref DbPassword
          API_TOKEN: !Sub "{{resolve:secretsmanager:${SecretArn}:SecretString:token}}"
          API_KEY: !Join ["", ["{{resolve:ssm:/app/", !ImportValue shared-Name, "}}"]]
          PLAIN_TOKEN: "{{resolve:ssm-secure:/app/plain}}"
          QUEUE_URL: !Ref Queue
"""

OTHER = """\
Resources:
  Other:
    Type: AWS::SQS::Queue
"""

SERVERLESS = """\
service: svc
provider:
  name: aws
  runtime: python3.12
  environment:
    DB_HOST: ${ssm:/app/db/host}
    API_KEY: "${ssm:/app/${sls:stage}/key}"
    TABLE: !ImportValue shared-TableName
functions:
  worker:
    handler: app.handler
"""


def _strip(value: Any, prefix: str) -> Any:
    """``value`` with locations dropped and the file prefix removed from every text."""
    if isinstance(value, Location):
        return None
    if isinstance(value, str):
        return value.replace(prefix, "")
    if isinstance(value, tuple | list):
        return type(value)(_strip(v, prefix) for v in value)
    if isinstance(value, dict):
        return {_strip(k, prefix): _strip(v, prefix) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _strip(getattr(value, f.name), prefix) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


def _mine(inv: Inventory, prefix: str) -> dict[str, list[str]]:
    """The template's own items (not the other file's), normalised, per inventory section."""
    out: dict[str, list[str]] = {}
    for f in dataclasses.fields(Inventory):
        if f.name == "sources":
            continue
        items = [
            _strip(item, prefix)
            for item in getattr(inv, f.name)
            if not (isinstance(getattr(item, "address", None), str) and "other" in item.address)
        ]
        out[f.name] = sorted(repr(i) for i in items)
    return out


def _findings(inv: Inventory, prefix: str) -> list[tuple[str, str, str, str]]:
    context = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return sorted(
        (f.rule_id, _strip(f.resource, prefix), str(f.status), _strip(f.message, prefix))
        for rule in all_rules()
        for f in rule.check(inv, context)
        if "other" not in f.resource
    )


def _alone_and_together(
    tmp_path: Path, collector: CloudFormationCollector | ServerlessCollector, name: str, text: str
) -> tuple[Inventory, Inventory]:
    alone_dir = tmp_path / "alone"
    both_dir = tmp_path / "both"
    for folder in (alone_dir, both_dir):
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8")
    (both_dir / "other").mkdir()
    (both_dir / "other" / name).write_text(
        OTHER if name.endswith(".yaml") else SERVERLESS.replace("svc", "other"), encoding="utf-8"
    )
    alone = collector.collect([alone_dir / name], alone_dir)
    together = collector.collect([both_dir / name, both_dir / "other" / name], both_dir)
    return alone, together


@pytest.mark.parametrize(
    ("collector", "name", "text"),
    [
        (CloudFormationCollector(), "template.yaml", TEMPLATE),
        (ServerlessCollector(), "serverless.yml", SERVERLESS),
    ],
    ids=["cloudformation", "serverless"],
)
def test_same_inventory_and_findings_alone_or_together(
    tmp_path: Path, collector: CloudFormationCollector | ServerlessCollector, name: str, text: str
) -> None:
    alone, together = _alone_and_together(tmp_path, collector, name, text)
    prefix = f"{name}:"
    assert any(fn.address.startswith(prefix) for fn in together.functions)  # prefixed indeed
    mine_alone, mine_together = _mine(alone, prefix), _mine(together, prefix)
    for section, items in mine_alone.items():
        assert mine_together[section] == items, section
    assert _findings(together, prefix) == _findings(alone, prefix)


def test_deploy_time_references_stay_references_when_prefixed(tmp_path: Path) -> None:
    _, together = _alone_and_together(
        tmp_path, CloudFormationCollector(), "template.yaml", TEMPLATE
    )
    (fn,) = together.functions
    env = {v.name: v for v in fn.environment}
    for name in ("DB_HOST", "DB_PASSWORD", "API_TOKEN", "API_KEY", "PLAIN_TOKEN", "QUEUE_URL"):
        assert env[name].is_reference, name
    assert env["DB_HOST"].source_expr == '!ImportValue "shared-DbHost"'
    assert env["DB_PASSWORD"].source_expr == "{{resolve:ssm:/app/db/password}}"
    assert not [g for g in together.gaps if g.field == "environment"]


def test_a_computed_value_that_is_no_reference_stays_a_gap_when_prefixed(tmp_path: Path) -> None:
    """Near miss: a parameter without default is unknown, not another stack's value."""
    text = TEMPLATE.replace("QUEUE_URL: !Ref Queue", 'QUEUE_URL: !Sub "https://${SecretArn}"')
    alone, together = _alone_and_together(
        tmp_path, CloudFormationCollector(), "template.yaml", text
    )
    for inv in (alone, together):
        (fn,) = inv.functions
        env = {v.name: v for v in fn.environment}
        assert not env["QUEUE_URL"].is_reference
        assert [g.reason for g in inv.gaps if g.field == "environment"] == [
            "environment variable QUEUE_URL is computed at deploy time"
        ]
