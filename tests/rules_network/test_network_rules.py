"""NET001-NET004 on hand-built inventories: fires, near misses, and unknown where data is hidden."""

from __future__ import annotations

from rules_network.rulekit import FakeChecker, ctx, failures, fn, loc, role, rule, run, unknowns

from fnguard.model import (
    CollectionGap,
    EgressRule,
    EnvVar,
    Inventory,
    SecurityGroup,
    Subnet,
    VpcConfig,
    VpcEndpoint,
)
from fnguard.rules.network import RULES

NET001 = rule(RULES, "NET001")
NET002 = rule(RULES, "NET002")
NET003 = rule(RULES, "NET003")
NET004 = rule(RULES, "NET004")

VPC = VpcConfig(subnet_ids=("subnet-a", "subnet-b"), security_group_ids=("sg-fn",))
SUBNET_A = Subnet("aws_subnet.a", loc(10), "subnet-a", "vpc-1", "eu-west-1a")
SUBNET_B = Subnet("aws_subnet.b", loc(20), "subnet-b", "vpc-1", "eu-west-1b")
CLOSED_SG = SecurityGroup(
    "aws_security_group.fn",
    loc(30),
    "sg-fn",
    "vpc-1",
    egress=(EgressRule("tcp", 5432, 5432, cidr_blocks=("10.0.0.0/16",)),),
)


# --------------------------------------------------------------------------- NET001


def test_net001_fires_on_rds_endpoint_without_vpc_and_hides_the_password() -> None:
    value = "postgres://app:S3cretPassw0rd@orders.c9akciq32.eu-west-1.rds.amazonaws.com:5432/db"
    inv = Inventory(functions=(fn(environment=(EnvVar("DATABASE_URL", value),)),))
    [finding] = run(NET001, inv)
    assert finding.impact == 7
    assert "orders.c9akciq32.eu-west-1.rds.amazonaws.com" in finding.message
    assert all("S3cretPassw0rd" not in e.value for e in finding.evidence)
    assert "S3cretPassw0rd" not in finding.message


def test_net001_fires_on_terraform_reference_and_private_ip() -> None:
    env = (
        EnvVar(
            "CACHE",
            None,
            True,
            source_expr="aws_elasticache_cluster.sessions.cache_nodes[0].address",
        ),
        EnvVar("LEGACY", "10.20.1.7:8080"),
    )
    [finding] = run(NET001, Inventory(functions=(fn(environment=env),)))
    assert [e.label for e in finding.evidence] == ["CACHE", "LEGACY"]
    assert "aws_elasticache_cluster" in finding.evidence[0].value


def test_net001_quiet_without_private_signs_or_with_vpc() -> None:
    public = fn(
        "aws_lambda_function.public",
        environment=(EnvVar("API", "https://api.example.com"), EnvVar("IP", "8.8.8.8")),
    )
    attached = fn(
        "aws_lambda_function.attached", vpc=VPC, environment=(EnvVar("DB", "db.corp.internal"),)
    )
    bare = fn("aws_lambda_function.bare")
    assert (
        run(NET001, Inventory(functions=(public, attached, bare), subnets=(SUBNET_A, SUBNET_B)))
        == []
    )


def test_net001_unknown_when_vpc_config_unreadable() -> None:
    f = fn(environment=(EnvVar("DB", "db.corp.internal"),))
    gap = CollectionGap(loc(), "computed vpc_config", resource=f.address, field="vpc")
    [finding] = run(NET001, Inventory(functions=(f,), gaps=(gap,)))
    assert unknowns([finding]) == [finding]


# --------------------------------------------------------------------------- NET002


def test_net002_fires_on_single_az() -> None:
    one_az = VpcConfig(subnet_ids=("subnet-a", "subnet-a2"), security_group_ids=("sg-fn",))
    a2 = Subnet("aws_subnet.a2", loc(11), "subnet-a2", "vpc-1", "eu-west-1a")
    [finding] = run(NET002, Inventory(functions=(fn(vpc=one_az),), subnets=(SUBNET_A, a2)))
    assert finding.impact == 6 and "eu-west-1a" in finding.message


