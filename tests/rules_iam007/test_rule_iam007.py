"""IAM007 on hand-built inventories: fires on unused grants, quiet on exact roles."""

from __future__ import annotations

import json
from typing import Any

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import (
    CollectionGap,
    Finding,
    FindingStatus,
    Function,
    HandlerCode,
    Inventory,
    InvocationType,
    Location,
    Policy,
    PolicyKind,
    Provider,
    Role,
    SdkCall,
    Trigger,
    TriggerKind,
    VpcConfig,
)
from fnguard.rules import RuleContext
from fnguard.rules._iam_unused import RULES

BASIC = {
    "Effect": "Allow",
    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "*",
}
TABLE = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"


def inline(*statements: dict[str, Any], name: str = "inline") -> Policy:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Policy(name, PolicyKind.INLINE, document, location=Location("iam.tf", 20))


def role(*policies: Policy, address: str = "aws_iam_role.exec") -> Role:
    return Role(address, Provider.AWS, Location("iam.tf", 1), policies=policies)


def function(address: str = "aws_lambda_function.orders", **extra: Any) -> Function:
    return Function(
        address,
        Provider.AWS,
        Location("main.tf", 10),
        runtime="python3.12",
        handler="app.handler",
        role="aws_iam_role.exec",
        **extra,
    )


def code(
    fn: Function, *calls: tuple[str, str, tuple[str, ...], str], dynamic: bool = False
) -> Inventory:
    return Inventory(
        handlers=(
            HandlerCode(fn.address, "python", Location("src/app.py", 3), dynamic_sdk_use=dynamic),
        ),
        sdk_calls=tuple(
            SdkCall(fn.address, Location("src/app.py", 5 + n), service, op, actions, (res,))
            for n, (service, op, actions, res) in enumerate(calls)
        ),
    )


GET_PUT = (
    ("dynamodb", "GetItem", ("dynamodb:GetItem",), TABLE),
    ("dynamodb", "PutItem", ("dynamodb:PutItem",), TABLE),
)


def run(inv: Inventory) -> list[Finding]:
    ctx = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return [f for rule in RULES for f in rule.check(inv, ctx)]


def evidence(finding: Finding) -> dict[str, str]:
    return {e.label: e.value for e in finding.evidence}


def test_wildcard_grant_lists_unused_actions_and_policy() -> None:
    fn = function()
    granted = inline(BASIC, {"Effect": "Allow", "Action": "dynamodb:*", "Resource": TABLE})
    inv = Inventory(functions=(fn,), roles=(role(granted),)).merge(code(fn, *GET_PUT))
    [finding] = run(inv)
    assert finding.rule_id == "IAM007"
    assert finding.status is FindingStatus.FAIL
    assert finding.resource == "aws_iam_role.exec"
    assert finding.location == Location("iam.tf", 20)
    facts = evidence(finding)
    label = next(k for k in facts if k.startswith("unused dynamodb"))
    count = int(label.split("(")[1].rstrip(")"))
    listed = facts[label]
    assert listed.startswith("dynamodb:AssociateTableReplica, dynamodb:BatchGetItem, ")
    assert listed.endswith(f" (+{count - 20} more)") and len(listed.split(", ")) == 20
    assert "dynamodb:GetItem" not in listed and "dynamodb:PutItem" not in listed
    assert facts["wildcard"].startswith("dynamodb:* grants ")
    assert facts["wildcard"].endswith("the code uses 2 (dynamodb:GetItem, dynamodb:PutItem)")
    assert json.loads(facts["minimal policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DynamodbAccess1",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                "Resource": [TABLE],
            },
            {
                "Sid": "LogsAccess1",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": ["*"],
            },
        ],
    }
    assert '"dynamodb:GetItem"' in finding.remediation.terraform
    assert finding.remediation.cli.startswith(
        "aws iam put-role-policy --role-name ROLE --policy-name least-privilege "
        '--policy-document \'{"Version":'
    )
    assert finding.message == (
        "aws_iam_role.exec (role of aws_lambda_function.orders) grants actions its code never "
        "uses: dynamodb"
    )


