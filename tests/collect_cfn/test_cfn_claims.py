"""Which files the collector claims, and a whole scan through the engine with it registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.collect.terraform import TerraformCollector
from fnguard.config import Config
from fnguard.iam import default_checker
from fnguard.rules import all_rules
from fnguard.scan import ScanRequest, scan

EQUIVALENCE = Path(__file__).resolve().parent.parent / "fixtures" / "equivalence"

CLAIMED = {
    "template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
    "sam.yml": "Transform: AWS::Serverless-2016-10-31\nResources: {}\n",
    "stack.json": '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}',
    "bare.template": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
}
NOT_CLAIMED = {
    "serverless.yml": "service: x\nresources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n",
    "other-serverless.yml": (
        "service: x\nprovider: {name: aws}\n"
        "resources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n"
    ),
    "package.json": '{"name": "x", "description": "Resources: Type: AWS::S3::Bucket"}',
    "docker-compose.yml": "services:\n  db: {image: postgres}\n",
    "deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n",
    "values.yaml": "replicas: 2\n",
    "main.tf": 'resource "aws_sqs_queue" "q" {}\n',
    "notes.txt": "AWSTemplateFormatVersion",
}


@pytest.mark.parametrize("name", sorted(CLAIMED))
def test_claims_templates(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(CLAIMED[name], encoding="utf-8")
    assert CloudFormationCollector().claims(path)


@pytest.mark.parametrize("name", sorted(NOT_CLAIMED))
def test_leaves_other_yaml_and_json_alone(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(NOT_CLAIMED[name], encoding="utf-8")
    assert not CloudFormationCollector().claims(path)


def test_github_workflows_are_not_templates(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    path = folder / "deploy.yml"
    path.write_text(
        "on: push\njobs: {}\n# Resources:\n#   Type: AWS::S3::Bucket\n", encoding="utf-8"
    )
    assert not CloudFormationCollector().claims(path)


def test_a_scan_with_both_collectors_reports_each_format(tmp_path: Path) -> None:
    request = ScanRequest(
        targets=(EQUIVALENCE,),
        config=Config(),
        collectors=(TerraformCollector(), CloudFormationCollector()),
        rules=all_rules(),
        permissions=default_checker(),
    )
    result = scan(request)
    assert sorted(result.inventory.sources) == ["main.tf", "sam.yaml", "template.yaml"]
    assert sorted(f.address for f in result.inventory.functions) == [
        "aws_lambda_function.worker",
        "sam.yaml:OrdersWorker",
        "template.yaml:OrdersWorker",
    ]
    sec001 = sorted(f.resource for f in result.findings if f.rule_id == "SEC001")
    assert sec001 == [
        "aws_lambda_function.worker",
        "sam.yaml:OrdersWorker",
        "template.yaml:OrdersWorker",
    ]
