"""OpenAPI bodies: the constructs read (security alternatives, authorisers, API keys, plain
CloudFormation bodies) and the near misses that must be gaps, never a silent pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_cfn.cfn_helpers import LAMBDA_ROLE, collect_source

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.model import Inventory

_URI = (
    "!Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
)
_HEAD = (
    """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt FnRole.Arn
      Code: {ZipFile: "x"}
  FnRole:
"""
    + LAMBDA_ROLE
)


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _rest(paths: str, extra: str = "") -> str:
    """A REST API whose body holds ``paths`` (indented under ``paths:``) and ``extra``."""
    return (
        _HEAD
        + """\
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        swagger: "2.0"
"""
        + extra
        + "        paths:\n"
        + paths
    )


def _op(verb: str, security: str = "", kind: str = "aws_proxy") -> str:
    return (
        f"          /{verb}:\n"
        f"            {verb}:\n"
        + security
        + "              x-amazon-apigateway-integration:\n"
        + f"                type: {kind}\n"
        + f"                uri: {_URI}\n"
    )


_SCHEMES = """\
        securityDefinitions:
          sigv4:
            type: apiKey
            name: Authorization
            in: header
            x-amazon-apigateway-authtype: awsSigv4
          key: {type: apiKey, name: x-api-key, in: header}
          pool:
            type: apiKey
            name: Authorization
            in: header
            x-amazon-apigateway-authtype: cognito_user_pools
            x-amazon-apigateway-authorizer: {type: cognito_user_pools, providerARNs: [arn]}
          lambda:
            type: apiKey
            name: Authorization
            in: header
            x-amazon-apigateway-authorizer: {type: token, authorizerUri: arn}
"""


def _auth(inv: Inventory) -> dict[str, str | None]:
    return {d.address: d.authorization for d in inv.front_doors}


def test_security_per_operation_global_and_alternatives(tmp_path: Path) -> None:
    paths = (
        _op("get")  # the global requirement: IAM
        + _op("put", "              security: []\n")  # explicitly open
        + _op("post", "              security: [{pool: []}]\n")
        + _op("patch", "              security: [{lambda: [], key: []}]\n")  # key and authoriser
        + _op("delete", "              security: [{key: []}]\n")  # an API key alone
        + _op("head", "              security: [{}, {sigv4: []}]\n")  # anonymous allowed
    )
    inv = collect_source(tmp_path, _rest(paths, _SCHEMES + "        security: [{sigv4: []}]\n"))
    assert inv.gaps == ()
    assert _auth(inv) == {
        "ApiGetGet": "AWS_IAM",
        "ApiPutPut": "NONE",
        "ApiPostPost": "COGNITO_USER_POOLS",
        "ApiPatchPatch": "CUSTOM",
        "ApiDeleteDelete": "NONE",
        "ApiHeadHead": "NONE",
    }
    assert {t.function for t in inv.triggers} == {"Fn"}


def test_undeclared_scheme_is_an_authorization_gap(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, _rest(_op("get", "              security: [{ghost: []}]\n")))
    assert _auth(inv) == {"ApiGetGet": None}
    assert [(g.resource, g.field) for g in inv.gaps] == [("ApiGetGet", "authorization")]
    assert "ghost" in inv.gaps[0].reason


def test_non_lambda_integrations_are_not_triggers(tmp_path: Path) -> None:
    paths = _op("get", kind="http_proxy") + _op("put", kind="mock")
    inv = collect_source(tmp_path, _rest(paths))
    assert inv.triggers == () and inv.front_doors == () and inv.gaps == ()


def test_s3_body_is_a_gap_on_its_line(tmp_path: Path) -> None:
    text = (
        _HEAD
        + """\
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      BodyS3Location:
        Bucket: specs
        Key: api.yaml
"""
    )
    inv = collect_source(tmp_path, text)
    assert inv.front_doors == ()
    expected = [(_line(text, "BodyS3Location"), "Api", "body")]
    assert [(g.location.line, g.resource, g.field) for g in inv.gaps] == expected
    assert "in S3 is not read" in inv.gaps[0].reason


def test_http_api_body_with_function_name_uri_and_cors(tmp_path: Path) -> None:
    text = (
        _HEAD
        + """\
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Body:
        openapi: "3.0.1"
        x-amazon-apigateway-cors: {allowOrigins: ["*"]}
        paths:
          $default:
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-integration:
                type: aws_proxy
                payloadFormatVersion: "2.0"
                uri: !Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}
"""
    )
    inv = collect_source(tmp_path, text)
    assert inv.gaps == ()
    (door,) = inv.front_doors
    assert (door.kind, door.functions, door.authorization) == ("api-http", ("Fn",), "NONE")
    assert door.cors_allow_origins == ("*",)
    assert door.integration_timeout_ms == 30000


def _sam_api(definition: str) -> str:
    return (
        "Transform: AWS::Serverless-2016-10-31\n"
        + _HEAD
        + "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n"
        + definition
    )


def test_missing_definition_uri_is_a_gap(tmp_path: Path) -> None:
    text = _sam_api("      DefinitionUri: spec/api.yaml\n")
    inv = collect_source(tmp_path, text)
    assert inv.front_doors == ()
    (gap,) = inv.gaps
    where = ("template.yaml", _line(text, "DefinitionUri"), "body")
    assert (gap.location.file, gap.location.line, gap.field) == where
    assert "cannot read spec/api.yaml" in gap.reason


def test_remote_include_is_a_gap(tmp_path: Path) -> None:
    include = (
        "      DefinitionBody:\n        Fn::Transform:\n          Name: AWS::Include\n"
        "          Parameters: {Location: s3://specs/api.yaml}\n"
    )
    inv = collect_source(tmp_path, _sam_api(include))
    assert [g.field for g in inv.gaps] == ["body"]
    assert "remote OpenAPI body s3://specs/api.yaml" in inv.gaps[0].reason


def test_broken_definition_file_is_a_gap_in_that_file(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text("openapi: 3.0.1\npaths:\n  /x: [unclosed\n", "utf-8")
    inv = collect_source(tmp_path, _sam_api("      DefinitionUri: api.yaml\n"))
    (gap,) = inv.gaps
    assert gap.location.file == "api.yaml" and gap.location.line >= 3
    assert gap.field == "body" and "cannot be decoded" in gap.reason


def test_definition_uri_file_and_sam_default_authorizer(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        "swagger: '2.0'\npaths:\n  /open:\n    get:\n      security: []\n"
        "      x-amazon-apigateway-integration:\n        type: aws_proxy\n"
        "        uri: arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:123456789012:function:named/invocations\n"
        "  /closed:\n    get:\n      x-amazon-apigateway-integration:\n"
        "        type: aws_proxy\n        uri: !GetAtt Fn.Arn\n",
        "utf-8",
    )
    auth = "      DefinitionUri: api.yaml\n      Auth:\n        DefaultAuthorizer: AWS_IAM\n"
    text = _sam_api(auth).replace("      Runtime:", "      FunctionName: named\n      Runtime:")
    inv = collect_source(tmp_path, text)
    assert inv.gaps == ()
    assert _auth(inv) == {"ApiGetOpen": "NONE", "ApiGetClosed": "AWS_IAM"}
    assert {t.function for t in inv.triggers} == {"Fn"}
    assert {t.location.file for t in inv.triggers} == {"api.yaml"}
