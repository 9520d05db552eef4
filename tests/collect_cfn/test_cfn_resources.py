"""IAM, API Gateway (REST and HTTP), WAF, network neighbours: CloudFormation resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_cfn.cfn_helpers import collect_fixture, collect_source

from fnguard.model import (
    CollectionGap,
    EgressRule,
    FrontDoor,
    FrontDoorKind,
    Location,
    Permission,
    Policy,
    PolicyKind,
    Queue,
    Subnet,
    VpcConfig,
    VpcEndpoint,
)

if TYPE_CHECKING:
    from pathlib import Path


def test_role_with_every_way_to_attach_a_policy() -> None:
    inv = collect_fixture("iam.yaml")
    (role,) = inv.roles
    at = Location("iam.yaml", 19)
    assert (role.address, role.name) == ("AppRole", "app")
    assert role.policies == (
        Policy(
            "inline",
            PolicyKind.INLINE,
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "${Table.Arn}"}
                ]
            },
            None,
            at,
        ),
        Policy(
            "AdministratorAccess",
            PolicyKind.AWS_MANAGED,
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            },
            "arn:aws:iam::aws:policy/AdministratorAccess",
            at,
        ),
        Policy(
            "custom",
            PolicyKind.MANAGED,
            {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
            None,
            Location("iam.yaml", 41),
        ),
        Policy(
            "elsewhere", PolicyKind.MANAGED, None, "arn:aws:iam::123456789012:policy/elsewhere", at
        ),
        Policy(
            "extra",
            PolicyKind.INLINE,
            {"Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]},
            None,
            Location("iam.yaml", 54),
        ),
        Policy(  # a JSON string document is parsed
            "attached",
            PolicyKind.MANAGED,
            {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]},
            None,
            Location("iam.yaml", 62),
        ),
    )
    assert role.boundary == Policy(
        "Boundary",
        PolicyKind.BOUNDARY,
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        None,
        Location("iam.yaml", 48),
    )
    assert role.trust_policy is not None
    assert role.trust_policy.statements[0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    fn, other = inv.functions
    assert fn.role == "AppRole"
    assert other.role == "arn:aws:iam::123456789012:role/outside"
    assert other.package.s3_bucket == "Artifacts"
    assert (other.package.s3_key, other.package.s3_object_version) == ("other.zip", "3")
    assert inv.gaps == (
        CollectionGap(
            Location("iam.yaml", 10),
            "execution role arn:aws:iam::123456789012:role/outside is not declared in the template",
            "Other",
            "role",
        ),
        CollectionGap(
            at,
            "policy arn:aws:iam::123456789012:policy/elsewhere is not declared in the template",
            "AppRole",
            "policies",
        ),
    )


def test_rest_api_method_stage_waf_and_http_quick_create() -> None:
    inv = collect_fixture("apigw.yaml")
    assert inv.front_doors == (
        FrontDoor(
            "AnyMethod",
            FrontDoorKind.API_REST,
            Location("apigw.yaml", 22),
            functions=("Fn",),
            integration_timeout_ms=10000,
            authorization="AWS_IAM",
            public=True,
            waf_acl="Acl",  # associated through the stage ARN built with !Sub
            stages=("prod",),
            stage_resources=(("Prod", Location("apigw.yaml", 39)),),
            throttling_rate_limit=20.0,
            throttling_burst_limit=10,
        ),
        FrontDoor(
            "Quick",
            FrontDoorKind.API_HTTP,
            Location("apigw.yaml", 60),
            functions=("Fn",),
            integration_timeout_ms=30000,
            authorization="NONE",
            cors_allow_origins=("https://a.example",),
        ),
    )
    # The WebSocket API's integration is not an HTTP front door.
    assert [t.address for t in inv.triggers] == ["AnyMethod", "Quick"]
    assert inv.permissions == (
        Permission(
            "RestPermission", "Fn", Location("apigw.yaml", 54), principal="apigateway.amazonaws.com"
        ),
    )


def test_network_neighbours() -> None:
    inv = collect_fixture("network.yaml")
    assert inv.subnets == (
        Subnet("SubnetA", Location("network.yaml", 6), vpc_id="Vpc", cidr_block="10.0.1.0/24"),
        Subnet(
            "SubnetB",
            Location("network.yaml", 12),
            vpc_id="Vpc",
            availability_zone="eu-west-1b",
            cidr_block="10.0.2.0/24",
        ),
    )
    (group,) = inv.security_groups
    assert group.egress == (
        EgressRule("tcp", 443, 443, ("10.0.0.0/16",)),
        EgressRule("-1", None, None, (), ("::/0",)),  # AWS::EC2::SecurityGroupEgress
    )
    assert inv.vpc_endpoints == (
        VpcEndpoint(
            "Kms",
            Location("network.yaml", 31),
            "com.amazonaws.${AWS::Region}.kms",
            "Vpc",
            "Interface",
        ),
        VpcEndpoint(
            "S3", Location("network.yaml", 37), "com.amazonaws.eu-west-1.s3", "Vpc", "Gateway"
        ),
    )
    assert inv.queues == (Queue("Queue", Location("network.yaml", 44), "jobs.fifo", fifo=True),)
    assert inv.log_groups[0].retention_days is None  # never expires
    assert inv.functions[0].vpc == VpcConfig(("SubnetA", "SubnetB"), ("Locked",))


def test_unknown_intrinsic_and_dangling_ref_are_gaps_on_the_field() -> None:
    inv = collect_fixture("network.yaml")
    gaps = {(g.location.line, g.reason, g.resource, g.field) for g in inv.gaps}
    assert (61, "!Ref NoSuchThing names no parameter or resource", "Fn", "environment") in gaps
    assert (62, "intrinsic function Fn::Magic is not understood", "Fn", "environment") in gaps
    assert (
        6,
        "AvailabilityZone = !Select ? cannot be resolved offline",
        "SubnetA",
        "availability_zone",
    ) in gaps
    assert [e.value for e in inv.functions[0].environment] == [None, None]


_FN = (
    "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
    "      Runtime: python3.12\n      Handler: a.b\n      Role: arn:aws:iam::1:role/r\n"
    "      Code: {S3Bucket: b, S3Key: k}\n"
)


def test_triggers_through_an_alias_reach_the_function(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "Resources:\n" + _FN + "  Live:\n    Type: AWS::Lambda::Alias\n"
        "    Properties: {FunctionName: !Ref Fn, FunctionVersion: '1', Name: live}\n"
        "  Q:\n    Type: AWS::SQS::Queue\n"
        "  Map:\n    Type: AWS::Lambda::EventSourceMapping\n"
        "    Properties: {EventSourceArn: !GetAtt Q.Arn, FunctionName: !Ref Live}\n"
        "  Perm:\n    Type: AWS::Lambda::Permission\n"
        "    Properties:\n      FunctionName: !Ref Live\n"
        "      Action: lambda:InvokeFunction\n      Principal: '*'\n",
    )
    assert [(t.address, t.function, t.source) for t in inv.triggers] == [("Map", "Fn", "Q")]
    assert [(p.address, p.function) for p in inv.permissions] == [("Perm", "Fn")]
    assert not [g for g in inv.gaps if g.field == "function"]


def test_macros_fnguard_does_not_run_are_gaps(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "Transform: [AWS::LanguageExtensions, Company::Macro]\nResources:\n"
        + _FN
        + "  Fn::ForEach::Queues:\n    - Name\n    - [A, B]\n"
        "    - Queue${Name}:\n        Type: AWS::SQS::Queue\n",
    )
    assert [(g.location.line, g.resource, g.reason) for g in inv.gaps] == [
        (1, "", "transform Company::Macro is not applied; resources it adds are not analysed"),
        (3, "Fn", "execution role arn:aws:iam::1:role/r is not declared in the template"),
    ]
    assert len(inv.functions) == 1
    # AWS::LanguageExtensions is applied: its loop's queues are there, on the loop's line
    assert [(q.address, q.location.line) for q in inv.queues] == [("QueueA", 10), ("QueueB", 10)]
