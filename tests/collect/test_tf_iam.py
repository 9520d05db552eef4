"""Roles: trust policy, inline / managed / AWS-managed / boundary policies, policy documents."""

from __future__ import annotations

from collect.tf_helpers import collect_fixture

from fnguard.model import CollectionGap, Location, Policy, PolicyKind, Provider, Role

INV = collect_fixture("iam")

BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
SHARED_DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        },
        {
            "Sid": "NotActions",
            "Effect": "Allow",
            "NotAction": "iam:*",
            "Resource": "${aws_sqs_queue.jobs.arn}",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        },
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "NotResource": "arn:aws:s3:::safe/*",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
        },
    ],
}
SHARED = Policy("shared", PolicyKind.MANAGED, SHARED_DOC, None, Location("main.tf", 57))


def loc(line: int) -> Location:
    return Location("main.tf", line)


def allow(action: object, resource: object = "*") -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def doc(*statements: dict[str, object]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_role_with_every_kind_of_policy() -> None:
    trust = doc(
        {
            "Sid": "Lambda",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "lambda.amazonaws.com"},
        }
    )
    expected = Role(
        address="aws_iam_role.app",
        provider=Provider.AWS,
        location=loc(62),
        name="app",
        trust_policy=Policy("assume_role_policy", PolicyKind.TRUST, trust, None, loc(62)),
        policies=(
            # heredoc JSON with an interpolated ARN keeps a placeholder for it
            Policy(
                "inline",
                PolicyKind.INLINE,
                doc(allow("sqs:SendMessage", "${aws_sqs_queue.jobs.arn}")),
                None,
                loc(68),
            ),
            Policy(
                "AdministratorAccess",
                PolicyKind.AWS_MANAGED,
                doc(allow("*")),
                "arn:aws:iam::aws:policy/AdministratorAccess",
                loc(62),
            ),
            Policy(
                "ReadOnlyAccess",
                PolicyKind.AWS_MANAGED,
                None,
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                loc(62),
            ),
            Policy("extra", PolicyKind.INLINE, doc(allow(["dynamodb:Scan"])), None, loc(81)),
            Policy(
                "AWSLambdaBasicExecutionRole",
                PolicyKind.AWS_MANAGED,
                doc(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])),
                BASIC,
                loc(90),
            ),
            SHARED,
        ),
        boundary=Policy("boundary", PolicyKind.BOUNDARY, doc(allow("*")), None, loc(49)),
    )
    assert INV.roles[0] == expected


def test_role_with_unknown_trust_and_external_policy() -> None:
    expected = Role(
        address="aws_iam_role.worker",
        provider=Provider.AWS,
        location=loc(95),
        name="worker",
        trust_policy=Policy("assume_role_policy", PolicyKind.TRUST, None, None, loc(95)),
        policies=(
            Policy(
                "not-here",
                PolicyKind.MANAGED,
                None,
                "arn:aws:iam::111122223333:policy/not-here",
                loc(106),
            ),
            SHARED,
        ),
    )
    assert INV.roles[1] == expected


def test_gaps_name_the_role() -> None:
    assert INV.gaps == (
        CollectionGap(
            loc(62),
            "AWS-managed policy arn:aws:iam::aws:policy/ReadOnlyAccess is not in fnguard's "
            "policy data",
            "aws_iam_role.app",
            "policies",
        ),
        CollectionGap(
            loc(106),
            "policy arn:aws:iam::111122223333:policy/not-here is not declared in the scanned "
            "configuration",
            "aws_iam_role.worker",
            "policies",
        ),
        CollectionGap(
            loc(95),
            "var.trust_json cannot be resolved offline",
            "aws_iam_role.worker",
            "trust_policy",
        ),
    )
