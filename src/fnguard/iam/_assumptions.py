"""The two callers rules ask about, and what is known offline about their requests' context.

``EXECUTION_ROLE``: a Lambda function's execution-role session calling AWS directly. The code
(which an attacker who injects into it controls) picks the request's own shape: region, time,
transport, user agent, request tags. AWS facts about such a session are known: no MFA, no
user name, not a service principal. Everything else (its tags, its ARN, resource tags,
service-specific keys) is unknown offline.

``OUTSIDER``: "a caller from an unrelated account with no matching context". Keys AWS sets from
who the caller really is or where the call comes from (source ARN and account, organisation,
VPC, IP, principal ARN) hold values of the caller's own, matching nothing a policy names
specifically; keys the caller sets go its way. So ``aws:SourceArn`` / ``aws:SourceAccount`` /
``aws:PrincipalOrgID`` conditions restrict it, ``StringLike aws:SourceAccount "*"`` does not.
"""

from __future__ import annotations

from fnguard.iam.engine._knowledge import Assumptions, Knowledge

__all__ = ["EXECUTION_CONTEXT", "EXECUTION_ROLE", "OUTSIDER", "OUTSIDER_CONTEXT"]

_CHOSEN = (
    "aws:requestedregion",
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:useragent",
    "aws:referer",
    "aws:tagkeys",
    "aws:viaawsservice",
)
_IDENTITY_FACTS = (
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:userid",
    "aws:username",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourcevpcarn",
    "aws:vpcsourceip",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "lambda:eventsourcetoken",
    "sts:externalid",
)
_ALWAYS_SET = ("aws:sourceip", "aws:principalaccount", "aws:principalarn")

EXECUTION_ROLE = Assumptions(
    keys={
        **dict.fromkeys(_CHOSEN, Knowledge.CHOSEN),
        "aws:username": Knowledge.ABSENT,
        "aws:multifactorauthpresent": Knowledge.ABSENT,
        "aws:multifactorauthage": Knowledge.ABSENT,
        "aws:principalservicename": Knowledge.ABSENT,
        "aws:federatedprovider": Knowledge.ABSENT,
        # The evaluator would fill these from the placeholder session it asks as.
        "aws:principalarn": Knowledge.UNKNOWN,
        "aws:principalaccount": Knowledge.UNKNOWN,
        "aws:resourceaccount": Knowledge.UNKNOWN,
    },
    prefixes=(("aws:requesttag/", Knowledge.CHOSEN),),
)
EXECUTION_CONTEXT = {"aws:PrincipalIsAWSService": "false"}

OUTSIDER = Assumptions(
    keys={
        **dict.fromkeys(_CHOSEN, Knowledge.CHOSEN),
        **dict.fromkeys(_IDENTITY_FACTS, Knowledge.OUTSIDE_OR_ABSENT),
        **dict.fromkeys(_ALWAYS_SET, Knowledge.OUTSIDE),
        "aws:principaltype": Knowledge.CHOSEN,
        "aws:multifactorauthpresent": Knowledge.CHOSEN,
        "aws:multifactorauthage": Knowledge.CHOSEN,
        "aws:tokenissuetime": Knowledge.CHOSEN,
        "aws:resourceaccount": Knowledge.CHOSEN,
        "aws:resourceorgid": Knowledge.CHOSEN,
        "aws:resourceorgpaths": Knowledge.CHOSEN,
    },
    prefixes=(
        ("aws:principaltag/", Knowledge.CHOSEN),
        ("aws:requesttag/", Knowledge.CHOSEN),
        ("aws:resourcetag/", Knowledge.CHOSEN),
    ),
)
# A stranger is not an AWS service, and without a function URL of auth type AWS_IAM to sign
# for, reaches a URL-gated statement only as an unauthenticated caller.
OUTSIDER_CONTEXT = {
    "aws:PrincipalIsAWSService": "false",
    "lambda:FunctionUrlAuthType": "NONE",
}
