"""Evaluation cases written from the IAM User Guide's "Policy evaluation logic" pages
(docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and its
"cross-account policy evaluation logic" and "policy elements" pages). Each case id names the
documented rule it exercises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from iam_engine.engine_helpers import (
    ACCOUNT,
    OBJECT,
    OTHER,
    OTHER_ROLE,
    QUEUE,
    ROLE,
    ROOT,
    SESSION,
    USER,
    allow,
    deny,
    policy,
)

from fnguard.iam.engine import Outcome, PolicySet, Request, evaluate

ALLOW, EXPLICIT, IMPLICIT = Outcome.ALLOW, Outcome.EXPLICIT_DENY, Outcome.IMPLICIT_DENY


@dataclass(frozen=True)
class Case:
    rule: str
    policies: PolicySet
    expected: Outcome
    principal: str = SESSION
    action: str = "s3:GetObject"
    resource: str = OBJECT
    context: dict[str, Any] = field(default_factory=dict)
    deciding: tuple[str, ...] | None = None
    resource_account: str = ACCOUNT


def ident(*statements: dict[str, Any]) -> tuple[Any, ...]:
    return (policy("identity", *statements),)


def res(*statements: dict[str, Any]) -> Any:
    return policy("resource", *statements)


SNS_TO_QUEUE = PolicySet(
    resource=res(
        allow(
            "sqs:SendMessage",
            Principal={"Service": "sns.amazonaws.com"},
            Condition={"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"}},
        )
    )
)
SNS_CALL: dict[str, Any] = {
    "principal": "sns.amazonaws.com",
    "action": "sqs:SendMessage",
    "resource": QUEUE,
}

CASES = [
    # --- The default and the explicit deny -------------------------------------------------
    Case("default implicit deny with no policies", PolicySet(), IMPLICIT),
    Case(
        "identity allow grants", PolicySet(identity=ident(allow())), ALLOW, deciding=("identity#0",)
    ),
    Case(
        "explicit deny in identity beats identity allow",
        PolicySet(identity=ident(allow(), deny())),
        EXPLICIT,
        deciding=("identity#1",),
    ),
    Case(
        "explicit deny in resource policy beats identity allow",
        PolicySet(identity=ident(allow()), resource=res(deny(Principal="*"))),
        EXPLICIT,
    ),
    Case(
        "explicit deny in permission boundary beats allows",
        PolicySet(identity=ident(allow()), boundary=policy("boundary", allow("*"), deny())),
        EXPLICIT,
        deciding=("boundary#1",),
    ),
    Case(
        "explicit deny in SCP beats allows",
        PolicySet(identity=ident(allow()), scps=(policy("scp", allow("*"), deny("s3:*")),)),
        EXPLICIT,
    ),
    Case(
        "explicit deny in RCP beats allows",
        PolicySet(
            identity=ident(allow()),
            rcps=(policy("rcp", allow("*", Principal="*"), deny("s3:*", Principal="*")),),
        ),
        EXPLICIT,
    ),
    Case(
        "explicit deny in session policy beats allows",
        PolicySet(identity=ident(allow()), session=(policy("session", deny()),)),
        EXPLICIT,
    ),
    Case(
        "explicit deny beats a same-account resource policy naming the session",
        PolicySet(identity=ident(deny()), resource=res(allow(Principal={"AWS": SESSION}))),
        EXPLICIT,
    ),
    Case(
        "every matching deny is reported with its Sid",
        PolicySet(identity=ident(deny(Sid="NoS3"), deny("s3:Get*"))),
        EXPLICIT,
        deciding=("identity#NoS3", "identity#1"),
    ),
    Case(
        "a deny for another action does not apply",
        PolicySet(identity=ident(allow(), deny("s3:PutObject"))),
        ALLOW,
    ),
    # --- Actions -----------------------------------------------------------------------
    Case(
        "action names are case-insensitive", PolicySet(identity=ident(allow("S3:getobject"))), ALLOW
    ),
    Case("action wildcard * matches any run", PolicySet(identity=ident(allow("s3:Get*"))), ALLOW),
    Case(
        "action wildcard ? matches one character",
        PolicySet(identity=ident(allow("s3:GetObjec?"))),
        ALLOW,
    ),
    Case(
        "action wildcard ? never matches nothing",
        PolicySet(identity=ident(allow("s3:GetObject?"))),
        IMPLICIT,
    ),
    Case("Action * matches every action", PolicySet(identity=ident(allow("*"))), ALLOW),
    Case(
        "an Action list is ORed", PolicySet(identity=ident(allow(["sqs:*", "s3:GetObject"]))), ALLOW
    ),
    Case(
        "NotAction with Allow grants everything but the listed actions",
        PolicySet(identity=ident(allow(None, NotAction="iam:*"))),
        ALLOW,
    ),
    Case(
        "NotAction with Allow does not grant the listed actions",
        PolicySet(identity=ident(allow(None, NotAction="s3:*"))),
        IMPLICIT,
    ),
    Case(
        "NotAction with Deny denies everything but the listed actions",
        PolicySet(identity=ident(allow("*"), deny(None, NotAction="iam:*"))),
        EXPLICIT,
    ),
    Case(
        "NotAction with Deny leaves the listed actions to the allows",
        PolicySet(identity=ident(allow("*"), deny(None, NotAction=["s3:GetObject"]))),
        ALLOW,
    ),
    # --- Resources ---------------------------------------------------------------------
    Case(
        "resource ARNs are case-sensitive",
        PolicySet(identity=ident(allow(resource=OBJECT.upper()))),
        IMPLICIT,
    ),
    Case(
        "resource * spans colons and slashes",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-*"))),
        ALLOW,
    ),
    Case(
        "resource ? matches exactly one character",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-bucket/reports/q?.csv"))),
        ALLOW,
    ),
    Case(
        "a Resource list is ORed",
        PolicySet(
            identity=ident(allow(resource=["arn:aws:s3:::other/*", "arn:aws:s3:::data-bucket/*"]))
        ),
        ALLOW,
    ),
    Case(
        "NotResource with Allow grants other resources",
        PolicySet(identity=ident(allow(resource=None, NotResource="arn:aws:s3:::secret/*"))),
        ALLOW,
    ),
    Case(
        "NotResource with Allow does not grant the listed resource",
        PolicySet(identity=ident(allow(resource=None, NotResource="arn:aws:s3:::data-bucket/*"))),
        IMPLICIT,
    ),
    Case(
        "NotResource with Deny denies every other resource",
        PolicySet(
            identity=ident(allow(), deny(resource=None, NotResource="arn:aws:s3:::public/*"))
        ),
        EXPLICIT,
    ),
    Case(
        "policy variable ${aws:username} in Resource",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-bucket/${aws:username}/*"))),
        ALLOW,
        principal=USER,
        resource="arn:aws:s3:::data-bucket/alice/notes.txt",
    ),
    Case(
        "policy variable substituted: another user's prefix does not match",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-bucket/${aws:username}/*"))),
        IMPLICIT,
        principal=USER,
        resource="arn:aws:s3:::data-bucket/bob/notes.txt",
    ),
    Case(
        "unresolved policy variable in Resource: the statement does not match",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-bucket/${aws:username}/*"))),
        IMPLICIT,
        resource="arn:aws:s3:::data-bucket/${aws:username}/x",
    ),
    Case(
        "policy variable default value ${key, 'default'} when the key is absent",
        PolicySet(
            identity=ident(
                allow(resource="arn:aws:s3:::data-bucket/${aws:PrincipalTag/team, 'shared'}/*")
            )
        ),
        ALLOW,
        resource="arn:aws:s3:::data-bucket/shared/x",
    ),
    Case(
        "policy variable ${aws:PrincipalTag/team} from the context",
        PolicySet(
            identity=ident(allow(resource="arn:aws:s3:::data-bucket/${aws:PrincipalTag/team}/*"))
        ),
        ALLOW,
        resource="arn:aws:s3:::data-bucket/blue/x",
        context={"aws:PrincipalTag/team": "blue"},
    ),
    Case(
        "a multivalued key cannot be a policy variable, even with one value",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-bucket/${aws:TagKeys}/*"))),
        IMPLICIT,
        resource="arn:aws:s3:::data-bucket/env/x",
        context={"aws:TagKeys": ["env"]},
    ),
    Case(
        "a substituted value is literal: a * in a tag value is no wildcard",
        PolicySet(
            identity=ident(allow(resource="arn:aws:s3:::data-bucket/${aws:PrincipalTag/team}"))
        ),
        IMPLICIT,
        resource="arn:aws:s3:::data-bucket/blue",
        context={"aws:PrincipalTag/team": "*"},
    ),
    Case(
        "escape ${*} is a literal asterisk, not a wildcard",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-bucket/${*}"))),
        IMPLICIT,
        resource="arn:aws:s3:::data-bucket/anything",
    ),
    Case(
        "escape ${*} matches a literal asterisk",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-bucket/${*}"))),
        ALLOW,
        resource="arn:aws:s3:::data-bucket/*",
    ),
    Case(
        "escape ${$} is a literal dollar",
        PolicySet(identity=ident(allow(resource="arn:aws:s3:::data-bucket/${$}x"))),
        ALLOW,
        resource="arn:aws:s3:::data-bucket/$x",
    ),
    Case(
        "version 2008-10-17 takes ${...} literally (no policy variables)",
        PolicySet(
            identity=(
                policy(
                    "identity",
                    allow(resource="arn:aws:s3:::data-bucket/${aws:username}"),
                    version="2008-10-17",
                ),
            )
        ),
        ALLOW,
        principal=USER,
        resource="arn:aws:s3:::data-bucket/${aws:username}",
    ),
    # --- SCPs and RCPs -----------------------------------------------------------------
    Case(
        "SCP must allow: implicit deny when no SCP allows",
        PolicySet(identity=ident(allow()), scps=(policy("scp", allow("sqs:*")),)),
        IMPLICIT,
    ),
    Case(
        "SCP allow does not grant on its own",
        PolicySet(scps=(policy("scp", allow("*")),)),
        IMPLICIT,
    ),
    Case(
        "SCP allowing and identity allowing: allowed",
        PolicySet(identity=ident(allow()), scps=(policy("scp", allow("s3:*")),)),
        ALLOW,
    ),
    Case(
        "SCP limits even a same-account resource policy grant",
        PolicySet(
            resource=res(allow(Principal={"AWS": SESSION})), scps=(policy("scp", allow("sqs:*")),)
        ),
        IMPLICIT,
    ),
    Case(
        "RCP must allow: implicit deny when no RCP allows",
        PolicySet(identity=ident(allow()), rcps=(policy("rcp", allow("sqs:*", Principal="*")),)),
        IMPLICIT,
    ),
    Case(
        "RCP allowing and identity allowing: allowed",
        PolicySet(identity=ident(allow()), rcps=(policy("rcp", allow("*", Principal="*")),)),
        ALLOW,
    ),
    Case(
        "SCPs do not apply to service principals",
        PolicySet(
            resource=res(allow(Principal={"Service": "lambda.amazonaws.com"})),
            scps=(policy("scp", allow("sqs:*")),),
        ),
        ALLOW,
        principal="lambda.amazonaws.com",
    ),
    # --- Same-account resource policies ------------------------------------------------
    Case(
        "same account: resource policy naming the role session allows alone",
        PolicySet(resource=res(allow(Principal={"AWS": SESSION}))),
        ALLOW,
        deciding=("resource#0",),
    ),
    Case(
        "same account: resource policy naming the user allows alone",
        PolicySet(resource=res(allow(Principal={"AWS": USER}))),
        ALLOW,
        principal=USER,
    ),
    Case(
        "same account: resource policy naming the role ARN allows without identity grant",
        PolicySet(resource=res(allow(Principal={"AWS": ROLE}))),
        ALLOW,
    ),
    Case(
        "same account: role ARN grant is limited by the boundary's implicit deny",
        PolicySet(
            resource=res(allow(Principal={"AWS": ROLE})),
            boundary=policy("boundary", allow("sqs:*")),
        ),
        IMPLICIT,
    ),
    Case(
        "same account: role-session ARN grant is not limited by the boundary's implicit deny",
        PolicySet(
            resource=res(allow(Principal={"AWS": SESSION})),
            boundary=policy("boundary", allow("sqs:*")),
        ),
        ALLOW,
    ),
    Case(
        "same account: user ARN grant is not limited by the boundary's implicit deny",
        PolicySet(
            resource=res(allow(Principal={"AWS": USER})),
            boundary=policy("boundary", allow("sqs:*")),
        ),
        ALLOW,
        principal=USER,
    ),
    Case(
        "same account: role ARN grant is limited by the session policy",
        PolicySet(
            resource=res(allow(Principal={"AWS": ROLE})),
            session=(policy("session", allow("sqs:*")),),
        ),
        IMPLICIT,
    ),
    Case(
        "same account: role-session ARN grant is not limited by the session policy",
        PolicySet(
            resource=res(allow(Principal={"AWS": SESSION})),
            session=(policy("session", allow("sqs:*")),),
        ),
        ALLOW,
    ),
    Case(
        "same account: role named with a path matches the session's role",
        PolicySet(resource=res(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/team/app"}))),
        ALLOW,
    ),
    Case(
        "same account: resource policy naming the account delegates to identity policies",
        PolicySet(resource=res(allow(Principal={"AWS": ACCOUNT}))),
        IMPLICIT,
    ),
    Case(
        "same account: account principal plus identity allow is allowed",
        PolicySet(identity=ident(allow()), resource=res(allow(Principal={"AWS": ROOT}))),
        ALLOW,
    ),
    Case(
        "same account: Principal * allows on its own",
        PolicySet(resource=res(allow(Principal="*"))),
        ALLOW,
    ),
    Case(
        "same account: {AWS: *} is the same as *",
        PolicySet(resource=res(allow(Principal={"AWS": "*"}))),
        ALLOW,
    ),
    Case(
        "resource policy naming another principal does not grant",
        PolicySet(resource=res(allow(Principal={"AWS": USER}))),
        IMPLICIT,
    ),
    Case(
        "NotPrincipal with Deny denies everyone not listed",
        PolicySet(identity=ident(allow()), resource=res(deny(NotPrincipal={"AWS": USER}))),
        EXPLICIT,
    ),
    Case(
        "NotPrincipal with Deny spares a listed role with its account",
        PolicySet(
            identity=ident(allow()), resource=res(deny(NotPrincipal={"AWS": [ROLE, ACCOUNT]}))
        ),
        ALLOW,
    ),
    Case(
        "NotPrincipal with Deny spares a listed session with its account",
        PolicySet(
            identity=ident(allow()), resource=res(deny(NotPrincipal={"AWS": [SESSION, ROOT]}))
        ),
        ALLOW,
    ),
    Case(
        "NotPrincipal with Deny: a role listed without its account is still denied",
        PolicySet(
            identity=ident(allow()), resource=res(deny(NotPrincipal={"AWS": [SESSION, ROLE]}))
        ),
        EXPLICIT,
    ),
    Case(
        "NotPrincipal with Deny spares a listed service",
        PolicySet(
            resource=res(
                allow("sqs:SendMessage", Principal={"Service": "sns.amazonaws.com"}),
                deny("sqs:*", NotPrincipal={"Service": "sns.amazonaws.com"}),
            )
        ),
        ALLOW,
        **SNS_CALL,
    ),
    Case(
        "identity allow and boundary allow: the intersection allows",
        PolicySet(identity=ident(allow("s3:*")), boundary=policy("boundary", allow("s3:Get*"))),
        ALLOW,
        deciding=("identity#0", "boundary#0"),
    ),
    Case(
        "boundary intersection: the boundary alone does not grant",
        PolicySet(boundary=policy("boundary", allow("*"))),
        IMPLICIT,
    ),
    Case(
        "boundary intersection: identity allows but the boundary does not",
        PolicySet(identity=ident(allow("s3:*")), boundary=policy("boundary", allow("s3:Put*"))),
        IMPLICIT,
    ),
    Case(
        "session policy intersection: identity allows but the session policy does not",
        PolicySet(identity=ident(allow("s3:*")), session=(policy("session", allow("s3:Put*")),)),
        IMPLICIT,
    ),
    Case(
        "session policies: any one of them allowing is enough",
        PolicySet(
            identity=ident(allow("s3:*")),
            session=(
                policy("session", allow("sqs:*")),
                policy("session", allow("s3:*"), name="managed"),
            ),
        ),
        ALLOW,
    ),
    # --- Cross account ----------------------------------------------------------------
    Case(
        "cross account: both sides allow",
        PolicySet(
            identity=ident(allow("sqs:SendMessage", QUEUE)),
            resource=res(allow("sqs:SendMessage", QUEUE, Principal={"AWS": OTHER})),
        ),
        ALLOW,
        principal=OTHER_ROLE,
        action="sqs:SendMessage",
        resource=QUEUE,
    ),
    Case(
        "cross account: resource policy alone is not enough",
        PolicySet(resource=res(allow("sqs:SendMessage", QUEUE, Principal={"AWS": OTHER_ROLE}))),
        IMPLICIT,
        principal=OTHER_ROLE,
        action="sqs:SendMessage",
        resource=QUEUE,
    ),
    Case(
        "cross account: identity policy alone is not enough",
        PolicySet(identity=ident(allow("sqs:SendMessage", QUEUE))),
        IMPLICIT,
        principal=OTHER_ROLE,
        action="sqs:SendMessage",
        resource=QUEUE,
    ),
    Case(
        "cross account: resource policy for a different account does not apply",
        PolicySet(
            identity=ident(allow("sqs:*")), resource=res(allow("sqs:*", Principal={"AWS": ACCOUNT}))
        ),
        IMPLICIT,
        principal=OTHER_ROLE,
        action="sqs:SendMessage",
        resource=QUEUE,
    ),
    Case(
        "cross account: the caller's boundary still limits",
        PolicySet(
            identity=ident(allow("sqs:*")),
            resource=res(allow("sqs:*", Principal="*")),
            boundary=policy("boundary", allow("s3:*")),
        ),
        IMPLICIT,
        principal=OTHER_ROLE,
        action="sqs:SendMessage",
        resource=QUEUE,
    ),
    Case(
        "cross account: bucket owner given for an account-less S3 ARN",
        PolicySet(identity=ident(allow())),
        IMPLICIT,
        resource_account=OTHER,
    ),
    # --- Service principals and trust policies -----------------------------------------
    Case(
        "service principal allowed by the resource policy",
        PolicySet(
            resource=res(allow("sqs:SendMessage", Principal={"Service": "sns.amazonaws.com"}))
        ),
        ALLOW,
        principal="sns.amazonaws.com",
        action="sqs:SendMessage",
        resource=QUEUE,
    ),
    Case(
        "service principal not named: implicit deny",
        PolicySet(
            resource=res(allow("sqs:SendMessage", Principal={"Service": "s3.amazonaws.com"}))
        ),
        IMPLICIT,
        principal="sns.amazonaws.com",
        action="sqs:SendMessage",
        resource=QUEUE,
    ),
    Case(
        "service principal with aws:SourceArn condition met",
        SNS_TO_QUEUE,
        ALLOW,
        context={"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"},
        **SNS_CALL,
    ),
    Case(
        "service principal with aws:SourceArn condition not met (confused deputy)",
        SNS_TO_QUEUE,
        IMPLICIT,
        context={"aws:SourceArn": f"arn:aws:sns:us-east-1:{OTHER}:topic"},
        **SNS_CALL,
    ),
    Case(
        "trust policy: a role may be assumed by the named service",
        PolicySet(
            resource=policy(
                "trust",
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                },
            )
        ),
        ALLOW,
        principal="lambda.amazonaws.com",
        action="sts:AssumeRole",
        resource=ROLE,
    ),
    Case(
        "trust policy: cross-account assume needs the caller's identity allow too",
        PolicySet(
            resource=policy(
                "trust",
                {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole"},
            )
        ),
        IMPLICIT,
        principal=OTHER_ROLE,
        action="sts:AssumeRole",
        resource=ROLE,
    ),
    Case(
        "trust policy with sts:ExternalId condition, cross account, both sides allow",
        PolicySet(
            identity=ident(allow("sts:AssumeRole", ROLE)),
            resource=policy(
                "trust",
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": OTHER},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "abc"}},
                },
            ),
        ),
        ALLOW,
        principal=OTHER_ROLE,
        action="sts:AssumeRole",
        resource=ROLE,
        context={"sts:ExternalId": "abc"},
    ),
    Case(
        "anonymous caller allowed by Principal *",
        PolicySet(resource=res(allow(Principal="*"))),
        ALLOW,
        principal="*",
    ),
    Case(
        "anonymous caller not allowed by a policy naming an account",
        PolicySet(identity=ident(allow("*")), resource=res(allow(Principal={"AWS": ACCOUNT}))),
        IMPLICIT,
        principal="*",
    ),
    Case(
        "anonymous caller with no resource policy: implicit deny",
        PolicySet(),
        IMPLICIT,
        principal="anonymous",
    ),
    Case(
        "the account root user has full access in its own account",
        PolicySet(),
        ALLOW,
        principal=ROOT,
        deciding=(),
    ),
    Case(
        "the account root user is still bound by an SCP",
        PolicySet(scps=(policy("scp", allow("sqs:*")),)),
        IMPLICIT,
        principal=ROOT,
    ),
    Case(
        "the account root user is still bound by an explicit deny in a resource policy",
        PolicySet(resource=res(deny(Principal={"AWS": ACCOUNT}))),
        EXPLICIT,
        principal=ROOT,
    ),
    Case(
        "the account root user of another account needs the resource policy",
        PolicySet(),
        IMPLICIT,
        principal=f"arn:aws:iam::{OTHER}:root",
    ),
    Case(
        "the account root user of another account allowed by naming its account",
        PolicySet(resource=res(allow(Principal={"AWS": OTHER}))),
        ALLOW,
        principal=OTHER,
    ),
    Case(
        "aws:PrincipalAccount is set from the caller",
        PolicySet(
            identity=ident(allow(Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}))
        ),
        ALLOW,
    ),
    Case(
        "aws:PrincipalArn of a role session is the role ARN",
        PolicySet(
            identity=ident(
                allow(
                    Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/app"}}
                )
            )
        ),
        ALLOW,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_evaluation(case: Case) -> None:
    request = Request(
        case.principal, case.action, case.resource, case.context, case.resource_account
    )
    decision = evaluate(request, case.policies)
    assert decision.outcome is case.expected, decision.reason
    if case.deciding is not None:
        assert decision.deciding == case.deciding
    assert decision.reason
    if case.expected is IMPLICIT:
        assert decision.deciding == ()
    elif case.principal != ROOT:
        assert decision.deciding
