"""``validate_text``: Access-Analyzer-style findings, each on its line, for JSON and YAML."""

from __future__ import annotations

import pytest

from fnguard.errors import InputError
from fnguard.iam._validate import key_type, validate_text
from fnguard.iam.engine import PolicyKind


def codes(text: str, kind: PolicyKind = PolicyKind.IDENTITY) -> list[tuple[int, str]]:
    return [(i.line, i.code) for i in validate_text(text, "p.json", kind)]


def test_yaml_policies_get_lines_too() -> None:
    text = (
        "Version: '2012-10-17'\n"
        "Statement:\n"
        "  - Effect: Allow\n"
        "    Action: lambda:InvokeFunktion\n"
        "    Resource: '*'\n"
        "    Condition:\n"
        "      DateLessThan: {aws:SecureTransport: '2030-01-01'}\n"
    )
    assert codes(text) == [(4, "UNKNOWN_ACTION"), (7, "MISMATCHED_TYPE")]


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ('{"NumericLessThan": {"aws:CurrentTime": "5"}}', "MISMATCHED_TYPE"),
        ('{"IpAddress": {"aws:PrincipalOrgID": "10.0.0.0/8"}}', "MISMATCHED_TYPE"),
        ('{"Bool": {"aws:SourceIp": "true"}}', "MISMATCHED_TYPE"),
        ('{"StringEquals": {"aws:PrincipalOrgPaths": "o-1/"}}', "MISSING_SET_OPERATOR"),
        (
            '{"ForAnyValue:StringEquals": {"aws:SourceAccount": "1"}}',
            "SET_OPERATOR_ON_SINGLE_VALUE",
        ),
        ('{"StringEquals": {"s3:NoSuchKey": "x"}}', "UNKNOWN_CONDITION_KEY"),
        ('{"StringLikeIfExist": {"aws:UserAgent": "x"}}', "UNKNOWN_OPERATOR"),
    ],
)
def test_condition_checks(condition: str, code: str) -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",\n'
        f'"Resource": "*", "Condition": {condition}}}}}'
    )
    assert codes(text) == [(2, code)]


def test_key_types_from_the_dataset_and_the_global_table() -> None:
    assert key_type("aws:SourceIp") == "IPAddress"
    assert key_type("s3:max-keys") == "Numeric"
    assert key_type("aws:RequestTag/env") == "String"
    assert key_type("iam:PassedToService") == "String"
    assert key_type("ec2:ResourceTag/owner") == "String"  # a ${TagKey} key
    assert key_type("custom:thing") is None


def test_arns_wildcards_variables_and_kinds() -> None:
    ok = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "*"],'
        ' "Resource": ["arn:aws:s3:::b/${aws:username}/*", "arn:*:s3:::x", "*"]}]}'
    )
    assert codes(ok) == []
    trust = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",'
        '\n"Principal": {"Servise": "lambda.amazonaws.com"}}]}'
    )
    assert codes(trust, PolicyKind.TRUST) == [(2, "MALFORMED_POLICY")]


def test_syntax_error_is_an_input_error_with_its_line() -> None:
    with pytest.raises(InputError, match=r"p\.json.*line 3"):
        validate_text('{\n"Version": "2012-10-17",\n"Statement": [,]}', "p.json")
