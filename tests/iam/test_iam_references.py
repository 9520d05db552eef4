"""``${...}`` in policies: IAM variables are unknown values, infrastructure references are not."""

from __future__ import annotations

import pytest

from fnguard.iam import default_checker, is_policy_variable, substitute
from fnguard.model import Policy, PolicyKind

THUMBS = "${aws_s3_bucket.thumbnails.arn}/*"


def _may_put(resource_pattern: str, request: str) -> bool:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": resource_pattern}],
    }
    policy = Policy("p", PolicyKind.INLINE, doc)
    return default_checker().identity_allows([policy], "s3:PutObject", request).allowed


@pytest.mark.parametrize(
    ("pattern", "request_", "expected"),
    [
        # an unresolved reference names one resource: never an unrelated ARN
        (THUMBS, "arn:aws:s3:::orders-uploads/incoming/a.jpg", False),
        (THUMBS, "${aws_s3_bucket.uploads.arn}/incoming/a.jpg", False),
        # ... but the same reference, compared by what it references, is the same bucket
        (THUMBS, "${aws_s3_bucket.thumbnails.arn}/a.jpg", True),
        ("${Thumbnails.Arn}/*", "arn:aws:s3:::x/a", False),  # CloudFormation, unresolved
        ("arn:aws:s3:::${AWS::AccountId}-data/*", "arn:aws:s3:::1-data/a", False),
        # IAM policy variables: a role session has no aws:username, so that pattern names
        # nothing (but its default value); a role tag is unknown offline and may be anything
        ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/alice/a", False),
        ("arn:aws:s3:::t/${aws:PrincipalTag/team}/*", "arn:aws:s3:::t/red/a", True),
        ("arn:aws:s3:::h/${aws:username, 'none'}/*", "arn:aws:s3:::h/bob/a", False),
        ("arn:aws:s3:::h/${aws:username, 'none'}/*", "arn:aws:s3:::h/none/a", True),
        # the escapes are their literal character, not a wildcard
        ("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", True),
        ("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/anything", False),
        ("arn:aws:s3:::b/${?}x", "arn:aws:s3:::b/ax", False),
        ("arn:aws:s3:::b/${$}x", "arn:aws:s3:::b/$x", True),
    ],
)
def test_placeholders_in_resources(pattern: str, request_: str, expected: bool) -> None:
    assert _may_put(pattern, request_) is expected


def test_policy_variable_recognition_and_substitution() -> None:
    assert is_policy_variable("aws:username") and is_policy_variable("s3:prefix")
    assert not is_policy_variable("aws_s3_bucket.out.arn")
    assert not is_policy_variable("AWS::Region")
    text = "arn:aws:s3:::${aws_s3_bucket.b.id}/${aws:userid}/${*}"
    assert substitute(text, "x") == "arn:aws:s3:::${aws_s3_bucket.b.id}/x/*"
