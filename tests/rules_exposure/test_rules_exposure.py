"""Exposure rules on hand-built inventories: each fires where it must and not on near misses."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import (
    CollectionGap,
    Finding,
    FindingStatus,
    FrontDoor,
    FrontDoorKind,
    Function,
    Inventory,
    InvocationType,
    KmsKey,
    Location,
    Permission,
    Provider,
    Role,
    Trigger,
    TriggerKind,
)
from fnguard.rules import RuleContext, get_rule

FN = "aws_lambda_function.api"


def ctx(**thresholds: Any) -> RuleContext:
    return RuleContext(thresholds=Thresholds(**thresholds), permissions=default_checker())


def fn(address: str = FN, **extra: Any) -> Function:
    return Function(
        address=address,
        provider=extra.pop("provider", Provider.AWS),
        location=Location("main.tf", 3),
        name=extra.pop("name", "api"),
        **extra,
    )


def perm(address: str = "aws_lambda_permission.p", **extra: Any) -> Permission:
    return Permission(
        address=address,
        function=extra.pop("function", FN),
        location=Location("main.tf", 40),
        **extra,
    )


def door(
    kind: FrontDoorKind, address: str = "aws_lambda_function_url.api", **extra: Any
) -> FrontDoor:
    return FrontDoor(
        address=address,
        kind=kind,
        location=Location("api.tf", 7),
        functions=(extra.pop("function", FN),),
        **extra,
    )


def run(rule_id: str, inv: Inventory, **thresholds: Any) -> list[Finding]:
    return list(get_rule(rule_id).check(inv, ctx(**thresholds)))


# ------------------------------------------------------------------ EXP001


def test_exp001_public_principal_fires_on_the_permission() -> None:
    inv = Inventory(functions=(fn(),), permissions=(perm(principal="*"),))
    [finding] = run("EXP001", inv)
    assert finding.resource == "aws_lambda_permission.p"
    assert finding.location == Location("main.tf", 40)
    assert finding.function == FN and finding.impact == 10
    assert finding.evidence[0].value == "aws_lambda_permission.p"


@pytest.mark.parametrize(
    "extra",
    [
        {"principal": "*", "source_arn": "arn:aws:execute-api:eu-west-1:111122223333:abc/*"},
        {"principal": "*", "source_account": "111122223333"},
        {"principal": "*", "principal_org_id": "o-abc123"},
        {"principal": "111122223333"},
        {"principal": "*", "action": "lambda:InvokeFunctionUrl", "function_url_auth_type": "NONE"},
    ],
)
def test_exp001_near_misses(extra: dict[str, Any]) -> None:
    assert run("EXP001", Inventory(functions=(fn(),), permissions=(perm(**extra),))) == []


@pytest.mark.parametrize("principal", ["*", "cloudfront.amazonaws.com", None])
def test_exp001_never_fires_on_the_url_only_statement(principal: str | None) -> None:
    """lambda:InvokedViaFunctionUrl = true: EXP002 judges the URL through its auth type."""
    via_url = perm(principal=principal, invoked_via_function_url=True)
    url = perm(
        "aws_lambda_permission.url",
        action="lambda:InvokeFunctionUrl",
        principal="*",
        function_url_auth_type="NONE",
    )
    assert run("EXP001", Inventory(functions=(fn(),), permissions=(via_url,))) == []
    assert run("EXP001", Inventory(functions=(fn(),), permissions=(via_url, url))) == []


def test_exp001_url_only_statement_does_not_hide_a_plain_public_grant() -> None:
    via_url = perm("aws_lambda_permission.via_url", principal="*", invoked_via_function_url=True)
    plain = perm("aws_lambda_permission.plain", principal="*")
    [finding] = run("EXP001", Inventory(functions=(fn(),), permissions=(via_url, plain)))
    assert finding.resource == "aws_lambda_permission.plain"


def _refused(field: str, resource: str = FN) -> CollectionGap:
    return CollectionGap(
        Location("aws://1/r"), "lambda:GetPolicy answered AccessDenied", resource, field
    )


def test_exp001_unread_resource_policy_is_unknown() -> None:
    [finding] = run("EXP001", Inventory(functions=(fn(),), gaps=(_refused("permissions"),)))
    assert finding.status is FindingStatus.UNKNOWN and "AccessDenied" in finding.message
    # Read in part (a condition not modelled): a private-looking rest is not a pass either.
    inv = Inventory(
        functions=(fn(),),
        permissions=(perm(principal="111122223333"),),
        gaps=(_refused("permissions"),),
    )
    assert [f.status for f in run("EXP001", inv)] == [FindingStatus.UNKNOWN]


def test_exp001_unread_principal_of_the_allowing_statement_is_unknown() -> None:
    inv = Inventory(
        functions=(fn(),),
        permissions=(perm(principal=None),),
        gaps=(_refused("principal", "aws_lambda_permission.p"),),
    )
    assert [f.status for f in run("EXP001", inv)] == [FindingStatus.UNKNOWN]


def test_exp001_gap_on_an_unrelated_field_keeps_the_verdict() -> None:
    gaps = (_refused("reserved_concurrency"), _refused("permissions", "aws_lambda_function.x"))
    public = Inventory(functions=(fn(),), permissions=(perm(principal="*"),), gaps=gaps)
    assert [f.status for f in run("EXP001", public)] == [FindingStatus.FAIL]
    private = Inventory(functions=(fn(),), permissions=(perm(principal="1"),), gaps=gaps)
    assert run("EXP001", private) == []


def test_exp002_unread_url_config_is_unknown() -> None:
    [finding] = run("EXP002", Inventory(functions=(fn(),), gaps=(_refused("front_doors"),)))
    assert finding.status is FindingStatus.UNKNOWN
    assert run("EXP002", Inventory(functions=(fn(),), gaps=(_refused("permissions"),))) == []


def test_exp001_intended_public_is_info() -> None:
    inv = Inventory(functions=(fn(),), permissions=(perm(principal="*"),))
    [finding] = run("EXP001", inv, allowed_public=("api",))
    assert finding.impact == 2 and "allowed_public" in finding.message


# ------------------------------------------------------------------ EXP002


def test_exp002_function_url_auth_none() -> None:
    inv = Inventory(
        functions=(fn(),), front_doors=(door(FrontDoorKind.FUNCTION_URL, authorization="NONE"),)
    )
    [finding] = run("EXP002", inv)
    assert finding.resource == "aws_lambda_function_url.api" and finding.impact == 9


def test_exp002_gcp_all_users_invoker() -> None:
    gfn = fn("google_cloudfunctions2_function.f", provider=Provider.GCP)
    grant = perm(
        "google_cloudfunctions2_function_iam_member.pub",
        function=gfn.address,
        principal="allUsers",
        action="roles/cloudfunctions.invoker",
    )
    [finding] = run("EXP002", Inventory(functions=(gfn,), permissions=(grant,)))
    assert finding.provider is Provider.GCP and "allUsers" in finding.message


def test_exp002_near_misses() -> None:
    iam_url = door(FrontDoorKind.FUNCTION_URL, authorization="AWS_IAM")
    open_api = door(FrontDoorKind.API_HTTP, address="aws_apigatewayv2_api.a", authorization="NONE")
    assert run("EXP002", Inventory(functions=(fn(),), front_doors=(iam_url, open_api))) == []
    gfn = fn("google_cloudfunctions2_function.f", provider=Provider.GCP)
    named = perm(function=gfn.address, principal="serviceAccount:caller@p.iam.gserviceaccount.com")
    assert run("EXP002", Inventory(functions=(gfn,), permissions=(named,))) == []


def test_exp002_unknown_auth_type() -> None:
    inv = Inventory(
        functions=(fn(),), front_doors=(door(FrontDoorKind.FUNCTION_URL, authorization=None),)
    )
    [finding] = run("EXP002", inv)
    assert finding.status is FindingStatus.UNKNOWN


# ------------------------------------------------------------------ EXP003


def test_exp003_service_without_source() -> None:
    inv = Inventory(functions=(fn(),), permissions=(perm(principal="sns.amazonaws.com"),))
    [finding] = run("EXP003", inv)
    assert finding.impact == 7 and "sns.amazonaws.com" in finding.message


def test_exp003_s3_needs_source_account_too() -> None:
    inv = Inventory(
        functions=(fn(),),
        permissions=(perm(principal="s3.amazonaws.com", source_arn="arn:aws:s3:::in"),),
    )
    [finding] = run("EXP003", inv)
    assert finding.impact == 5 and "source account" in finding.message


def test_exp003_near_misses() -> None:
    perms = (
        perm(
            "aws_lambda_permission.sns",
            principal="sns.amazonaws.com",
            source_arn="arn:aws:sns:eu-west-1:111122223333:t",
        ),
        perm(
            "aws_lambda_permission.s3",
            principal="s3.amazonaws.com",
            source_arn="arn:aws:s3:::in",
            source_account="111122223333",
        ),
        perm("aws_lambda_permission.acct", principal="111122223333"),
    )
    assert run("EXP003", Inventory(functions=(fn(),), permissions=perms)) == []


# ------------------------------------------------------------------ EXP004


def test_exp004_any_origin() -> None:
    inv = Inventory(
        functions=(fn(),),
        front_doors=(
            door(FrontDoorKind.FUNCTION_URL, authorization="AWS_IAM", cors_allow_origins=("*",)),
        ),
    )
    [finding] = run("EXP004", inv)
    assert finding.impact == 5


def test_exp004_named_origins_do_not_fire() -> None:
    inv = Inventory(
        functions=(fn(),),
        front_doors=(
            door(FrontDoorKind.API_HTTP, cors_allow_origins=("https://app.example.com",)),
        ),
    )
    assert run("EXP004", inv) == []


# ------------------------------------------------------------------ EXP005


@pytest.mark.parametrize(
    ("kind", "extra", "says"),
    [
        (FrontDoorKind.API_REST, {}, "no WAF web ACL"),
        (FrontDoorKind.API_HTTP, {}, "CloudFront"),
        (FrontDoorKind.FUNCTION_URL, {"authorization": "NONE"}, "CloudFront"),
    ],
)
def test_exp005_public_entries_without_waf(
    kind: FrontDoorKind, extra: dict[str, Any], says: str
) -> None:
    [finding] = run("EXP005", Inventory(functions=(fn(),), front_doors=(door(kind, **extra),)))
    assert says in finding.message


def test_exp005_gcp_allow_all() -> None:
    gfn = fn("google_cloudfunctions2_function.f", provider=Provider.GCP, gcp_ingress="ALLOW_ALL")
    [finding] = run(
        "EXP005",
        Inventory(
            functions=(gfn,), front_doors=(door(FrontDoorKind.GCP_HTTP, function=gfn.address),)
        ),
    )
    assert "ALLOW_ALL" in finding.message


def test_exp005_near_misses() -> None:
    doors = (
        door(
            FrontDoorKind.API_REST,
            address="aws_api_gateway_stage.waf",
            waf_acl="aws_wafv2_web_acl.main",
        ),
        door(FrontDoorKind.API_REST, address="aws_api_gateway_stage.private", public=False),
        door(
            FrontDoorKind.FUNCTION_URL,
            address="aws_lambda_function_url.iam",
            authorization="AWS_IAM",
        ),
    )
    assert run("EXP005", Inventory(functions=(fn(),), front_doors=doors)) == []
    gfn = fn(
        "google_cloudfunctions2_function.f",
        provider=Provider.GCP,
        gcp_ingress="ALLOW_INTERNAL_AND_GCLB",
    )
    assert (
        run(
            "EXP005",
            Inventory(
                functions=(gfn,), front_doors=(door(FrontDoorKind.GCP_HTTP, function=gfn.address),)
            ),
        )
        == []
    )


def test_exp005_rest_api_names_the_api_and_stage_the_web_acl_belongs_on() -> None:
    integration = "aws_api_gateway_integration.proxy"
    rest = door(FrontDoorKind.API_REST, address=integration, stages=("prod",))
    trig = Trigger(
        integration,
        TriggerKind.API_REST,
        FN,
        InvocationType.SYNC,
        Location("api.tf", 7),
        source="aws_api_gateway_rest_api.orders",
        front_door=integration,
    )
    inv = Inventory(functions=(fn(),), front_doors=(rest,), triggers=(trig,))
    [finding] = run("EXP005", inv)
    assert finding.message.startswith(
        "public REST API aws_api_gateway_rest_api.orders has no WAF web ACL on stage prod"
    )
    assert ("integration", integration) in {(e.label, e.value) for e in finding.evidence}
    # no trigger, no declared stage: the door is all there is to name
    bare = door(FrontDoorKind.API_REST, address=integration)
    [alone] = run("EXP005", Inventory(functions=(fn(),), front_doors=(bare,)))
    assert f"REST API {integration} has no WAF web ACL on its stage" in alone.message
    protected = door(FrontDoorKind.API_REST, address=integration, waf_acl="aws_wafv2_web_acl.a")
    assert (
        run("EXP005", Inventory(functions=(fn(),), front_doors=(protected,), triggers=(trig,)))
        == []
    )


def test_exp005_rest_finding_points_at_the_stage_the_web_acl_goes_on() -> None:
    integration = "aws_api_gateway_integration.proxy"
    stage = ("aws_api_gateway_stage.prod", Location("api.tf", 40))
    rest = door(FrontDoorKind.API_REST, address=integration, stages=("prod",))
    staged = door(
        FrontDoorKind.API_REST, address=integration, stages=("prod",), stage_resources=(stage,)
    )
    [finding] = run("EXP005", Inventory(functions=(fn(),), front_doors=(staged,)))
    assert (finding.resource, finding.location) == stage
    # near miss: without a declared stage resource the integration is all there is to name
    [bare] = run("EXP005", Inventory(functions=(fn(),), front_doors=(rest,)))
    assert bare.resource == integration


# ------------------------------------------------------------------ EXP007

OURS = "arn:aws:iam::111122223333:role/exec"


def with_layers(*layers: str, **extra: Any) -> Inventory:
    role = Role("aws_iam_role.exec", Provider.AWS, Location("iam.tf", 1), arn=OURS)
    return Inventory(
        functions=(fn(layers=layers, role="aws_iam_role.exec"),), roles=(role,), **extra
    )


def test_exp007_foreign_layer_fires() -> None:
    [finding] = run("EXP007", with_layers("arn:aws:lambda:eu-west-1:999988887777:layer:deps:3"))
    assert finding.impact == 7 and "999988887777" in finding.message
    assert any(
        e.label == "AWS publishers checked" and "aws-cdk-lib" in e.value for e in finding.evidence
    )


def test_exp007_foreign_layer_with_own_accounts_unknown_is_lower() -> None:
    inv = Inventory(functions=(fn(layers=("arn:aws:lambda:eu-west-1:999988887777:layer:deps:3",)),))
    [finding] = run("EXP007", inv)
    assert finding.impact == 5 and "trusted_accounts" in finding.message


def test_exp007_near_misses() -> None:
    layers = (
        "arn:aws:lambda:eu-west-1:111122223333:layer:own:1",  # same account as the role
        "aws_lambda_layer_version.deps",  # a layer of this configuration
        "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:53",  # AWS
        "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension:11",
        "arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-python-amd64-ver-1-32-0:2",
        "arn:aws:lambda:eu-west-1:444455556666:layer:partner:1",  # trusted by configuration
    )
    key = KmsKey(
        "aws_kms_key.k", Location("kms.tf", 1), arn="arn:aws:kms:eu-west-1:111122223333:key/1"
    )
    assert (
        run("EXP007", with_layers(*layers, kms_keys=(key,)), trusted_accounts=("444455556666",))
        == []
    )
