"""IAM rules on hand-built inventories: each fires where it must and stays quiet on near misses."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import (
    CollectionGap,
    Finding,
    FindingStatus,
    Function,
    Inventory,
    Location,
    Policy,
    PolicyKind,
    Provider,
    Role,
)
from fnguard.rules import RuleContext, get_rule

LAMBDA_TRUST = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
}
LOGS = {
    "Effect": "Allow",
    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders:*",
}


def ctx(**thresholds: Any) -> RuleContext:
    return RuleContext(thresholds=Thresholds(**thresholds), permissions=default_checker())


def inline(*statements: dict[str, Any], name: str = "inline") -> Policy:
    return Policy(
        name=name,
        kind=PolicyKind.INLINE,
        document={"Version": "2012-10-17", "Statement": list(statements)},
        location=Location("iam.tf", 20),
    )


def managed(name: str, document: dict[str, Any] | None = None) -> Policy:
    arn = f"arn:aws:iam::aws:policy/{name}"
    return Policy(name=name, kind=PolicyKind.AWS_MANAGED, document=document, arn=arn)


def role(
    *policies: Policy,
    trust: dict[str, Any] | None = LAMBDA_TRUST,
    address: str = "aws_iam_role.exec",
    **extra: Any,
) -> Role:
    trust_policy = Policy("trust", PolicyKind.TRUST, trust, location=Location("iam.tf", 2))
    return Role(
        address=address,
        provider=extra.pop("provider", Provider.AWS),
        location=Location("iam.tf", 1),
        arn=f"arn:aws:iam::111122223333:role/{address.rsplit('.', 1)[-1]}",
        trust_policy=trust_policy,
        policies=policies,
        **extra,
    )


def fn(
    address: str = "aws_lambda_function.orders",
    role_address: str | None = "aws_iam_role.exec",
    **extra: Any,
) -> Function:
    return Function(
        address=address,
        provider=extra.pop("provider", Provider.AWS),
        location=Location("main.tf", 5),
        role=role_address,
        **extra,
    )


def run(rule_id: str, inv: Inventory, **thresholds: Any) -> list[Finding]:
    return list(get_rule(rule_id).check(inv, ctx(**thresholds)))


def fails(rule_id: str, inv: Inventory, **thresholds: Any) -> list[Finding]:
    return [f for f in run(rule_id, inv, **thresholds) if f.status is FindingStatus.FAIL]


def single(*policies: Policy, **role_extra: Any) -> Inventory:
    return Inventory(functions=(fn(),), roles=(role(*policies, **role_extra),))


# ------------------------------------------------------------------ unknowns (every role rule)

ROLE_RULES = ("IAM001", "IAM003", "IAM004", "IAM006", "IAM008", "IAM009")


@pytest.mark.parametrize("rule_id", ROLE_RULES)
def test_unknown_role_is_unknown_never_pass(rule_id: str) -> None:
    gap = CollectionGap(
        Location("main.tf", 5),
        "role = var.role_arn has no value",
        "aws_lambda_function.orders",
        "role",
    )
    inv = Inventory(functions=(fn(role_address=None),), gaps=(gap,))
    [finding] = run(rule_id, inv)
    assert finding.status is FindingStatus.UNKNOWN
    assert "has no value" in finding.message


@pytest.mark.parametrize("rule_id", ROLE_RULES)
def test_role_missing_from_sources_is_unknown(rule_id: str) -> None:
    inv = Inventory(functions=(fn(role_address="arn:aws:iam::111122223333:role/elsewhere"),))
    [finding] = run(rule_id, inv)
    assert finding.status is FindingStatus.UNKNOWN


@pytest.mark.parametrize("rule_id", ("IAM001", "IAM004", "IAM008", "IAM009"))
def test_unknown_policy_text_is_unknown(rule_id: str) -> None:
    inv = single(
        inline(
            {
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": "arn:aws:sqs:eu-west-1:111122223333:q",
            }
        ),
        managed("service-role/AWSLambdaBasicExecutionRole"),
    )
    [finding] = run(rule_id, inv)
    assert finding.status is FindingStatus.UNKNOWN
    assert any("AWSLambdaBasicExecutionRole" in e.value for e in finding.evidence)


# ------------------------------------------------------------------ IAM001


def test_iam001_star_star_fires_with_deciding_statement() -> None:
    inv = single(
        inline({"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}, LOGS, name="god")
    )
    [finding] = fails("IAM001", inv)
    assert finding.resource == "aws_iam_role.exec"
    assert finding.function == "aws_lambda_function.orders"
    assert finding.location == Location("iam.tf", 20)
    assert any(e.value == "god#All" for e in finding.evidence)
    assert finding.impact == 10


@pytest.mark.parametrize("name", ["AdministratorAccess", "PowerUserAccess"])
def test_iam001_aws_managed_admin_fires_without_text(name: str) -> None:
    [finding] = fails("IAM001", single(managed(name)))
    assert name in finding.message


def test_iam001_gcp_editor_fires() -> None:
    sa = role(
        address="google_service_account.fn",
        provider=Provider.GCP,
        gcp_roles=("roles/editor", "roles/logging.logWriter"),
        trust=None,
    )
    inv = Inventory(
        functions=(
            fn(
                "google_cloudfunctions2_function.api",
                "google_service_account.fn",
                provider=Provider.GCP,
            ),
        ),
        roles=(sa,),
    )
    [finding] = fails("IAM001", inv)
    assert "roles/editor" in finding.message and finding.provider is Provider.GCP


def test_iam001_near_misses() -> None:
    service_wide = inline({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, LOGS)
    denied = inline(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
    )
    scoped_admin = inline({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::bucket/*"})
    for policy in (service_wide, denied, scoped_admin):
        assert run("IAM001", single(policy)) == []
    viewer = role(
        address="google_service_account.fn",
        provider=Provider.GCP,
        gcp_roles=("roles/viewer",),
        trust=None,
    )
    gcp = Inventory(
        functions=(
            fn(
                "google_cloudfunctions2_function.api",
                "google_service_account.fn",
                provider=Provider.GCP,
            ),
        ),
        roles=(viewer,),
    )
    assert run("IAM001", gcp) == []


# ------------------------------------------------------------------ IAM003


def test_iam003_service_wildcard_and_writes_on_star() -> None:
    inv = single(
        inline(
            {
                "Sid": "Bad",
                "Effect": "Allow",
                "Action": ["dynamodb:*", "iam:PassRole"],
                "Resource": "*",
            },
            LOGS,
        )
    )
    [finding] = fails("IAM003", inv)
    assert "dynamodb:*" in finding.message
    written = next(e.value for e in finding.evidence if e.label == "write actions on *")
    assert written.startswith("dynamodb:DeleteResourcePolicy")  # permissions management first
    assert "dynamodb:GetItem" not in written  # a read, IAM004's business


def test_iam003_named_write_actions_on_star() -> None:
    stmt = {
        "Effect": "Allow",
        "Action": ["iam:PassRole", "kms:Decrypt", "sqs:Send*"],
        "Resource": "*",
    }
    [finding] = fails("IAM003", single(inline(stmt, LOGS)))
    written = next(e.value for e in finding.evidence if e.label == "write actions on *")
    assert written == "iam:PassRole, sqs:SendMessage"  # kms:Decrypt is IAM004
    assert "grants 2 write/permissions actions on every resource" in finding.message


def test_iam003_service_wildcard_on_scoped_resource_still_fires() -> None:
    inv = single(
        inline({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::data/*"}, LOGS)
    )
    [finding] = fails("IAM003", inv)
    assert "s3:*" in finding.message and not any(
        e.label == "write actions on *" for e in finding.evidence
    )


def test_iam003_near_misses() -> None:
    basic = inline(
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces"],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::out/*"},
        {"Effect": "Allow", "Action": ["sqs:ListQueues"], "Resource": "*"},
    )
    assert run("IAM003", single(basic)) == []
    denied = inline(
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
    )
    assert run("IAM003", single(denied)) == []


# ------------------------------------------------------------------ IAM004


def test_iam004_secret_reads_on_star() -> None:
    inv = single(
        inline(
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": ["secretsmanager:Get*", "ssm:GetParameter"],
                "Resource": "*",
            },
            LOGS,
        )
    )
    [finding] = fails("IAM004", inv)
    assert (
        "secretsmanager:GetSecretValue" in finding.message and "ssm:GetParameter" in finding.message
    )
    assert any(e.value == "inline#Read" for e in finding.evidence)


def test_iam004_scoped_reads_do_not_fire() -> None:
    inv = single(
        inline(
            {
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-*",
            },
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
        )
    )
    assert run("IAM004", inv) == []


# ------------------------------------------------------------------ IAM005


def test_iam005_shared_role_one_finding_per_function() -> None:
    inv = Inventory(
        functions=(fn("aws_lambda_function.a"), fn("aws_lambda_function.b")),
        roles=(role(inline(LOGS)),),
    )
    found = fails("IAM005", inv)
    assert sorted(f.function or "" for f in found) == [
        "aws_lambda_function.a",
        "aws_lambda_function.b",
    ]
    assert len({f.key for f in found}) == 2
    assert "aws_lambda_function.b" in found[0].message


def test_iam005_own_roles_do_not_fire() -> None:
    inv = Inventory(
        functions=(
            fn("aws_lambda_function.a", "aws_iam_role.a"),
            fn("aws_lambda_function.b", "aws_iam_role.b"),
        ),
        roles=(
            role(inline(LOGS), address="aws_iam_role.a"),
            role(inline(LOGS), address="aws_iam_role.b"),
        ),
    )
    assert run("IAM005", inv) == []


# ------------------------------------------------------------------ IAM006


def trust_of(*principals: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    stmts = []
    for p in principals:
        stmt: dict[str, Any] = {"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"}
        if condition:
            stmt["Condition"] = condition
        stmts.append(stmt)
    return {"Statement": stmts}


@pytest.mark.parametrize(
    ("principal", "condition", "impact"),
    [
        ({"Service": "ec2.amazonaws.com"}, None, 8),
        ("*", None, 8),
        ({"AWS": "*"}, {"StringLike": {"aws:PrincipalAccount": "*"}}, 8),
        ({"AWS": "arn:aws:iam::999988887777:root"}, None, 8),
        ({"AWS": "arn:aws:iam::999988887777:root"}, {"StringEquals": {"sts:ExternalId": "x-1"}}, 5),
        ({"AWS": "arn:aws:iam::111122223333:role/ops"}, None, 5),
        ({"Federated": "cognito-identity.amazonaws.com"}, None, 8),
    ],
)
def test_iam006_foreign_principals(principal: Any, condition: Any, impact: int) -> None:
    inv = single(
        inline(LOGS),
        trust=trust_of({"Service": "lambda.amazonaws.com"}, principal, condition=condition),
    )
    [finding] = fails("IAM006", inv)
    assert finding.impact == impact
    assert finding.location == Location("iam.tf", 2)


def test_iam006_near_misses() -> None:
    ok = trust_of({"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]})
    assert run("IAM006", single(inline(LOGS), trust=ok)) == []
    org_only = trust_of("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})
    assert run("IAM006", single(inline(LOGS), trust=org_only)) == []


def test_iam006_trust_unknown_and_gcp_default_account() -> None:
    [unknown] = run("IAM006", single(inline(LOGS), trust=None))
    assert unknown.status is FindingStatus.UNKNOWN
    sa = role(
        address="google_compute_default",
        provider=Provider.GCP,
        is_default_service_account=True,
        trust=None,
    )
    inv = Inventory(
        functions=(
            fn("google_cloudfunctions_function.f", "google_compute_default", provider=Provider.GCP),
        ),
        roles=(sa,),
    )
    [finding] = fails("IAM006", inv)
    assert "default service account" in finding.message
    dedicated = role(address="google_service_account.f", provider=Provider.GCP, trust=None)
    inv = Inventory(
        functions=(
            fn(
                "google_cloudfunctions_function.f",
                "google_service_account.f",
                provider=Provider.GCP,
            ),
        ),
        roles=(dedicated,),
    )
    assert run("IAM006", inv) == []


# ------------------------------------------------------------------ IAM008


def test_iam008_no_log_permissions_fires() -> None:
    inv = single(inline({"Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": "*"}))
    [finding] = fails("IAM008", inv)
    assert "logs:PutLogEvents" in finding.message and "CreateLogStream" not in finding.message


def test_iam008_denied_logs_fire() -> None:
    inv = single(inline(LOGS, {"Effect": "Deny", "Action": "logs:*", "Resource": "*"}))
    assert len(fails("IAM008", inv)) == 1


def test_iam008_scoped_or_managed_logs_do_not_fire() -> None:
    assert run("IAM008", single(inline(LOGS))) == []
    basic = managed(
        "service-role/AWSLambdaBasicExecutionRole",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": "*",
                }
            ]
        },
    )
    assert run("IAM008", single(basic)) == []


# ------------------------------------------------------------------ IAM009


@pytest.mark.parametrize(
    "stmt",
    [
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::private/*"},
    ],
)
def test_iam009_allow_by_exclusion(stmt: dict[str, Any]) -> None:
    [finding] = fails("IAM009", single(inline(LOGS, stmt)))
    assert any(e.value == "inline#1" for e in finding.evidence)


def test_iam009_not_principal_in_trust() -> None:
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                "Action": "sts:AssumeRole",
            }
        ]
    }
    [finding] = fails("IAM009", single(inline(LOGS), trust=trust))
    assert "NotPrincipal" in finding.message


def test_iam009_deny_with_not_action_is_fine() -> None:
    guard = {"Effect": "Deny", "NotAction": ["s3:GetObject"], "Resource": "*"}
    assert run("IAM009", single(inline(LOGS, guard))) == []