def test_net002_quiet_on_two_azs_and_respects_threshold() -> None:
    from fnguard.config import Thresholds

    inv = Inventory(functions=(fn(vpc=VPC),), subnets=(SUBNET_A, SUBNET_B))
    assert run(NET002, inv) == []
    assert len(failures(run(NET002, inv, ctx(thresholds=Thresholds(min_azs=3))))) == 1


def test_net002_unknown_when_subnet_az_unknown() -> None:
    unresolved = Subnet("aws_subnet.b", loc(20), "subnet-b", "vpc-1", None)
    [finding] = run(NET002, Inventory(functions=(fn(vpc=VPC),), subnets=(SUBNET_A, unresolved)))
    assert unknowns([finding]) == [finding]
    missing = run(NET002, Inventory(functions=(fn(vpc=VPC),), subnets=(SUBNET_A,)))
    assert len(unknowns(missing)) == 1


# --------------------------------------------------------------------------- NET003


def _vpc_fn_with_role(env: tuple[EnvVar, ...] = (), **kwargs: object) -> tuple[object, object]:
    r = role()
    return fn(vpc=VPC, role=r.address, environment=env, **kwargs), r


def test_net003_fires_when_role_reads_secrets_and_no_endpoint() -> None:
    f, r = _vpc_fn_with_role()
    checker = FakeChecker(grants=(("secretsmanager:GetSecretValue", "*"),))
    findings = run(
        NET003, Inventory(functions=(f,), roles=(r,), subnets=(SUBNET_A, SUBNET_B)), ctx(checker)
    )
    [finding] = failures(findings)
    assert "Secrets Manager" in finding.message and "vpc-1" in finding.message


def test_net003_quiet_with_endpoint_in_the_same_vpc_but_not_another() -> None:
    f, r = _vpc_fn_with_role()
    checker = FakeChecker(grants=(("secretsmanager:GetSecretValue", "*"),))
    here = VpcEndpoint(
        "aws_vpc_endpoint.sm", loc(40), "com.amazonaws.eu-west-1.secretsmanager", "vpc-1"
    )
    elsewhere = VpcEndpoint(
        "aws_vpc_endpoint.sm2", loc(41), "com.amazonaws.eu-west-1.secretsmanager", "vpc-9"
    )
    base = Inventory(functions=(f,), roles=(r,), subnets=(SUBNET_A, SUBNET_B))
    assert run(NET003, base.merge(Inventory(vpc_endpoints=(here,))), ctx(checker)) == []
    assert (
        len(failures(run(NET003, base.merge(Inventory(vpc_endpoints=(elsewhere,))), ctx(checker))))
        == 1
    )


def test_net003_env_reference_counts_but_deploy_time_values_do_not() -> None:
    runtime_fetch = (EnvVar("TABLE", None, True, source_expr="aws_dynamodb_table.orders.name"),)
    deploy_time = (
        EnvVar("PASSWORD", None, True, source_expr="data.aws_ssm_parameter.db.value"),
        EnvVar("TOKEN", "{{resolve:secretsmanager:tok}}", True),
    )
    inv = Inventory(
        functions=(fn(vpc=VPC, environment=runtime_fetch),), subnets=(SUBNET_A, SUBNET_B)
    )
    [finding] = run(NET003, inv)
    assert "DynamoDB" in finding.message
    quiet = Inventory(
        functions=(fn(vpc=VPC, environment=deploy_time),), subnets=(SUBNET_A, SUBNET_B)
    )
    assert run(NET003, quiet) == []


def test_net003_env_kms_key_alone_is_not_evidence() -> None:
    key = "arn:aws:kms:eu-west-1:111122223333:key/abcd"
    r = role()
    f = fn(vpc=VPC, role=r.address, kms_key_arn=key)
    checker = FakeChecker(grants=(("kms:Decrypt", key),))
    inv = Inventory(functions=(f,), roles=(r,), subnets=(SUBNET_A, SUBNET_B))
    assert run(NET003, inv, ctx(checker)) == []


