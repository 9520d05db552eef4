"""A function with every field set, its neighbours, and a function left to the defaults."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from collect.tf_helpers import FIXTURES, collect_dir, collect_fixture

from fnguard.model import (
    Architecture,
    CodeSigningConfig,
    CollectionGap,
    EgressRule,
    EnvVar,
    Function,
    KmsKey,
    Location,
    LoggingConfig,
    LogGroup,
    PackageRef,
    PackageType,
    Provider,
    Queue,
    SecurityGroup,
    Subnet,
    VpcConfig,
    VpcEndpoint,
)

if TYPE_CHECKING:
    from pathlib import Path

INV = collect_fixture("function_full")
ZIP_HASH = base64.b64encode(
    hashlib.sha256((FIXTURES / "function_full" / "app.zip").read_bytes()).digest()
).decode()


def loc(line: int) -> Location:
    return Location("main.tf", line)


def test_function_with_every_field() -> None:
    expected = Function(
        address="aws_lambda_function.api",
        provider=Provider.AWS,
        location=loc(88),
        name="api",
        runtime="python3.12",
        package_type=PackageType.ZIP,
        architectures=(Architecture.ARM64,),
        memory_mb=512,
        timeout_s=25,
        handler="app.handler",
        environment=(
            EnvVar("STAGE", "prod", False, loc(106), None),
            EnvVar("QUEUE_URL", None, True, loc(107), "aws_sqs_queue.dlq.url"),
            EnvVar("DB_PASSWORD", None, True, loc(108), "data.aws_ssm_parameter.db.value"),
            EnvVar(
                "SECRET_ARN",
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
                True,
                loc(109),
                None,
            ),
            EnvVar("RETRIES", "3", False, loc(110), None),
        ),
        kms_key_arn="aws_kms_key.env",
        role="aws_iam_role.fn",
        vpc=VpcConfig(("aws_subnet.a", "aws_subnet.b"), ("aws_security_group.fn",)),
        tracing_mode="Active",
        dead_letter_target="aws_sqs_queue.dlq",
        on_failure_destination="aws_sqs_queue.failures",
        reserved_concurrency=5,
        layers=("arn:aws:lambda:eu-west-1:999999999999:layer:shared:3",),
        code_signing_config="aws_lambda_code_signing_config.strict",
        recursive_loop="Terminate",
        logging=LoggingConfig(log_format="JSON", log_group="/custom/api"),
        package=PackageRef(
            path="app.zip", recorded_hash=ZIP_HASH, hash_declared=True, source_dir="src"
        ),
        tags={"team": "payments"},
    )
    assert INV.functions[0] == expected


def test_function_defaults_and_external_role() -> None:
    expected = Function(
        address="aws_lambda_function.defaults",
        provider=Provider.AWS,
        location=loc(146),
        name="defaults",
        package_type=PackageType.IMAGE,
        role="arn:aws:iam::111122223333:role/external",
        logging=LoggingConfig(log_format="Text", log_group="/aws/lambda/defaults"),
        package=PackageRef(image_uri="111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1"),
    )
    assert INV.functions[1] == expected
    assert len(INV.functions) == 2


def test_gaps_only_for_what_rules_cannot_know() -> None:
    # References to other resources' attributes are flagged on the EnvVar, not reported as gaps.
    assert INV.gaps == (
        CollectionGap(
            loc(146),
            "execution role arn:aws:iam::111122223333:role/external "
            "is not declared in the scanned configuration",
            "aws_lambda_function.defaults",
            "role",
        ),
    )


def test_neighbours() -> None:
    assert INV.security_groups == (
        SecurityGroup(
            "aws_security_group.fn",
            loc(42),
            vpc_id="aws_vpc.main",
            egress=(EgressRule("tcp", 443, 443, ("10.0.0.0/16",)),),
        ),
        # No egress block in Terraform means no egress rule at all (the default is removed).
        SecurityGroup("aws_security_group.closed", loc(54), vpc_id="aws_vpc.main", egress=()),
    )
    assert INV.subnets == (
        Subnet("aws_subnet.a", loc(26), None, "aws_vpc.main", "eu-west-1a", "10.0.1.0/24"),
        Subnet("aws_subnet.b", loc(32), None, "aws_vpc.main", "eu-west-1b", "10.0.2.0/24"),
    )
    assert INV.kms_keys == (KmsKey("aws_kms_key.env", loc(11), rotation_enabled=True),)
    assert INV.queues == (
        Queue("aws_sqs_queue.dlq", loc(16), "api-dlq"),
        Queue("aws_sqs_queue.failures", loc(20), "api-failures.fifo", None, 120, True),
    )
    assert INV.log_groups == (
        LogGroup("aws_cloudwatch_log_group.fn", loc(65), "/custom/api", 30, "aws_kms_key.env"),
    )
    assert INV.code_signing_configs == (
        CodeSigningConfig("aws_lambda_code_signing_config.strict", loc(71), None, "Enforce"),
    )
    assert INV.vpc_endpoints == (
        VpcEndpoint(
            "aws_vpc_endpoint.kms",
            loc(59),
            "com.amazonaws.eu-west-1.kms",
            "aws_vpc.main",
            "Interface",
        ),
    )
    assert INV.sources == ("main.tf",)


def test_secret_store_arns_are_references_names_stay_literals(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        """resource "aws_lambda_function" "f" {
  function_name = "f"
  environment {
    variables = {
      PARAM_ARN      = "arn:aws:ssm:eu-west-1:111122223333:parameter/prod/db"
      DYNAMIC        = "{{resolve:secretsmanager:prod/db:SecretString:password}}"
      DB_SECRET_ID   = "orders/prod/db"
      PASSWORD_PARAM = "/prod/db/password"
    }
  }
}
"""
    )
    env = {e.name: e.is_reference for e in collect_dir(tmp_path).functions[0].environment}
    # names are literal values kept in the environment (SEC002 counts them); rules that look
    # for secrets judge names themselves
    assert env == {
        "PARAM_ARN": True,
        "DYNAMIC": True,
        "DB_SECRET_ID": False,
        "PASSWORD_PARAM": False,
    }
