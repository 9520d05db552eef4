"""API Gateway REST and HTTP APIs: integration timeouts, authorisation, stages, WAF, CORS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect.tf_helpers import collect_dir, collect_fixture

from fnguard.model import FrontDoor, FrontDoorKind, InvocationType, Location, Trigger, TriggerKind

if TYPE_CHECKING:
    from pathlib import Path

INV = collect_fixture("apigw")
FN = "aws_lambda_function.api"
GET = "aws_api_gateway_integration.get_orders"
POST = "aws_api_gateway_integration.post_orders"
HTTP = "aws_apigatewayv2_integration.http"


def loc(line: int) -> Location:
    return Location("main.tf", line)


def test_front_doors() -> None:
    rest = {
        "kind": FrontDoorKind.API_REST,
        "functions": (FN,),
        "waf_acl": "aws_wafv2_web_acl.shop",
        "stages": ("prod",),
        "stage_resources": (("aws_api_gateway_stage.prod", loc(56)),),
        "throttling_rate_limit": 100.0,
        "throttling_burst_limit": 50,
    }
    assert INV.front_doors == (
        # default REST integration timeout; authorisation from the matching method
        FrontDoor(
            GET, location=loc(26), integration_timeout_ms=29000, authorization="AWS_IAM", **rest
        ),
        # function named by a literal invoke URI
        FrontDoor(
            POST, location=loc(42), integration_timeout_ms=10000, authorization="NONE", **rest
        ),
        FrontDoor(
            HTTP,
            FrontDoorKind.API_HTTP,
            loc(90),
            functions=(FN,),
            integration_timeout_ms=30000,
            authorization="JWT",
            stages=("$default",),
            throttling_rate_limit=20.5,
            throttling_burst_limit=10,
            cors_allow_origins=("https://shop.example.com",),
        ),
    )


def test_api_triggers() -> None:
    assert INV.triggers == (
        Trigger(
            GET,
            TriggerKind.API_REST,
            FN,
            InvocationType.SYNC,
            loc(26),
            "aws_api_gateway_rest_api.shop",
            front_door=GET,
        ),
        Trigger(
            POST,
            TriggerKind.API_REST,
            FN,
            InvocationType.SYNC,
            loc(42),
            "aws_api_gateway_rest_api.shop",
            front_door=POST,
        ),
        Trigger(
            HTTP,
            TriggerKind.API_HTTP,
            FN,
            InvocationType.SYNC,
            loc(90),
            "aws_apigatewayv2_api.http",
            front_door=HTTP,
        ),
    )


def test_deployment_stage_and_waf_on_the_api(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        """resource "aws_lambda_function" "f" {
  function_name = "f"
}
resource "aws_api_gateway_rest_api" "api" {
  name = "api"
  endpoint_configuration {
    types = ["PRIVATE"]
  }
}
resource "aws_api_gateway_integration" "i" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_rest_api.api.root_resource_id
  http_method = "ANY"
  type        = "AWS_PROXY"
  uri         = aws_lambda_function.f.invoke_arn
}
resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = "live"
}
resource "aws_wafv2_web_acl_association" "a" {
  resource_arn = aws_api_gateway_rest_api.api.arn
  web_acl_arn  = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/acl/1"
}
"""
    )
    inventory = collect_dir(tmp_path)
    assert inventory.front_doors == (
        FrontDoor(
            "aws_api_gateway_integration.i",
            FrontDoorKind.API_REST,
            Location("main.tf", 10),
            functions=("aws_lambda_function.f",),
            integration_timeout_ms=29000,
            authorization=None,  # no method declared for the integration: unknown, with a gap
            public=False,
            waf_acl="arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/acl/1",
            stages=("live",),
        ),
    )
    assert [(g.resource, g.field) for g in inventory.gaps] == [
        ("aws_api_gateway_integration.i", "authorization")
    ]