def test_net003_functions_sharing_a_role_each_skip_their_own_key() -> None:
    key = "arn:aws:kms:eu-west-1:111122223333:key/abcd"
    r = role(statements=[{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}])
    with_key = fn("aws_lambda_function.a", vpc=VPC, role=r.address, kms_key_arn=key)
    without = fn("aws_lambda_function.b", vpc=VPC, role=r.address)
    again = fn("aws_lambda_function.c", vpc=VPC, role=r.address)
    checker = FakeChecker(grants=(("kms:Decrypt", key),))
    inv = Inventory(functions=(with_key, without, again), roles=(r,), subnets=(SUBNET_A, SUBNET_B))
    found = failures(run(NET003, inv, ctx(checker)))
    assert [f.function for f in found] == ["aws_lambda_function.b", "aws_lambda_function.c"]
    assert all(f"allows kms:Decrypt on {key}" in str(f.evidence) for f in found)
    # the role's grant is asked for once and shared: a third function asks nothing more
    alone = FakeChecker(grants=(("kms:Decrypt", key),))
    two = Inventory(functions=(with_key, without), roles=(r,), subnets=(SUBNET_A, SUBNET_B))
    assert len(failures(run(NET003, two, ctx(alone)))) == 1
    assert checker.asked == alone.asked


def test_net003_gateway_endpoint_anywhere_counts_when_vpc_unknown() -> None:
    f = fn(
        vpc=VpcConfig(subnet_ids=("subnet-x",)),
        environment=(EnvVar("B", "arn:aws:s3:::data-bucket"),),
    )
    s3 = VpcEndpoint("aws_vpc_endpoint.s3", loc(), "com.amazonaws.eu-west-1.s3", "vpc-7", "Gateway")
    assert run(NET003, Inventory(functions=(f,), vpc_endpoints=(s3,))) == []
    assert len(failures(run(NET003, Inventory(functions=(f,))))) == 1


def test_net003_unknown_when_an_endpoint_service_is_unknown() -> None:
    f = fn(vpc=VPC, environment=(EnvVar("B", "arn:aws:s3:::data-bucket"),))
    mystery = VpcEndpoint("aws_vpc_endpoint.x", loc(), None, "vpc-1")
    inv = Inventory(functions=(f,), subnets=(SUBNET_A, SUBNET_B), vpc_endpoints=(mystery,))
    assert len(unknowns(run(NET003, inv))) == 1


# --------------------------------------------------------------------------- NET004


def test_net004_fires_on_default_all_egress() -> None:
    open_sg = SecurityGroup(
        "aws_security_group.fn",
        loc(30),
        "sg-fn",
        "vpc-1",
        egress=(EgressRule("-1", 0, 0, cidr_blocks=("0.0.0.0/0",)),),
    )
    [finding] = run(NET004, Inventory(functions=(fn(vpc=VPC),), security_groups=(open_sg,)))
    assert finding.resource == "aws_security_group.fn" and finding.location == loc(30)
    assert finding.function == "aws_lambda_function.api"


def test_net004_fires_on_all_ports_ipv6() -> None:
    sg = SecurityGroup(
        "aws_security_group.fn",
        loc(30),
        "sg-fn",
        egress=(EgressRule("tcp", 0, 65535, ipv6_cidr_blocks=("::/0",)),),
    )
    assert len(run(NET004, Inventory(functions=(fn(vpc=VPC),), security_groups=(sg,)))) == 1


def test_net004_quiet_on_narrow_egress_and_on_https_anywhere() -> None:
    https = SecurityGroup(
        "aws_security_group.fn",
        loc(30),
        "sg-fn",
        egress=(EgressRule("tcp", 443, 443, cidr_blocks=("0.0.0.0/0",)),),
    )
    assert run(NET004, Inventory(functions=(fn(vpc=VPC),), security_groups=(CLOSED_SG,))) == []
    assert run(NET004, Inventory(functions=(fn(vpc=VPC),), security_groups=(https,))) == []
    assert run(NET004, Inventory(functions=(fn(),), security_groups=(CLOSED_SG,))) == []


def test_net004_unknown_when_group_missing_or_rules_unreadable() -> None:
    assert len(unknowns(run(NET004, Inventory(functions=(fn(vpc=VPC),))))) == 1
    unread = SecurityGroup("aws_security_group.fn", loc(30), "sg-fn", egress_known=False)
    assert (
        len(unknowns(run(NET004, Inventory(functions=(fn(vpc=VPC),), security_groups=(unread,)))))
        == 1
    )
