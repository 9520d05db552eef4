"""Hand-built scan results covering what reporters must survive: every severity, UNKNOWN,
findings with and without a location, evidence, remediation snippets, gaps, Unicode and
characters that mean something in XML, Markdown and rich markup.
"""

from __future__ import annotations

import pytest

from fnguard.model import (
    CollectionGap,
    Evidence,
    Finding,
    FindingStatus,
    Function,
    Inventory,
    InvocationType,
    Location,
    Provider,
    Remediation,
    Role,
    Severity,
    Trigger,
    TriggerKind,
)
from fnguard.result import RuleInfo, ScanResult

API = 'aws_lambda_function.api["eu"]'
WORKER = "aws_lambda_function.worker"
ROLE = "aws_iam_role.shared"

IAM_FIX = Remediation(
    text="Replace AdministratorAccess with a least-privilege policy.",
    terraform=(
        'resource "aws_iam_role_policy" "api" {\n'
        "  policy = data.aws_iam_policy_document.api.json\n}"
    ),
    cloudformation="Policies:\n  - PolicyName: api",
    cli=(
        "aws iam detach-role-policy --role-name api"
        " --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"
    ),
)
SEC_FIX = Remediation(
    text="Move the value to Secrets Manager and reference it.",
    terraform="# use aws_secretsmanager_secret and a ``` fenced reference",
)
PLAIN_FIX = Remediation(text="Set a retention period.")

RULES = (
    RuleInfo(
        "IAM001",
        "Execution role has admin rights",
        10,
        "The role can do anything.",
        IAM_FIX.text,
        "https://example.invalid/rules/IAM001",
    ),
    RuleInfo(
        "IAM005",
        "Execution role shared by several functions",
        6,
        "One role, many functions.",
        "Give each function its own role.",
        "",
    ),
    RuleInfo(
        "SEC001",
        "Plaintext secret in environment variables",
        9,
        "A literal secret sits in the environment.",
        SEC_FIX.text,
        "",
    ),
    RuleInfo("LOG001", "Active tracing off", 3, "X-Ray tracing is off.", "Enable tracing.", ""),
    RuleInfo("LOG002", "Log group without retention", 4, "Logs never expire.", PLAIN_FIX.text, ""),
    RuleInfo(
        "NET004",
        "Security group allows all egress",
        5,
        "Egress to 0.0.0.0/0.",
        "Restrict egress.",
        "",
    ),
    RuleInfo(
        "LIM006",
        "Async function without DLQ",
        4,
        "Failed events are lost.",
        "Add an on-failure destination.",
        "",
    ),
)


def _findings() -> tuple[Finding, ...]:
    return (
        Finding(
            rule_id="IAM001",
            title="Execution role has admin rights",
            impact=10,
            resource=ROLE,
            location=Location("iam.tf", 3),
            message="Role attaches AdministratorAccess",
            remediation=IAM_FIX,
            evidence=(Evidence("policy", "arn:aws:iam::aws:policy/AdministratorAccess"),),
            function=API,
        ),
        Finding(
            rule_id="SEC001",
            title="Plaintext secret in environment variables",
            impact=9,
            resource=API,
            location=Location("main.tf", 12),
            message='DB_PASSWORD holds a literal <secret> & "quoted" [bold]value[/bold] *md* `x`',
            remediation=SEC_FIX,
            evidence=(Evidence("DB_PASSWORD", "hunt…(24 chars, sha256:1a2b3c4d5e6f)"),),
            function=API,
        ),
        Finding(
            rule_id="IAM005",
            title="Execution role shared by several functions",
            impact=6,
            resource=ROLE,
            location=Location("iam.tf", 3),
            message="Rôle partagé par 2 fonctions — ünïcödé ✓ 日本語",
            remediation=Remediation(text="Give each function its own role."),
            evidence=(Evidence("functions", f"{API}, {WORKER}"),),
        ),
        Finding(
            rule_id="NET004",
            title="Security group allows all egress",
            impact=5,
            resource=WORKER,
            location=None,
            message="egress 0.0.0.0/0 on all ports \x1b[31mred\x1b[0m",
            remediation=Remediation(text="Restrict egress."),
            function=WORKER,
            status=FindingStatus.UNKNOWN,
        ),
        Finding(
            rule_id="LOG002",
            title="Log group without retention",
            impact=4,
            resource="aws_cloudwatch_log_group.api",
            location=Location("logs.tf", 0),
            message="log group never expires",
            remediation=PLAIN_FIX,
            function=API,
        ),
        Finding(
            rule_id="LOG001",
            title="Active tracing off",
            impact=3,
            resource=WORKER,
            location=Location("workers/main.tf", 40),
            message="tracing_config mode is PassThrough",
            remediation=Remediation(text="Enable tracing."),
            function=WORKER,
            severity_override=Severity.INFO,
        ),
    )


def _inventory() -> Inventory:
    return Inventory(
        functions=(
            Function(address=API, provider=Provider.AWS, location=Location("main.tf", 10)),
            Function(
                address=WORKER, provider=Provider.AWS, location=Location("workers/main.tf", 38)
            ),
        ),
        roles=(Role(address=ROLE, provider=Provider.AWS, location=Location("iam.tf", 1)),),
        triggers=(
            Trigger(
                address="aws_lambda_event_source_mapping.q",
                kind=TriggerKind.SQS,
                function=WORKER,
                invocation=InvocationType.POLL,
                location=Location("workers/main.tf", 60),
            ),
        ),
        gaps=(
            CollectionGap(
                location=Location("workers/sg.tf", 7),
                reason="security group rules come from module.net, which could not be read",
                resource="aws_security_group.worker",
                field="egress",
            ),
            CollectionGap(location=Location("broken.tf"), reason="HCL parse error at 4:2"),
            # the same gap twice, as two merged shards would report it
            CollectionGap(location=Location("broken.tf"), reason="HCL parse error at 4:2"),
        ),
        sources=("main.tf", "iam.tf", "logs.tf", "workers/main.tf", "workers/sg.tf", "broken.tf"),
    )


@pytest.fixture
def scan_result() -> ScanResult:
    # Findings deliberately out of order: the result puts them in report order itself.
    findings = _findings()
    return ScanResult(
        tool_version="0.1.0",
        targets=("examples/insecure",),
        inventory=_inventory(),
        findings=findings[::-1],
        rules=RULES,
        suppressed=2,
        baselined=1,
        duration_s=0.4271,
    )


@pytest.fixture
def empty_result() -> ScanResult:
    inventory = Inventory(
        functions=(Function(address=API, provider=Provider.AWS, location=Location("main.tf", 10)),),
        sources=("main.tf",),
    )
    return ScanResult(
        tool_version="0.1.0",
        targets=("examples/hardened",),
        inventory=inventory,
        findings=(),
        rules=RULES,
    )


@pytest.fixture
def gaps_only_result(empty_result: ScanResult) -> ScanResult:
    gap = CollectionGap(
        location=Location("main.tf", 2), reason="unreadable", resource=API, field="role"
    )
    inventory = Inventory(
        functions=empty_result.inventory.functions,
        sources=empty_result.inventory.sources,
        gaps=(gap,),
    )
    return ScanResult(
        tool_version="0.1.0",
        targets=("examples/hardened",),
        inventory=inventory,
        findings=(),
        rules=RULES,
    )


@pytest.fixture
def addresses() -> tuple[str, str, str]:
    """The API function, the worker function and the shared role of ``scan_result``."""
    return API, WORKER, ROLE
