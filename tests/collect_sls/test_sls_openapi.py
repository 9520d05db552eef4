"""serverless.yml ``resources:``: an API Gateway API defined by an OpenAPI body reaches the
service's functions as the framework's own ``http`` events do."""

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
