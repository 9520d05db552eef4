"""The inventory a live account becomes: exact objects for one function, and every kind of
trigger and front door the collector reads, from a seeded moto server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from aws_seed import code_zip

from fnguard.collect.aws import Access, AwsOptions, collect_aws
from fnguard.collect.aws._api import Api
from fnguard.collect.aws._lambda import _permissions
from fnguard.model import (
    Architecture,
    Bucket,
    EnvVar,
    FrontDoorKind,
    Function,
    Inventory,
    InvocationType,
    KmsKey,
    Location,
    LoggingConfig,
    PackageRef,
    PackageType,
    Permission,
    PolicyKind,
    Provider,
    Queue,
    Trigger,
    TriggerKind,
)

if TYPE_CHECKING:
    from aws_seed import Seeded

REGION = "us-east-1"
HERE = "aws://123456789012/us-east-1"


def _client(seeded: Seeded, service: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=seeded.endpoint)


@pytest.fixture(scope="module")
def inventory(aws_account: Seeded) -> Inventory:
    """The seeded account plus an API of each kind, a topic, a schedule and a VPC function."""
    lam = _client(aws_account, "lambda")
    fn = aws_account.functions["hardened"]
    uri = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{fn}/invocations"
    rest = _client(aws_account, "apigateway")
    api_id = rest.create_rest_api(name="rest")["id"]
    root = rest.get_resources(restApiId=api_id)["items"][0]["id"]
    rest.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    rest.put_integration(
        restApiId=api_id,
        resourceId=root,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=uri,
    )
    deployment = rest.create_deployment(restApiId=api_id)["id"]
    rest.create_stage(restApiId=api_id, stageName="prod", deploymentId=deployment)
    http = _client(aws_account, "apigatewayv2")
    http_id = http.create_api(Name="http", ProtocolType="HTTP")["ApiId"]
    integ = http.create_integration(
        ApiId=http_id, IntegrationType="AWS_PROXY", IntegrationUri=fn, PayloadFormatVersion="2.0"
    )["IntegrationId"]
    http.create_route(
        ApiId=http_id,
        RouteKey="GET /",
        Target=f"integrations/{integ}",
        AuthorizationType="AWS_IAM",
    )
    sns = _client(aws_account, "sns")
    topic = sns.create_topic(Name="events")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn)
    events = _client(aws_account, "events")
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule="nightly", Targets=[{"Id": "fn", "Arn": fn}])
    ec2 = _client(aws_account, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")
    group = ec2.create_security_group(GroupName="fn", Description="fn", VpcId=vpc)["GroupId"]
    lam.create_function(
        FunctionName="in-vpc",
        Runtime="python3.12",
        Role=aws_account.roles["quiet-role"],
        Handler="app.handler",
        Code={"ZipFile": code_zip()},
        VpcConfig={"SubnetIds": [subnet["Subnet"]["SubnetId"]], "SecurityGroupIds": [group]},
    )
    options = AwsOptions(access=Access(endpoint_url=aws_account.endpoint), regions=(REGION,))
    return collect_aws(options)


def test_hardened_function_exactly(aws_account: Seeded, inventory: Inventory) -> None:
    arn = aws_account.functions["hardened"]
    sha = _client(aws_account, "lambda").get_function_configuration(FunctionName=arn)["CodeSha256"]
    where = Location(f"{HERE}/lambda/hardened", 0)
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
    assert inventory.get(arn) == Function(
        address=arn,
        provider=Provider.AWS,
        location=where,
        name="hardened",
        runtime="python3.12",
        package_type=PackageType.ZIP,
        architectures=(Architecture.X86_64,),
        memory_mb=256,
        timeout_s=10,
        handler="app.handler",
        environment=(
            EnvVar("DB_PASSWORD_ARN", secret, is_reference=True, location=where),
            EnvVar("STAGE", "prod", is_reference=False, location=where),
        ),
        kms_key_arn=aws_account.key_arn,
        role=aws_account.roles["quiet-role"],
        vpc=None,
        tracing_mode="Active",
        reserved_concurrency=5,
        code_signing_config=None,
        recursive_loop=None,  # moto does not serve GetFunctionRecursionConfig: a gap
        logging=LoggingConfig(log_format="Text", log_group="/aws/lambda/hardened"),
        package=PackageRef(recorded_hash=sha, hash_declared=True),
    )
    assert [g.field for g in inventory.gaps_for(arn)] == ["recursive_loop"]


def test_neighbours_of_the_hardened_function(aws_account: Seeded, inventory: Inventory) -> None:
    key = inventory.lookup(KmsKey, aws_account.key_arn)
    assert key == KmsKey(
        address=aws_account.key_arn,
        location=Location(f"{HERE}/kms/{aws_account.key_arn.rsplit('/', 1)[-1]}"),
        arn=aws_account.key_arn,
        rotation_enabled=True,
        customer_managed=True,
    )
    (group,) = inventory.log_groups
    assert (group.name, group.retention_days, group.kms_key_id) == (
        "/aws/lambda/hardened",
        30,
        aws_account.key_arn,
    )
    role = inventory.role_of(_fn(inventory, aws_account.functions["hardened"]))
    assert role is not None
    assert role.name == "quiet-role"
    assert role.address == role.arn == aws_account.roles["quiet-role"]
    assert [(p.name, p.kind) for p in role.policies] == [("quiet-role-inline", PolicyKind.INLINE)]
    assert role.trust_policy is not None
    assert role.trust_policy.statements[0]["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_admin_role_carries_the_managed_policy_text(inventory: Inventory) -> None:
    role = next(r for r in inventory.roles if r.name == "admin-role")
    managed = next(p for p in role.policies if p.kind is PolicyKind.AWS_MANAGED)
    assert managed.arn == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert managed.statements == ({"Effect": "Allow", "Action": "*", "Resource": "*"},)


def test_queue_and_bucket_triggers(aws_account: Seeded, inventory: Inventory) -> None:
    worker = aws_account.functions["queue-worker"]
    (esm,) = [t for t in inventory.triggers if t.function == worker]
    assert (esm.kind, esm.invocation, esm.source, esm.batch_size, esm.enabled) == (
        TriggerKind.SQS,
        InvocationType.POLL,
        aws_account.queue_arn,
        5,
        True,
    )
    assert inventory.lookup(Queue, aws_account.queue_arn) == Queue(
        address=aws_account.queue_arn,
        location=Location(f"{HERE}/sqs/jobs"),
        name="jobs",
        arn=aws_account.queue_arn,
        visibility_timeout_s=30,
    )
    thumbnailer = aws_account.functions["thumbnailer"]
    assert [t for t in inventory.triggers if t.function == thumbnailer] == [
        Trigger(
            address="arn:aws:s3:::uploads#notification/on-upload",
            kind=TriggerKind.S3,
            function=thumbnailer,
            invocation=InvocationType.ASYNC,
            location=Location("aws://123456789012/global/s3/uploads"),
            source="arn:aws:s3:::uploads",
            filters=(("event", "s3:ObjectCreated:*"),),
        )
    ]
    assert inventory.buckets == (
        Bucket(
            address="arn:aws:s3:::uploads",
            location=Location("aws://123456789012/global/s3/uploads"),
            name="uploads",
            arn="arn:aws:s3:::uploads",
        ),
    )


def test_front_doors_and_async_sources(aws_account: Seeded, inventory: Inventory) -> None:
    fn = aws_account.functions["hardened"]
    kinds = sorted(
        (t.kind.value, t.invocation.value) for t in inventory.triggers_of(_fn(inventory, fn))
    )
    assert kinds == [
        ("api-http", "sync"),
        ("api-rest", "sync"),
        ("function-url", "sync"),
        ("schedule", "async"),
        ("sns", "async"),
    ]
    doors = {d.kind: d for d in inventory.front_doors if fn in d.functions}
    rest = doors[FrontDoorKind.API_REST]
    assert (rest.authorization, rest.integration_timeout_ms, rest.stages, rest.waf_acl) == (
        "NONE",
        29000,
        ("prod",),
        None,
    )
    http = doors[FrontDoorKind.API_HTTP]
    assert (http.authorization, http.integration_timeout_ms) == ("AWS_IAM", 30000)
    assert doors[FrontDoorKind.FUNCTION_URL].authorization == "AWS_IAM"


def test_vpc_function_and_its_network(inventory: Inventory) -> None:
    fn = next(f for f in inventory.functions if f.name == "in-vpc")
    assert fn.vpc is not None
    (subnet,) = inventory.subnets
    assert (subnet.subnet_id, subnet.availability_zone) == (fn.vpc.subnet_ids[0], "us-east-1a")
    (group,) = inventory.security_groups
    assert group.group_id == fn.vpc.security_group_ids[0]
    assert [(e.protocol, e.cidr_blocks) for e in group.egress] == [("-1", ("0.0.0.0/0",))]


def _fn(inventory: Inventory, arn: str) -> Function:
    found = inventory.get(arn)
    assert isinstance(found, Function)
    return found


def test_inline_policy_text_is_the_document_written(inventory: Inventory) -> None:
    role = next(r for r in inventory.roles if r.name == "uploader-role")
    (inline,) = role.policies
    assert inline.statements[1] == {
        "Effect": "Allow",
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::uploads/*",
    }


def test_resource_policy_statements_become_permissions(
    aws_account: Seeded, inventory: Inventory
) -> None:
    fn = aws_account.functions["thumbnailer"]
    assert inventory.permissions_of(_fn(inventory, fn)) == (
        Permission(
            address=f"{fn}#policy/s3",
            function=fn,
            location=Location(f"{HERE}/lambda/thumbnailer"),
            action="lambda:InvokeFunction",
            principal="s3.amazonaws.com",
            source_arn="arn:aws:s3:::uploads",
            source_account="123456789012",
        ),
    )
    (anyone,) = inventory.permissions_of(_fn(inventory, aws_account.functions["public-api"]))
    assert (anyone.principal, anyone.source_arn) == ("*", None)


def _offline_api() -> tuple[Api, Location]:
    """An Api that must not call AWS: the tests feed _permissions a GetPolicy answer."""

    def no_clients(service: str) -> Any:
        raise AssertionError(f"no call expected, got {service}")

    return Api(no_clients), Location("aws://1/r/lambda/f")


def test_statements_with_lists_and_unmodelled_conditions() -> None:
    api, where = _offline_api()
    policy = {
        "Statement": [
            {
                "Sid": "two",
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111:root", "arn:aws:iam::222:root"]},
                "Action": "lambda:InvokeFunction",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            },
            {"Sid": "deny", "Effect": "Deny", "Principal": "*", "Action": "lambda:*"},
        ]
    }
    perms = _permissions(api, "fn", where, {"Policy": json.dumps(policy)})
    assert [(p.address, p.principal) for p in perms] == [
        ("fn#policy/two/lambda:InvokeFunction/arn:aws:iam::111:root", "arn:aws:iam::111:root"),
        ("fn#policy/two/lambda:InvokeFunction/arn:aws:iam::222:root", "arn:aws:iam::222:root"),
    ]
    (gap,) = api.gaps
    assert (gap.resource, gap.field, gap.reason) == (
        "fn",
        "permissions",
        "statement two: conditions fnguard does not model (IpAddress aws:SourceIp)",
    )


def test_url_only_statement_is_modelled_not_a_gap() -> None:
    """Bool lambda:InvokedViaFunctionUrl = true: the second statement of a public URL."""
    api, where = _offline_api()
    policy = {
        "Statement": [
            {
                "Sid": "FunctionURLInvokeAllowPublicAccess",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "lambda:InvokeFunction",
                "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}},
            },
            {
                "Sid": "odd",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "lambda:InvokeFunction",
                "Condition": {"StringEquals": {"lambda:InvokedViaFunctionUrl": "true"}},
            },
        ]
    }
    perms = _permissions(api, "fn", where, {"Policy": json.dumps(policy)})
    assert [(p.address, p.invoked_via_function_url) for p in perms] == [
        ("fn#policy/FunctionURLInvokeAllowPublicAccess", True),
        ("fn#policy/odd", False),
    ]
    (gap,) = api.gaps  # only the statement whose operator is not Bool
    assert gap.reason == (
        "statement odd: conditions fnguard does not model "
        "(StringEquals lambda:InvokedViaFunctionUrl)"
    )
