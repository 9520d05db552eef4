"""Inline suppressions and the ``resources:`` section (per-function roles, CloudFormation tags)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_sls.sls_helpers import collect_fixture, collect_source

from fnguard.model import Location, Suppression

if TYPE_CHECKING:
    from pathlib import Path


def test_comments_cover_what_the_framework_generates_for_the_entry() -> None:
    inv = collect_fixture("suppress")
    by_rule: dict[str, set[str]] = {}
    for sup in inv.suppressions:
        by_rule.setdefault(sup.rule_id, set()).add(sup.resource)
    hook = {
        "HookLambdaFunction",
        "HookLogGroup",
        "HookLambdaFunctionUrl",
        "HookLambdaPermissionFnUrl",
        "HookLambdaPermissionFnUrlInvokeFunction",
    }
    assert by_rule == {
        "IAM001": {"IamRoleLambdaExecution"},  # a comment in provider: the generated role
        "EXP002": hook,  # above the function
        "LIM005": hook,  # trailing, inside the function
        "IAM003": {"CustomRole"},  # above a resources: entry
    }
    assert (
        Suppression(
            "EXP002",
            "HookLambdaFunctionUrl",
            "webhook, verified by HMAC in the handler",
            Location("serverless.yml", 11),
        )
        in inv.suppressions
    )


def test_resources_section_is_plain_cloudformation() -> None:
    inv = collect_fixture("suppress")
    other = inv.get("OtherLambdaFunction")
    assert getattr(other, "role", None) == "CustomRole"
    custom = inv.get("CustomRole")
    policies = getattr(custom, "policies", ())
    assert [p.arn for p in policies] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    assert inv.gaps == ()
    # The generated role still exists for the function without its own.
    assert inv.get("HookLambdaFunction") is not None
    assert {r.address for r in inv.roles} == {"IamRoleLambdaExecution", "CustomRole"}


def test_existing_roles_by_arn_and_no_generated_role(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n  iam:\n"
        "    role: arn:aws:iam::123456789012:role/shared\n"
        "functions:\n  f:\n    handler: h.h\n",
    )
    (fn,) = inv.functions
    assert (fn.role, inv.roles) == ("arn:aws:iam::123456789012:role/shared", ())
    assert [(g.resource, g.field) for g in inv.gaps] == [("FLambdaFunction", "role")]


def test_s3_bucket_declared_in_resources_is_merged(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider: {name: aws, runtime: python3.12}\n"
        "functions:\n  f:\n    handler: h.h\n"
        "    events:\n      - s3: photos\n"
        "resources:\n  Resources:\n    S3BucketPhotos:\n      Type: AWS::S3::Bucket\n"
        "      Properties:\n        VersioningConfiguration: {Status: Enabled}\n",
    )
    assert [(b.address, b.name) for b in inv.buckets] == [("S3BucketPhotos", "photos")]
    assert [(t.source, t.filters) for t in inv.triggers] == [
        ("S3BucketPhotos", (("event", "s3:ObjectCreated:*"),))
    ]


def test_cloudformation_placeholders_are_not_serverless_variables(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider: {name: aws, runtime: python3.12}\n"
        "functions:\n  f:\n    handler: h.h\n"
        "    environment:\n"
        "      QUEUE: !Sub 'https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/q'\n"
        "      STAGE: ${sls:stage}\n",
    )
    (fn,) = inv.functions
    # Pseudo parameters keep their text, as in a CloudFormation template (see _intrinsic).
    assert [(e.name, e.value) for e in fn.environment] == [
        ("QUEUE", "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/q"),
        ("STAGE", "dev"),
    ]
    assert inv.gaps == ()


def test_v2_style_iam_settings_and_roles_named_by_logical_id(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "  iamRoleStatements:\n    - {Effect: Allow, Action: sqs:SendMessage, Resource: '*'}\n"
        "  iamManagedPolicies: [arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess]\n"
        "  rolePermissionsBoundary: arn:aws:iam::123456789012:policy/b\n"
        "functions:\n  a:\n    handler: h.h\n"
        "  b:\n    handler: h.h\n    role: Custom\n"
        "  c:\n    handler: h.h\n    role: !GetAtt Custom.Arn\n"
        "resources:\n  Resources:\n    Custom:\n      Type: AWS::IAM::Role\n"
        "      Properties:\n        AssumeRolePolicyDocument: {Statement: []}\n",
    )
    assert [(f.address, f.role) for f in inv.functions] == [
        ("ALambdaFunction", "IamRoleLambdaExecution"),
        ("BLambdaFunction", "Custom"),
        ("CLambdaFunction", "Custom"),
    ]
    generated = inv.get("IamRoleLambdaExecution")
    policies = getattr(generated, "policies", ())
    assert policies[0].statements[2] == {
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": "*",
    }
    assert [p.arn for p in policies[1:]] == ["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"]
    boundary = getattr(generated, "boundary", None)
    assert getattr(boundary, "arn", None) == "arn:aws:iam::123456789012:policy/b"
