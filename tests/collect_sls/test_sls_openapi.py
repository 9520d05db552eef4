"""serverless.yml ``resources:``: an API Gateway API defined by an OpenAPI body reaches the
service's functions as the framework's own ``http`` events do, and a nested stack's local
template is collected with the values the service passes in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_sls.sls_helpers import collect_source

if TYPE_CHECKING:
    from pathlib import Path

_SERVICE = """\
service: shop
provider:
  name: aws
  runtime: python3.12
functions:
  hello:
    handler: app.handler
resources:
  Resources:
    Api:
      Type: AWS::ApiGateway::RestApi
      Properties:
        BodyS3Location: spec.yaml
"""


def test_resources_api_body_file_reaches_the_function(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(
        "openapi: 3.0.1\npaths:\n  /hello:\n    get:\n"
        "      x-amazon-apigateway-integration:\n        type: aws_proxy\n"
        "        uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
        "functions/${HelloLambdaFunction.Arn}/invocations\n",
        "utf-8",
    )
    inv = collect_source(tmp_path, _SERVICE)
    assert [g for g in inv.gaps if g.field == "body"] == []
    (door,) = inv.front_doors
    assert (door.kind, door.functions, door.authorization) == (
        "api-rest",
        ("HelloLambdaFunction",),
        "NONE",
    )
    (trigger,) = inv.triggers
    assert (trigger.location.file, trigger.location.line) == ("spec.yaml", 4)


def test_resources_api_body_file_missing_is_a_gap(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, _SERVICE)
    assert inv.front_doors == ()
    gaps = [(g.resource, g.location.line) for g in inv.gaps if g.field == "body"]
    assert gaps == [("Api", 13)]


def test_resources_nested_stack_is_collected_with_the_values_passed(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(
        "Parameters:\n  Name: {Type: String, Default: dev}\nResources:\n  Fn:\n"
        "    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: !Ref Name\n"
        "      Runtime: python3.12\n      Handler: a.h\n      Role: arn:aws:iam::1:role/r\n"
        "      Code: {ZipFile: x}\n",
        "utf-8",
    )
    service = _SERVICE.replace(
        "    Api:\n      Type: AWS::ApiGateway::RestApi\n      Properties:\n"
        "        BodyS3Location: spec.yaml\n",
        "    Nested:\n      Type: AWS::CloudFormation::Stack\n      Properties:\n"
        "        TemplateURL: child.yaml\n        Parameters:\n          Name: shop-${sls:stage}\n",
    )
    inv = collect_source(tmp_path, service)
    nested = [(f.address, f.name, f.location.file) for f in inv.functions if "/" in f.address]
    assert nested == [("Nested/Fn", "shop-dev", "child.yaml")]
