"""Templates and services shared with a forked child: the same inventory and the same errors."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TypeVar

import pytest

from fnguard import _fork
from fnguard.collect._batch import collect_each
from fnguard.collect._fork import collect_shared
from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.collect.cloudformation._collector import collect_file
from fnguard.collect.serverless import ServerlessCollector
from fnguard.collect.serverless._collector import collect_service
from fnguard.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from fnguard.model import Inventory

T = TypeVar("T")

_SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {{Runtime: python3.8, Timeout: 30}}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: src/
      Environment: {{Variables: {{TOKEN: "ghp_{token}"}}}}
      Policies: [{{S3ReadPolicy: {{BucketName: !Ref Bucket}}}}]
      Events:
        Api: {{Type: Api, Properties: {{Path: /{name}, Method: get}}}}
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {{BucketName: !Sub "${{AWS::StackName}}-{name}"}}
  Broken:
    Type: AWS::SQS::Queue
    Properties: {{QueueName: !Ref Nowhere}}
"""

_JSON = (
    '{{"Resources": {{"Role": {{"Type": "AWS::IAM::Role", "Properties": '
    '{{"AssumeRolePolicyDocument": {{"Statement": [{{"Effect": "Allow", '
    '"Principal": {{"Service": "lambda.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}, '
    '"Policies": [{{"PolicyName": "p", "PolicyDocument": {{"Statement": '
    '[{{"Effect": "Allow", "Action": "*", "Resource": "*"}}]}}}}]}}}}, '
    '"Fn{name}": {{"Type": "AWS::Lambda::Function", "Properties": {{"Runtime": "nodejs14.x", '
    '"Handler": "i.h", "Role": {{"Fn::GetAtt": ["Role", "Arn"]}}, '
    '"Code": {{"ZipFile": "x"}}}}}}}}}}'
)

_SERVICE = """\
service: svc-{name}
provider:
  name: aws
  runtime: python3.9
  environment: {{STAGE: "${{sls:stage}}", MISSING: "${{env:NOPE}}"}}
  iam:
    role:
      statements: [{{Effect: Allow, Action: "s3:*", Resource: "*"}}]
functions:
  api:
    handler: app.handler
    events: [{{httpApi: {{path: /{name}, method: get}}}}]
"""


def _write(root: Path, rel: str, text: str | bytes) -> Path:
    """``text`` (UTF-8 unless already bytes) at ``root/rel``, folders made."""
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(text if isinstance(text, bytes) else text.encode())
    return root / rel


def _templates(root: Path) -> list[Path]:
    paths = [
        _write(root, f"t{i}/template.yaml", _SAM.format(name=i, token="a1" * 18)) for i in range(5)
    ]
    paths += [_write(root, f"j{i}/stack.json", _JSON.format(name=i)) for i in range(3)]
    paths.append(
        _write(root, "bad/latin1.yaml", b"Resources:\n  Q: {Type: AWS::SQS::Queue} # \xe9\n")
    )
    return paths


def _services(root: Path) -> list[Path]:
    return [_write(root, f"s{i}/serverless.yml", _SERVICE.format(name=i)) for i in range(5)]


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the children started (the tests also run on machines with one CPU)."""
    monkeypatch.setattr(_fork.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    started: list[int] = []
    real_start = _fork.start

    def start(work: Callable[[], T]) -> _fork.Pending[T]:
        started.append(1)
        return real_start(work)

    monkeypatch.setattr(_fork, "start", start)
    return started


def test_forked_templates_are_the_sequential_inventory(tmp_path: Path, forks: list[int]) -> None:
    paths = _templates(tmp_path)
    sequential = collect_each(paths, tmp_path, collect_file)
    assert forks == []
    shared = collect_shared(paths, tmp_path, collect_file, min_files=1)
    assert forks == [1]
    assert shared == sequential
    assert len(shared.functions) == 8
    assert [g.location.file for g in shared.gaps if g.field == "file"] == ["bad/latin1.yaml"]
    assert CloudFormationCollector().collect(paths, tmp_path) == sequential  # the default path


def test_forked_services_are_the_sequential_inventory(tmp_path: Path, forks: list[int]) -> None:
    paths = _services(tmp_path)
    root = tmp_path.resolve()

    def one(path: Path, rel: str, prefix: str) -> Inventory:
        return collect_service(path, rel, root, prefix)

    sequential = collect_each(paths, tmp_path, one)
    assert forks == []
    shared = ServerlessCollector().collect(paths, tmp_path)
    assert forks == [1]
    assert shared == sequential
    assert len(shared.functions) == 5
    assert any("env:NOPE" in g.reason for g in shared.gaps)


@pytest.mark.parametrize(
    "bad", [["t1/template.yaml"], ["t2/template.yaml", "t4/template.yaml"], ["t4/template.yaml"]]
)
def test_the_first_broken_file_in_order_raises_its_own_error(
    tmp_path: Path, forks: list[int], bad: list[str]
) -> None:
    paths = _templates(tmp_path)
    for rel in bad:
        _write(tmp_path, rel, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n   Properties: [\n")
    with pytest.raises(InputError) as sequential:
        collect_each(paths, tmp_path, collect_file)
    with pytest.raises(InputError) as shared:
        collect_shared(paths, tmp_path, collect_file, min_files=1)
    assert forks
    assert str(shared.value) == str(sequential.value)
    assert str(shared.value).startswith(f"{bad[0]}:4: expected")


def test_a_child_that_dies_costs_time_not_results(tmp_path: Path, forks: list[int]) -> None:
    paths = _templates(tmp_path)
    caller = os.getpid()

    def dies_in_the_child(path: Path, rel: str, prefix: str) -> Inventory:
        if os.getpid() != caller:
            os._exit(3)
        return collect_file(path, rel, prefix)

    shared = collect_shared(paths, tmp_path, dies_in_the_child, min_files=1)
    assert forks
    assert shared == collect_each(paths, tmp_path, collect_file)


def test_few_files_stay_in_process(tmp_path: Path, forks: list[int]) -> None:
    paths = _templates(tmp_path)[:3]
    assert CloudFormationCollector().collect(paths, tmp_path) == collect_each(
        paths, tmp_path, collect_file
    )
    assert forks == []