def test_exact_role_is_quiet() -> None:
    fn = function()
    exact = inline(
        BASIC,
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": TABLE},
    )
    inv = Inventory(functions=(fn,), roles=(role(exact),)).merge(code(fn, *GET_PUT))
    assert run(inv) == []


def test_platform_needs_are_not_unused() -> None:
    fn = function(
        tracing_mode="Active",
        vpc=VpcConfig(subnet_ids=("subnet-1",), security_group_ids=("sg-1",)),
        kms_key_arn="arn:aws:kms:eu-west-1:111122223333:key/k",
        dead_letter_target="arn:aws:sqs:eu-west-1:111122223333:dlq",
    )
    trigger = Trigger(
        "aws_lambda_event_source_mapping.jobs",
        TriggerKind.SQS,
        fn.address,
        InvocationType.POLL,
        Location("main.tf", 40),
        source="arn:aws:sqs:eu-west-1:111122223333:jobs",
    )
    platform = inline(
        BASIC,
        {
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": [
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DeleteNetworkInterface",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:SendMessage",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": TABLE},
    )
    inv = Inventory(functions=(fn,), roles=(role(platform),), triggers=(trigger,)).merge(
        code(fn, *GET_PUT)
    )
    assert run(inv) == []


def test_dynamodb_stream_trigger_needs_stream_reads() -> None:
    fn = function()
    trigger = Trigger(
        "t",
        TriggerKind.DYNAMODB_STREAM,
        fn.address,
        InvocationType.POLL,
        Location("main.tf", 40),
        source=TABLE + "/stream/x",
    )
    stream = inline(
        BASIC,
        {
            "Effect": "Allow",
            "Action": [
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            "Resource": "*",
        },
    )
    inv = Inventory(functions=(fn,), roles=(role(stream),), triggers=(trigger,)).merge(code(fn))
    assert run(inv) == []
    # Without the trigger, the same grants are unused.
    [finding] = run(Inventory(functions=(fn,), roles=(role(stream),)).merge(code(fn)))
    assert evidence(finding)["unused dynamodb (4)"] == (
        "dynamodb:DescribeStream, dynamodb:GetRecords, dynamodb:GetShardIterator, "
        "dynamodb:ListStreams"
    )


def test_shared_role_unions_needs() -> None:
    a, b = function("aws_lambda_function.a"), function("aws_lambda_function.b")
    grants = inline(
        BASIC,
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
            "Resource": TABLE,
        },
    )
    inv = Inventory(functions=(a, b), roles=(role(grants),)).merge(
        code(a, GET_PUT[0]), code(b, GET_PUT[1])
    )
    findings = run(inv)
    assert [f.function for f in findings] == ["aws_lambda_function.a", "aws_lambda_function.b"]
    for finding in findings:
        assert evidence(finding)["unused dynamodb (1)"] == "dynamodb:DeleteItem"
        assert "role shared by aws_lambda_function.a, aws_lambda_function.b" in finding.message
        assert evidence(finding)["shared role"] == "aws_lambda_function.a, aws_lambda_function.b"


def test_shared_role_with_unanalysed_function_is_unknown() -> None:
    a, b = function("aws_lambda_function.a"), function("aws_lambda_function.b")
    grants = inline(BASIC, {"Effect": "Allow", "Action": "dynamodb:*", "Resource": TABLE})
    inv = Inventory(functions=(a, b), roles=(role(grants),)).merge(code(a, *GET_PUT))
    [finding] = run(inv)
    assert finding.status is FindingStatus.UNKNOWN
    assert "aws_lambda_function.b was not analysed" in finding.message


def test_dynamic_sdk_use_is_unknown_with_the_reason() -> None:
    fn = function()
    grants = inline(BASIC, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    gap = CollectionGap(
        Location("src/app.py", 3),
        "SDK use the analysis cannot resolve: src/app.py:9: getattr()",
        fn.address,
        "sdk",
    )
    inv = Inventory(functions=(fn,), roles=(role(grants),), gaps=(gap,)).merge(
        code(fn, dynamic=True)
    )
    [finding] = run(inv)
    assert finding.status is FindingStatus.UNKNOWN
    assert "src/app.py:9: getattr()" in finding.message


def test_missing_code_is_unknown_and_unanalysed_code_is_skipped() -> None:
    fn = function()
    grants = inline(BASIC, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    base = Inventory(functions=(fn,), roles=(role(grants),))
    assert run(base) == []
    gap = CollectionGap(fn.location, "handler code not found at src", fn.address, "code")
    [finding] = run(base.merge(Inventory(gaps=(gap,))))
    assert finding.status is FindingStatus.UNKNOWN
    assert "handler code not found at src" in finding.message


def test_unknown_policy_text_is_unknown() -> None:
    fn = function()
    opaque = Policy(
        "ReadOnlyAccess", PolicyKind.AWS_MANAGED, None, arn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    inv = Inventory(functions=(fn,), roles=(role(inline(BASIC), opaque),)).merge(code(fn, *GET_PUT))
    [finding] = run(inv)
    assert finding.status is FindingStatus.UNKNOWN
    assert evidence(finding) == {"policy text unknown": "arn:aws:iam::aws:policy/ReadOnlyAccess"}


def test_explicit_deny_removes_grant() -> None:
    fn = function()
    grants = inline(
        BASIC,
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan"],
            "Resource": TABLE,
        },
        {"Effect": "Deny", "Action": "dynamodb:Scan", "Resource": "*"},
    )
    inv = Inventory(functions=(fn,), roles=(role(grants),)).merge(code(fn, *GET_PUT))
    assert run(inv) == []


def test_admin_grant_is_summarised_not_expanded() -> None:
    fn = function()
    inv = Inventory(
        functions=(fn,), roles=(role(inline({"Effect": "Allow", "Action": "*", "Resource": "*"})),)
    ).merge(code(fn, *GET_PUT))
    [finding] = run(inv)
    assert "every action via *" in finding.message
    assert evidence(finding)["wildcard"] == "* grants every action (IAM001)"


def test_languages_without_sdk_analysis_are_not_judged() -> None:
    fn = function()
    grants = inline(BASIC, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    js = Inventory(handlers=(HandlerCode(fn.address, "javascript", Location("index.js", 1)),))
    assert run(Inventory(functions=(fn,), roles=(role(grants),)).merge(js)) == []
    py = function("aws_lambda_function.py")
    node = function("aws_lambda_function.node")
    inv = Inventory(functions=(py, node), roles=(role(grants),)).merge(
        code(py, *GET_PUT),
        Inventory(handlers=(HandlerCode(node.address, "javascript", Location("index.js", 1)),)),
    )
    [finding] = run(inv)
    assert finding.status is FindingStatus.UNKNOWN
    assert "the AWS SDK calls of javascript handlers (aws_lambda_function.node)" in finding.message


def test_a_code_gap_wins_over_a_handler_record() -> None:
    fn = function()
    grants = inline(BASIC, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    gap = CollectionGap(fn.location, "src/app.py:4: cannot parse Python", fn.address, "code")
    inv = Inventory(functions=(fn,), roles=(role(grants),), gaps=(gap,)).merge(code(fn))
    [finding] = run(inv)
    assert finding.status is FindingStatus.UNKNOWN
    assert "cannot parse Python" in finding.message


def test_meta_matches_the_catalog() -> None:
    [rule] = RULES
    meta = rule.meta
    assert (meta.id, meta.impact, meta.area) == ("IAM007", 7, "iam")
    assert meta.description.endswith(".") and meta.remediation.text
    assert meta.remediation.terraform and meta.remediation.cli
    assert meta.mappings.iso27001 and meta.mappings.owasp_serverless == ("SAS-4",)
