"""Parsing every policy shape, and rejecting malformed ones with a PolicyError that says where."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.errors import InputError
from fnguard.iam.engine import (
    Effect,
    PolicyError,
    PolicyKind,
    PrincipalSpec,
    Request,
    parse_policy,
    parse_policy_json,
)


def test_statement_as_a_single_object() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    }
    parsed = parse_policy(doc, "p")
    assert len(parsed.statements) == 1
    assert parsed.statements[0].effect is Effect.ALLOW
    assert parsed.statements[0].actions == ("s3:*",)
    assert parsed.statements[0].ref == "p#0"


def test_statement_list_keeps_sid_and_index() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*"], "Resource": ["*"]},
            {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::x"},
        ],
    }
    first, second = parse_policy(doc, "p").statements
    assert (first.ref, second.ref) == ("p#Read", "p#1")
    assert second.not_action and second.not_resource and second.effect is Effect.DENY


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("*", PrincipalSpec(anyone=True)),
        ({"AWS": "*"}, PrincipalSpec(anyone=True)),
        ({"AWS": "111122223333"}, PrincipalSpec(aws=("arn:aws:iam::111122223333:root",))),
        (
            {"AWS": ["arn:aws:iam::111122223333:role/a", "444455556666"]},
            PrincipalSpec(
                aws=("arn:aws:iam::111122223333:role/a", "arn:aws:iam::444455556666:root")
            ),
        ),
        ({"Service": "lambda.amazonaws.com"}, PrincipalSpec(service=("lambda.amazonaws.com",))),
        (
            {"Federated": "cognito-identity.amazonaws.com"},
            PrincipalSpec(federated=("cognito-identity.amazonaws.com",)),
        ),
        ({"CanonicalUser": "79a59df9"}, PrincipalSpec(canonical_user=("79a59df9",))),
    ],
)
def test_principal_forms(principal: Any, expected: PrincipalSpec) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "*"}
        ],
    }
    assert parse_policy(doc, "bucket", PolicyKind.RESOURCE).statements[0].principal == expected


def test_trust_policy_needs_no_resource() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    assert parse_policy(doc, "trust", PolicyKind.TRUST).statements[0].resources is None


def test_condition_block_parsed_with_qualifier_and_if_exists() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", 3, True]}},
            }
        ],
    }
    (test,) = parse_policy(doc, "p").statements[0].conditions
    assert (test.operator, test.qualifier, test.if_exists) == ("stringlike", "foranyvalue", True)
    assert test.values == ("a*", "3", "true")


MALFORMED: list[tuple[str, Any, str, str]] = [
    ("not an object", [], "identity", "/"),
    ("missing Statement", {"Version": "2012-10-17"}, "identity", "/"),
    ("unknown Version", {"Version": "2020-01-01", "Statement": []}, "identity", "/Version"),
    (
        "Effect not Allow or Deny",
        {"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]},
        "identity",
        "/Statement/0/Effect",
    ),
    (
        "no Action",
        {"Statement": [{"Effect": "Allow", "Resource": "*"}]},
        "identity",
        "/Statement/0",
    ),
    (
        "Action and NotAction together",
        {"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}]},
        "identity",
        "/Statement/0",
    ),
    (
        "action without a service prefix",
        {"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "GetObject"], "Resource": "*"}]},
        "identity",
        "/Statement/0/Action/1",
    ),
    (
        "Action not a string",
        {"Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]},
        "identity",
        "/Statement/0/Action/0",
    ),
    (
        "no Resource in an identity policy",
        {"Statement": [{"Effect": "Allow", "Action": "*"}]},
        "identity",
        "/Statement/0",
    ),
    (
        "Principal in an identity policy",
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
        "identity",
        "/Statement/0/Principal",
    ),
    (
        "Principal in an SCP",
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
        "scp",
        "/Statement/0/Principal",
    ),
    (
        "no Principal in a resource policy",
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        "resource",
        "/Statement/0",
    ),
    (
        "unknown principal type",
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Users": "x"}, "Action": "*", "Resource": "*"}
            ]
        },
        "resource",
        "/Statement/0/Principal/Users",
    ),
    (
        "NotPrincipal with Allow",
        {"Statement": [{"Effect": "Allow", "NotPrincipal": "*", "Action": "*", "Resource": "*"}]},
        "resource",
        "/Statement/0/NotPrincipal",
    ),
    (
        "NotPrincipal in a trust policy",
        {"Statement": [{"Effect": "Deny", "NotPrincipal": "*", "Action": "*"}]},
        "trust",
        "/Statement/0/NotPrincipal",
    ),
    (
        "unknown statement element",
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Resources": "*"}]},
        "identity",
        "/Statement/0/Resources",
    ),
    ("statement not an object", {"Statement": ["Allow"]}, "identity", "/Statement/0"),
    (
        "unknown condition operator",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringMatches": {"k:x": "v"}},
                }
            ]
        },
        "identity",
        "/Statement/0/Condition/StringMatches/k:x",
    ),
    (
        "unknown set operator",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"ForSome:StringEquals": {"k:x": "v"}},
                }
            ]
        },
        "identity",
        "/Statement/0/Condition/ForSome:StringEquals",
    ),
    (
        "numeric operator with a non-number",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"NumericLessThan": {"k:x": "ten"}},
                }
            ]
        },
        "identity",
        "/Statement/0/Condition/NumericLessThan/k:x",
    ),
    (
        "date operator with a non-date",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"DateLessThan": {"aws:CurrentTime": "soon"}},
                }
            ]
        },
        "identity",
        "/Statement/0/Condition/DateLessThan/aws:CurrentTime",
    ),
    (
        "IpAddress with a non-address",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "home"}},
                }
            ]
        },
        "identity",
        "/Statement/0/Condition/IpAddress/aws:SourceIp",
    ),
    (
        "Bool with a non-boolean",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "yes"}},
                }
            ]
        },
        "identity",
        "/Statement/0/Condition/Bool/aws:SecureTransport",
    ),
    (
        "condition value an object",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"k:x": {"a": 1}}},
                }
            ]
        },
        "identity",
        "/Statement/0/Condition/StringEquals/k:x",
    ),
    (
        "condition block not an object",
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["x"]}]},
        "identity",
        "/Statement/0/Condition",
    ),
]


@pytest.mark.parametrize(
    ("document", "kind", "pointer"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_policy_is_a_policy_error_with_its_position(
    document: Any, kind: str, pointer: str
) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(document, "pol.json", PolicyKind(kind))
    assert isinstance(raised.value, InputError)
    assert raised.value.pointer == (pointer if pointer != "/" else "")
    assert str(raised.value).startswith(f"pol.json: {pointer}")


def test_json_syntax_error_has_its_line() -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy_json('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}', "bad.json")
    assert raised.value.line == 3
    assert str(raised.value).startswith("bad.json:3:")


def test_parse_policy_json_round_trip() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}'
    )
    assert parse_policy_json(text, "p").statements[0].effect is Effect.DENY


@pytest.mark.parametrize(
    "principal",
    [
        "alice",
        "arn:aws:s3:::bucket",
        "arn:aws:iam::111122223333:group/x",
        "arn:aws:sts::111122223333:assumed-role/",
    ],
)
def test_unknown_request_principal_is_a_policy_error(principal: str) -> None:
    with pytest.raises(PolicyError):
        _ = Request(principal, "s3:GetObject").caller
