"""Secret rules on hand-built inventories. SEC001's point is precision: the near-miss table."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.masking import mask
from fnguard.model import (
    CollectionGap,
    EnvVar,
    Finding,
    FindingStatus,
    Function,
    Inventory,
    KmsKey,
    Location,
    Provider,
)
from fnguard.rules import RuleContext, get_rule

FN = "aws_lambda_function.api"
CTX = RuleContext(thresholds=Thresholds(), permissions=default_checker())


def fn(*env: EnvVar, **extra: Any) -> Function:
    return Function(
        address=FN,
        provider=extra.pop("provider", Provider.AWS),
        location=Location("main.tf", 3),
        environment=env,
        **extra,
    )


def var(name: str, value: str | None, **extra: Any) -> EnvVar:
    return EnvVar(name=name, value=value, location=Location("main.tf", 12), **extra)


def run(rule_id: str, inv: Inventory) -> list[Finding]:
    return list(get_rule(rule_id).check(inv, CTX))


def sec001(name: str, value: str | None, **extra: Any) -> list[Finding]:
    return run("SEC001", Inventory(functions=(fn(var(name, value, **extra)),)))


# Each of these is written in real configurations and is not a secret.
NEAR_MISSES = [
    ("TABLE_ARN", "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"),
    ("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf"),
    ("KMS_KEY", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("BUCKET", "acme-prod-invoices-eu-west-1"),
    ("BUCKET_NAME", "my.bucket.with.dots"),
    ("ARTIFACT_SHA256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    ("GIT_COMMIT", "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"),
    ("SOURCE_CODE_HASH", "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="),
    ("REQUEST_ID", "123e4567-e89b-12d3-a456-426614174000"),
    ("API_URL", "https://api.example.com/v1/orders?limit=10"),
    ("DB_PASSWORD_PARAM", "/app/prod/db/password"),
    ("DB_PASSWORD", "/app/prod/db/password"),  # an SSM path, even under a secret name
    ("DB_PASSWORD", "{{resolve:ssm:/app/prod/db/password:1}}"),
    ("API_TOKEN", "${TOKEN_FROM_PIPELINE}"),
    ("FEATURE_NEW_CHECKOUT", "true"),
    ("AWS_REGION_NAME", "eu-west-1"),
    ("LOG_LEVEL", "DEBUG"),
    ("POWERTOOLS_SERVICE_NAME", "payment-service"),
    ("SECRET_NAME", "prod/db/credentials"),
    ("DB_SECRET", "prod/db/credentials"),  # a secret's *name* under a secret-ish variable
    ("TOKEN_TTL_SECONDS", "3600"),
    ("PASSWORD_MIN_LENGTH", "12"),
    ("API_KEY_HEADER", "x-api-key"),
    ("ACCESS_KEY_ID_PARAM", "/ci/aws/access-key-id"),
    ("DATABASE_URL", "postgres://db.internal:5432/app"),
    ("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db.internal:5432/app"),
    ("ADMIN_PASSWORD", "<password>"),
    ("SMTP_PASSWORD", ""),
    ("CLIENT_SECRET", "changeit".replace("changeit", "none")),
    ("QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/111122223333/orders"),
    ("GCP_SECRET", "projects/acme/secrets/db-password/versions/latest"),
]


@pytest.mark.parametrize(("name", "value"), NEAR_MISSES)
def test_sec001_near_misses(name: str, value: str) -> None:
    assert sec001(name, value) == []


def test_sec001_references_are_never_secrets() -> None:
    assert sec001("DB_PASSWORD", "hunter2hunter2", is_reference=True) == []
    assert sec001("API_KEY", None, source_expr="aws_ssm_parameter.key.arn") == []


JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4g"
    "RG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw"
    "\n-----END RSA PRIVATE KEY-----"
)
REAL_SECRETS = [
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLF", "AWS Access Key"),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "secret-named"),
    ("SIGNING_KEY", PRIVATE_KEY, "Private Key"),
    ("SESSION_SEED", JWT, "JSON Web Token"),
    ("DATABASE_URL", "postgres://app:Zt9-qW2_kP@db.internal:5432/app", "Basic Auth"),
    ("SLACK_HOOK", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "Slack Token"),
    ("GITHUB", "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8", "GitHub Token"),
    ("STRIPE", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "Stripe"),
    ("DB_PASSWORD", "hunter2!", "secret-named"),
    ("ApiKey", "3f2c1d0e-9b8a-4c7d-8e6f-5a4b3c2d1e0f", "secret-named"),  # a UUID *as* a key
    (
        "JWT_SIGNING_KEY",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "secret-named",
    ),
]


@pytest.mark.parametrize(("name", "value", "kind"), REAL_SECRETS)
def test_sec001_real_secrets_fire_masked(name: str, value: str, kind: str) -> None:
    [finding] = sec001(name, value)
    assert finding.status is FindingStatus.FAIL and finding.impact == 9
    assert kind in finding.message and name in finding.message
    assert finding.location == Location("main.tf", 12)
    shown = {e.label: e.value for e in finding.evidence}
    assert shown["value"] == mask(value)
    rendered = repr(finding)
    assert value not in rendered
    assert value[4:12] not in rendered  # not even a middle part of the secret


@pytest.mark.parametrize(
    "expr",
    [
        "aws_secretsmanager_secret_version.db.secret_string",
        "data.aws_secretsmanager_secret_version.db.secret_string",
        'jsondecode(data.aws_secretsmanager_secret_version.db["eu"].secret_string)["password"]',
        "data.aws_ssm_parameter.api_key.value",
        "google_secret_manager_secret_version.key.secret_data",
        "data.google_secret_manager_secret_version_access.key.secret_data",
    ],
)
def test_sec001_secret_store_copied_into_environment(expr: str) -> None:
    [finding] = sec001("DB_PASSWORD", None, is_reference=True, source_expr=expr)
    assert finding.impact == 7 and "plaintext" in finding.message
    assert any(e.label == "source" for e in finding.evidence)


def test_sec001_cloudformation_secret_resolve_is_copied_too() -> None:
    value = "{{resolve:secretsmanager:prod/db:SecretString:password}}"
    [finding] = sec001("DB_PASSWORD", value, is_reference=True)
    assert finding.impact == 7


def test_sec001_unknown_environment() -> None:
    gap = CollectionGap(
        Location("main.tf", 3), "environment from a module output", FN, "environment"
    )
    [finding] = run("SEC001", Inventory(functions=(fn(),), gaps=(gap,)))
    assert finding.status is FindingStatus.UNKNOWN


# ------------------------------------------------------------------ SEC002


def test_sec002_literal_env_without_cmk() -> None:
    [finding] = run("SEC002", Inventory(functions=(fn(var("LOG_LEVEL", "INFO")),)))
    assert finding.impact == 7 and "LOG_LEVEL" in finding.evidence[0].value


def test_sec002_aws_managed_key_still_fires() -> None:
    key = KmsKey(
        "aws_kms_key.aws",
        Location("kms.tf", 1),
        arn="arn:aws:kms:eu-west-1:1:key/x",
        customer_managed=False,
    )
    inv = Inventory(
        functions=(fn(var("MODE", "fast"), kms_key_arn="arn:aws:kms:eu-west-1:1:key/x"),),
        kms_keys=(key,),
    )
    assert len(run("SEC002", inv)) == 1
    alias = Inventory(
        functions=(fn(var("MODE", "fast"), kms_key_arn="arn:aws:kms:eu-west-1:1:alias/aws/lambda"),)
    )
    assert len(run("SEC002", alias)) == 1


def test_sec002_near_misses() -> None:
    cmk = fn(var("LOG_LEVEL", "INFO"), kms_key_arn="aws_kms_key.env")
    no_env = Function(
        address="aws_lambda_function.bare", provider=Provider.AWS, location=Location("main.tf", 30)
    )
    refs_only = Function(
        address="aws_lambda_function.refs",
        provider=Provider.AWS,
        location=Location("main.tf", 40),
        environment=(
            var("TABLE", None, is_reference=True, source_expr="aws_dynamodb_table.t.name"),
        ),
    )
    key = KmsKey("aws_kms_key.env", Location("kms.tf", 1))
    assert run("SEC002", Inventory(functions=(cmk, no_env, refs_only), kms_keys=(key,))) == []


def test_computed_values_of_known_origin_are_not_unknown() -> None:
    gap = CollectionGap(
        Location("main.tf", 3), "EVENTS_ARN is computed at apply time", FN, "environment"
    )
    computed = var("EVENTS_ARN", None, is_reference=True, source_expr="aws_sns_topic.events.arn")
    inv = Inventory(functions=(fn(computed, kms_key_arn="aws_kms_key.k"),), gaps=(gap,))
    assert run("SEC001", inv) == []
    assert run("SEC002", inv) == []
