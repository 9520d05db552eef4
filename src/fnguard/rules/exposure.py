"""Exposure rules: who can reach a function, from where, and what code it loads from others.

Functions the user lists in ``thresholds.allowed_public`` (by name or address) are meant to be
public: EXP001 and EXP002 ("should this be public at all?") still report them, lowered to info
so that the exposure stays visible but never fails a build; EXP003-EXP005 and EXP007 are about
how a public function is protected and apply unchanged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fnguard.iam import (
    contextual,
    names_anyone,
    own_source_arn_reading,
    source_arn_reading,
    strangers_need_naming,
)
from fnguard.model import (
    Evidence,
    Finding,
    FrontDoor,
    FrontDoorKind,
    Function,
    Inventory,
    Provider,
    Remediation,
)
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._exp_layers import aws_publisher, publishers_source
from fnguard.rules._gaps import inventory_gaps
from fnguard.rules._iam_accounts import account_of, own_accounts

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from fnguard.iam import ContextChecker
    from fnguard.model import Permission

__all__ = ["RULES"]

_INTENDED_IMPACT = 2  # info: exposure the user declared intended
_GCP_PUBLIC_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})
# allUsers on a function only reachable from inside the network: no internet exposure.
_INTERNAL_INVOKER_IMPACT = 5
# Roles that let a member read a function's configuration without calling it.
_GCP_READ_ONLY_ROLE = re.compile(r"\.viewer$|^roles/browser$")


def _intended_public(fn: Function, ctx: RuleContext) -> bool:
    allowed = ctx.thresholds.allowed_public
    return fn.address in allowed or (fn.name is not None and fn.name in allowed)


def _public_impact(fn: Function, ctx: RuleContext, impact: int | None = None) -> int | None:
    return _INTENDED_IMPACT if _intended_public(fn, ctx) else impact


def _intended_note(fn: Function, ctx: RuleContext) -> str:
    return " (declared public in allowed_public)" if _intended_public(fn, ctx) else ""


# --------------------------------------------------------------------------- EXP001

EXP001 = RuleMeta(
    id="EXP001",
    title="Resource policy lets anyone invoke the function",
    impact=10,
    area="exposure",
    description=(
        "A statement of the function's resource policy grants lambda:InvokeFunction to a "
        "public principal with no condition that restricts the caller (source ARN or account, "
        "organisation, VPC endpoint, IP). Judged by the permission checker, so conditions that "
        "do restrict the caller silence it and wildcard-only ones do not. Functions listed in "
        "thresholds.allowed_public are reported at info."
    ),
    remediation=Remediation(
        text=(
            "Name the calling principal (an account, a service with source_arn) instead of "
            "'*', or add a condition such as aws:PrincipalOrgID."
        ),
        terraform=(
            'resource "aws_lambda_permission" "invoke" {\n'
            '  action              = "lambda:InvokeFunction"\n'
            "  function_name       = aws_lambda_function.fn.function_name\n"
            '  principal           = "123456789012"\n'
            '  principal_org_id    = "o-abc123"   # or a narrower principal\n'
            "}"
        ),
        cloudformation=(
            "Type: AWS::Lambda::Permission\n"
            "Properties:\n"
            "  Action: lambda:InvokeFunction\n"
            "  FunctionName: !Ref Fn\n"
            '  Principal: "123456789012"\n'
            "  PrincipalOrgID: o-abc123"
        ),
        cli="aws lambda remove-permission --function-name FN --statement-id PUBLIC_SID",
    ),
    mappings=Mappings(
        iso27001=("A.5.15", "A.8.3", "A.8.20"),
        cis=("AWS Compute Services 12.6",),
        owasp_serverless=("SAS-2", "SAS-3"),
    ),
)


def _may_name_stranger(perm: Permission) -> bool:
    """``may_name_stranger(perm.as_statement())`` without making the statement: it writes a
    principal of None or "*" as "*", any other as ``{"Service" or "AWS": principal}``."""
    return perm.principal is None or names_anyone(perm.principal)


def _check_public_invoke(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    gaps = inventory_gaps(inv)
    # Most functions' permissions name a service or an account, never a stranger: with the
    # offline evaluator their answer is a deny, without making their statements.
    skippable = strangers_need_naming(ctx.permissions)
    for fn in inv.functions:
        if fn.provider is not Provider.AWS:
            continue  # GCP invoker grants to allUsers are EXP002
        # The URL-only statement (lambda:InvokedViaFunctionUrl) is judged by EXP002 through the
        # URL's auth type; as a plain statement it would read as "anyone may invoke".
        perms = {p.address: p for p in inv.permissions_of(fn) if not p.invoked_via_function_url}
        # The resource policy itself unread (GetPolicy refused, conditions not modelled).
        policy_gaps = gaps.get(fn.address, "permissions")
        decision = (
            ctx.permissions.resource_allows_anonymous(
                [p.as_statement() for p in perms.values()], "lambda:InvokeFunction"
            )
            if perms and not (skippable and not any(map(_may_name_stranger, perms.values())))
            else None
        )
        if decision is None or not decision.allowed:
            if policy_gaps:
                yield EXP001.unknown(
                    fn=fn,
                    message=f"resource policy of {fn.address} unknown ({policy_gaps[0].reason})",
                )
            continue
        sids = [d.lstrip("#") for d in decision.deciding]
        perm = next((perms[s] for s in sids if s in perms), next(iter(perms.values())))
        # A principal or condition of the allowing statement fnguard could not read.
        unread = policy_gaps or gaps.get(perm.address)
        if unread:
            yield EXP001.unknown(
                fn=fn,
                message=(
                    f"anyone may invoke {fn.address} unless what fnguard could not read of "
                    f"{perm.address} restricts the caller ({unread[0].reason})"
                ),
                evidence=[Evidence("statement", s) for s in sids],
            )
            continue
        if decision.conditional:
            message = (
                f"anyone may invoke {fn.address} unless a condition fnguard cannot judge "
                "offline restricts the caller"
            )
            impact = _public_impact(fn, ctx, 6)
        else:
            message = f"anyone may invoke {fn.address}{_intended_note(fn, ctx)}"
            impact = _public_impact(fn, ctx)
        yield EXP001.finding(
            resource=perm.address,
            location=perm.location,
            message=message,
            evidence=[Evidence("statement", s) for s in sids],
            function=fn,
            impact=impact,
        )


# --------------------------------------------------------------------------- EXP002

EXP002 = RuleMeta(
    id="EXP002",
    title="Unauthenticated function URL or public GCP invoker",
    impact=9,
    area="exposure",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "A Lambda function URL with AuthType NONE, or a Cloud Function whose invoker role is "
        "granted to allUsers / allAuthenticatedUsers: anyone on the internet can run it. "
        "Functions listed in thresholds.allowed_public are reported at info."
    ),
    remediation=Remediation(
        text=(
            "Use AuthType AWS_IAM (callers sign requests) or put the function behind an API "
            "with an authoriser; on GCP grant roles/cloudfunctions.invoker to named members."
        ),
        terraform=(
            'resource "aws_lambda_function_url" "fn" {\n'
            "  function_name      = aws_lambda_function.fn.function_name\n"
            '  authorization_type = "AWS_IAM"\n'
            "}"
        ),
        cloudformation=(
            "Type: AWS::Lambda::Url\nProperties:\n  TargetFunctionArn: !Ref Fn\n  AuthType: AWS_IAM"
        ),
        cli=(
            "aws lambda update-function-url-config --function-name FN --auth-type AWS_IAM\n"
            "gcloud functions remove-iam-policy-binding FN --member=allUsers "
            "--role=roles/cloudfunctions.invoker"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.8.5", "A.5.15", "A.8.20"),
        cis=("AWS Compute Services 12.6", "GCP Foundations 1.1"),
        owasp_serverless=("SAS-2",),
    ),
)


def _check_open_url(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    gaps = inventory_gaps(inv)
    for fn in inv.functions:
        doors = inv.front_doors_of(fn)
        door_gaps = gaps.get(fn.address, "front_doors")
        if door_gaps and not any(d.kind is FrontDoorKind.FUNCTION_URL for d in doors):
            yield EXP002.unknown(
                fn=fn, message=f"function URL of {fn.address} unknown ({door_gaps[0].reason})"
            )
        for door in doors:
            if door.kind is not FrontDoorKind.FUNCTION_URL:
                continue
            if door.authorization is None:
                yield EXP002.unknown(
                    fn=fn, message=f"{door.address}: authorization type of the URL unknown"
                )
            elif door.authorization.upper() == "NONE":
                yield EXP002.finding(
                    resource=door.address,
                    location=door.location,
                    message=(
                        f"function URL of {fn.address} has AuthType NONE{_intended_note(fn, ctx)}"
                    ),
                    evidence=[Evidence("authorization", door.authorization)],
                    function=fn,
                    impact=_public_impact(fn, ctx),
                )
        if fn.provider is Provider.GCP:
            yield from _gcp_public_invokers(inv, fn, ctx)


def _gcp_public_invokers(inv: Inventory, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
    """Grants of a calling role to allUsers / allAuthenticatedUsers, on the function or (gen 2)
    on the Cloud Run service under it; a policy fnguard could not read makes it unknown."""
    found = False
    for perm in inv.permissions_of(fn):
        member = perm.principal or ""
        if member.lower() not in _GCP_PUBLIC_MEMBERS:
            continue
        if _GCP_READ_ONLY_ROLE.search(perm.action):
            continue  # a viewer role lets them read the function, not call it
        found = True
        who = "anyone" if member.lower() == "allusers" else "any Google account"
        internal = (fn.gcp_ingress or "").upper() == "ALLOW_INTERNAL_ONLY"
        where = " from inside the VPC network (ingress ALLOW_INTERNAL_ONLY)" if internal else ""
        yield EXP002.finding(
            resource=perm.address,
            location=perm.location,
            message=(
                f"{member} ({who}) may invoke {fn.address} through {perm.action}{where}"
                f"{_intended_note(fn, ctx)}"
            ),
            evidence=[Evidence("member", member), Evidence("role", perm.action)],
            function=fn,
            impact=_public_impact(fn, ctx, _INTERNAL_INVOKER_IMPACT if internal else None),
        )
    unread = inventory_gaps(inv).get(fn.address, "permissions")
    if unread and not found:
        yield EXP002.unknown(
            fn=fn, message=f"who may invoke {fn.address} is unknown ({unread[0].reason})"
        )


# --------------------------------------------------------------------------- EXP003

EXP003 = RuleMeta(
    id="EXP003",
    title="Service permission without SourceArn / SourceAccount (confused deputy)",
    impact=7,
    area="exposure",
    description=(
        "A permission lets an AWS service principal invoke the function without naming which "
        "resource (source ARN) or account (source account) may cause the call, so a resource "
        "in any account (a bucket, topic or rule someone else owns) can trigger it. S3 bucket "
        "ARNs carry no account: AWS advises a source account for S3 as well."
    ),
    remediation=Remediation(
        text="Set source_arn to the triggering resource, and source_account (always for S3).",
        terraform=(
            'resource "aws_lambda_permission" "s3" {\n'
            '  action         = "lambda:InvokeFunction"\n'
            "  function_name  = aws_lambda_function.fn.function_name\n"
            '  principal      = "s3.amazonaws.com"\n'
            "  source_arn     = aws_s3_bucket.in.arn\n"
            "  source_account = data.aws_caller_identity.current.account_id\n"
            "}"
        ),
        cloudformation=(
            "Type: AWS::Lambda::Permission\n"
            "Properties:\n"
            "  Principal: s3.amazonaws.com\n"
            "  SourceArn: !GetAtt InBucket.Arn\n"
            "  SourceAccount: !Ref AWS::AccountId"
        ),
        cli=(
            "aws lambda add-permission --function-name FN --statement-id s3 "
            "--action lambda:InvokeFunction --principal s3.amazonaws.com "
            "--source-arn arn:aws:s3:::BUCKET --source-account ACCOUNT"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.5.15", "A.8.3"),
        cis=("AWS Compute Services 12.10",),
        owasp_serverless=("SAS-3",),
    ),
)


def _anyone(checker: ContextChecker, perm: Permission, principal: str) -> tuple[bool, bool]:
    """(allowed, conditionally) for the service acting for any account's resource."""
    found = checker.service_allows([perm.as_statement()], principal, perm.action)
    return found.allowed, found.conditional


def _bucket(checker: ContextChecker, perm: Permission, principal: str) -> bool:
    """Allowed for the bucket the permission names, from a bucket owner of any account."""
    context = {"aws:SourceArn": perm.source_arn or ""}
    return checker.service_allows([perm.as_statement()], principal, perm.action, context).allowed


def _deputy_key(perm: Permission, principal: str, reading: object = None) -> tuple[object, ...]:
    """What a verdict depends on: the fields ``as_statement`` writes but the Sid (the Sid
    only names the statement in ``deciding``, which this rule does not report), the source
    ARN replaced by ``reading`` when given (``source_arn_reading``: what the question without
    a source ARN reads of it). Functions wired alike share one, so the evaluator runs once per
    distinct permission (and for any account, once per kind of source ARN); the fields
    themselves, not the statement, so no statement is made for a permission already judged."""
    arn: object = None
    if perm.source_arn:  # as_statement writes a source ARN as a test, and none otherwise
        arn = ("read", reading) if reading is not None else ("arn", perm.source_arn)
    return (
        principal,
        perm.principal,
        perm.action,
        arn,
        perm.source_account,
        perm.principal_org_id,
        perm.function_url_auth_type,
        perm.event_source_token,
        perm.invoked_via_function_url,
    )


def _bucket_key(
    perm: Permission,
    key: tuple[object, ...],
    read_own: Callable[[str, Iterable[object]], object],
) -> tuple[object, ...]:
    """What the bucket verdict depends on: ``key`` (the fields, the source ARN as read without
    it in the context) and the ARN as read when it is the context's own
    (``own_source_arn_reading``: mostly one bit). Buckets wired alike share one evaluation."""
    return (key, read_own(perm.source_arn or "", key))


def _check_confused_deputy(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    """Asked of the IAM evaluator per permission: would the service, acting for a resource of
    another account (``aws:SourceArn`` / ``aws:SourceAccount`` of its own), be let in?"""
    checker = contextual(ctx.permissions)
    read = source_arn_reading(checker)
    read_own = own_source_arn_reading(checker)
    anyone_verdicts: dict[tuple[object, ...], tuple[bool, bool]] = {}
    bucket_verdicts: dict[tuple[object, ...], bool] = {}
    for fn in inv.functions:
        if fn.provider is not Provider.AWS:
            continue
        for perm in inv.permissions_of(fn):
            principal = (perm.principal or "").lower()
            if not principal.endswith(".amazonaws.com"):
                continue
            reading = read(perm.source_arn) if perm.source_arn else None
            key = _deputy_key(perm, principal, reading)
            found = anyone_verdicts.get(key)
            if found is None:
                found = anyone_verdicts[key] = _anyone(checker, perm, principal)
            allowed, conditional = found
            bucket = False
            if not allowed and principal == "s3.amazonaws.com" and perm.source_arn:
                known_key = _bucket_key(perm, key, read_own)
                known = bucket_verdicts.get(known_key)
                if known is None:
                    known = bucket_verdicts[known_key] = _bucket(checker, perm, principal)
                bucket = known
            if allowed:
                message = f"{principal} may invoke {fn.address} on behalf of any account"
                if conditional:
                    message += " unless a condition fnguard cannot judge offline restricts it"
                impact = 5 if conditional else None
            elif bucket:
                # Bucket ARNs name no account: a deleted bucket's name can be taken by anyone.
                message = (
                    f"s3.amazonaws.com may invoke {fn.address} for bucket {perm.source_arn} "
                    "without a source account (bucket ARNs name no account)"
                )
                impact = 5
            else:
                continue
            yield EXP003.finding(
                resource=perm.address,
                location=perm.location,
                message=message,
                evidence=[Evidence("principal", principal)],
                function=fn,
                impact=impact,
            )


# --------------------------------------------------------------------------- EXP004

EXP004 = RuleMeta(
    id="EXP004",
    title="CORS allows any origin",
    impact=5,
    area="exposure",
    description=(
        "The function URL or HTTP API answers CORS requests from any origin ('*'), so any web "
        "page a user visits can call it from the user's browser."
    ),
    remediation=Remediation(
        text="List the origins of your own front ends in allow_origins.",
        terraform=(
            "cors {\n"
            '  allow_origins = ["https://app.example.com"]\n'
            '  allow_methods = ["GET", "POST"]\n'
            "}"
        ),
        cloudformation="Cors:\n  AllowOrigins:\n    - https://app.example.com",
        cli=(
            "aws lambda update-function-url-config --function-name FN "
            "--cors AllowOrigins=https://app.example.com"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.8.26", "A.8.20"),
        cis=(),
        owasp_serverless=("SAS-3",),
    ),
)


def _check_cors(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in inv.functions:
        for door in inv.front_doors_of(fn):
            if "*" not in (o.strip() for o in door.cors_allow_origins):
                continue
            yield EXP004.finding(
                resource=door.address,
                location=door.location,
                message=f"{door.kind.value} {door.address} of {fn.address} allows any CORS origin",
                evidence=[Evidence("allow_origins", ", ".join(door.cors_allow_origins))],
                function=fn,
            )


# --------------------------------------------------------------------------- EXP005

EXP005 = RuleMeta(
    id="EXP005",
    title="Public entry not behind a WAF",
    impact=7,
    area="exposure",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "A public REST API stage, HTTP API, unauthenticated function URL or GCP function with "
        "ingress ALLOW_ALL has no web application firewall in front. HTTP APIs and function "
        "URLs cannot be associated with AWS WAF directly: put CloudFront with a web ACL in "
        "front of them. GCP: serve through an HTTPS load balancer with Cloud Armor and set "
        "ingress to ALLOW_INTERNAL_AND_GCLB."
    ),
    remediation=Remediation(
        text=(
            "Associate a WAFv2 web ACL with the REST API stage; for HTTP APIs and function "
            "URLs, front them with CloudFront and a web ACL; on GCP use a load balancer with "
            "Cloud Armor and ingress ALLOW_INTERNAL_AND_GCLB."
        ),
        terraform=(
            'resource "aws_wafv2_web_acl_association" "api" {\n'
            "  resource_arn = aws_api_gateway_stage.prod.arn\n"
            "  web_acl_arn  = aws_wafv2_web_acl.api.arn\n"
            "}"
        ),
        cloudformation=(
            "Type: AWS::WAFv2::WebACLAssociation\n"
            "Properties:\n"
            "  ResourceArn: !Sub\n"
            '    "arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/prod"\n'
            "  WebACLArn: !GetAtt WebAcl.Arn"
        ),
        cli=(
            "aws wafv2 associate-web-acl --web-acl-arn WEB_ACL_ARN "
            "--resource-arn arn:aws:apigateway:REGION::/restapis/API_ID/stages/STAGE\n"
            "gcloud functions deploy FN --ingress-settings=internal-and-gclb"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.8.20", "A.8.21", "A.8.26"),
        cis=(),
        owasp_serverless=("SAS-1", "SAS-8"),
    ),
)

_NO_DIRECT_WAF = " (WAF cannot attach to it directly: put CloudFront with a web ACL in front)"


def _stages(door: FrontDoor) -> str:
    if not door.stages:
        return "its stage"
    names = ", ".join(door.stages)
    return f"stage {names}" if len(door.stages) == 1 else f"stages {names}"


def _rest_apis(inv: Inventory) -> dict[str, str]:
    """REST API of each integration door: the source of the trigger the door fronts. The web
    ACL is associated with the API's stage, not with the integration the door is keyed by."""
    out: dict[str, str] = {}
    for trig in inv.triggers:
        if trig.front_door and trig.source:
            out.setdefault(trig.front_door, trig.source)
    return out


def _unprotected(door: FrontDoor, fn: Function, api: str | None = None) -> str | None:
    """Why this public door counts as an unfiltered entry, or ``None`` if it does not."""
    if not door.public or door.waf_acl:
        return None
    if door.kind is FrontDoorKind.API_REST:
        return f"public REST API {api or door.address} has no WAF web ACL on {_stages(door)}"
    if door.kind is FrontDoorKind.API_HTTP:
        return f"public HTTP API {door.address} has no WAF{_NO_DIRECT_WAF}"
    if door.kind is FrontDoorKind.FUNCTION_URL and (door.authorization or "").upper() == "NONE":
        return f"unauthenticated function URL {door.address} has no WAF{_NO_DIRECT_WAF}"
    return None


_ARMOR_BYPASSED_IMPACT = 5  # Cloud Armor in front, but the function's own URL goes around it


def _gcp_entry(door: FrontDoor, fn: Function) -> Iterator[Finding]:
    """GCP: an unauthenticated function with ingress ALLOW_ALL takes requests from anywhere
    straight to its own URL; a load balancer with Cloud Armor only filters what passes
    through it, so with ALLOW_ALL its protection can be bypassed."""
    if not door.public:
        return
    if fn.gcp_ingress is None or door.authorization is None:
        what = "ingress setting" if fn.gcp_ingress is None else "invoker policy"
        yield EXP005.unknown(fn=fn, message=f"{fn.address}: {what} unknown")
        return
    if fn.gcp_ingress.upper() != "ALLOW_ALL" or door.authorization.upper() != "NONE":
        return
    evidence = [Evidence("front door", door.kind.value), Evidence("ingress", fn.gcp_ingress)]
    if door.waf_acl:
        evidence.append(Evidence("Cloud Armor policy", door.waf_acl))
        message = (
            f"{fn.address} is public with ingress ALLOW_ALL: its own URL bypasses the load "
            f"balancer protected by {door.waf_acl} (set ALLOW_INTERNAL_AND_GCLB)"
        )
        impact: int | None = _ARMOR_BYPASSED_IMPACT
    else:
        message = (
            f"{fn.address} is public and accepts traffic from anywhere (ingress ALLOW_ALL) "
            "with no load balancer and Cloud Armor in front"
        )
        impact = None
    yield EXP005.finding(
        resource=door.address,
        location=door.location,
        message=message,
        evidence=evidence,
        function=fn,
        impact=impact,
    )


def _check_waf(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    apis = _rest_apis(inv)
    for fn in inv.functions:
        for door in inv.front_doors_of(fn):
            if door.kind is FrontDoorKind.GCP_HTTP:
                yield from _gcp_entry(door, fn)
                continue
            why = _unprotected(door, fn, apis.get(door.address))
            if why is None:
                continue
            evidence = [Evidence("front door", door.kind.value)]
            resource, location = door.address, door.location
            if door.kind is FrontDoorKind.API_REST:
                evidence.append(Evidence("integration", door.address))
                if door.stage_resources:  # the WAF association goes on the stage
                    resource, location = door.stage_resources[0]
            yield EXP005.finding(
                resource=resource,
                location=location,
                message=f"{why}, in front of {fn.address}",
                evidence=evidence,
                function=fn,
            )


# --------------------------------------------------------------------------- EXP006

EXP006 = RuleMeta(
    id="EXP006",
    title="GCP HTTP trigger accepts plain HTTP",
    impact=7,
    area="exposure",
    providers=(Provider.GCP,),
    description=(
        "A Cloud Functions (1st gen) HTTP trigger whose security level is not SECURE_ALWAYS "
        "answers plain-HTTP requests without redirecting them: request bodies, tokens and "
        "responses cross the network unencrypted. SECURE_OPTIONAL is what the API applies "
        "when https_trigger_security_level is not set. 2nd gen functions (Cloud Run) serve "
        "HTTPS only."
    ),
    remediation=Remediation(
        text="Set the trigger's security level to SECURE_ALWAYS (HTTP is redirected to HTTPS).",
        terraform=(
            'resource "google_cloudfunctions_function" "fn" {\n'
            "  trigger_http                 = true\n"
            '  https_trigger_security_level = "SECURE_ALWAYS"\n'
            "}"
        ),
        cli="gcloud functions deploy FN --no-gen2 --trigger-http --security-level=secure-always",
    ),
    mappings=Mappings(
        iso27001=("A.8.20", "A.8.24"),
        cis=(),
        owasp_serverless=("SAS-3",),
    ),
)


def _check_plain_http(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in inv.functions:
        if fn.provider is not Provider.GCP:
            continue
        doors = [d for d in inv.front_doors_of(fn) if d.kind is FrontDoorKind.GCP_HTTP]
        if not doors:
            continue
        level = fn.gcp_https_security_level
        if level is None:
            yield EXP006.unknown(fn=fn, message=f"{fn.address}: HTTPS security level unknown")
            continue
        if level.upper() == "SECURE_ALWAYS":
            continue
        yield EXP006.finding(
            resource=fn.address,
            location=fn.location,
            message=f"{fn.address} answers plain HTTP (security level {level})",
            evidence=[Evidence("https_trigger_security_level", level)],
            function=fn,
        )


# --------------------------------------------------------------------------- EXP007

EXP007 = RuleMeta(
    id="EXP007",
    title="Layer from another account",
    impact=7,
    area="exposure",
    description=(
        "The function loads a layer published by an account that is neither one of yours "
        "(seen in the scanned sources or listed in trusted_accounts) nor an AWS publisher "
        "(accounts from aws-cdk-lib's region tables). Its owner can change the code your "
        "function runs at the next deployment. When fnguard cannot tell which accounts are "
        "yours, the finding is reported at lower impact."
    ),
    remediation=Remediation(
        text=(
            "Build the layer into your own account (or vendor its contents), or list the "
            "publisher in thresholds.trusted_accounts after reviewing it."
        ),
        terraform=(
            'resource "aws_lambda_layer_version" "deps" {\n'
            '  layer_name = "deps"\n'
            '  filename   = "build/deps.zip"\n'
            "}\n"
            "# and in aws_lambda_function: layers = [aws_lambda_layer_version.deps.arn]"
        ),
        cloudformation=(
            "Layers:\n  - !Ref DepsLayer   # an AWS::Lambda::LayerVersion in this stack"
        ),
        cli=(
            "aws lambda publish-layer-version --layer-name deps --zip-file fileb://deps.zip\n"
            "aws lambda update-function-configuration --function-name FN --layers NEW_LAYER_ARN"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.5.19", "A.5.21", "A.8.8"),
        cis=(),
        owasp_serverless=("SAS-6",),
    ),
)


def _check_layers(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    ours = own_accounts(inv, ctx.thresholds.trusted_accounts)
    for fn in inv.functions:
        if fn.provider is not Provider.AWS:
            continue
        for layer in fn.layers:
            account = account_of(layer)
            if account is None or account in ours or aws_publisher(account):
                continue  # a layer of this configuration, ours, or AWS's own
            evidence = [Evidence("layer", layer), Evidence("account", account)]
            if ours:
                message = f"{fn.address} loads a layer from account {account}, not one of yours"
                impact = None
            else:
                message = (
                    f"{fn.address} loads a layer from account {account}; the scanned sources "
                    "do not show which accounts are yours (set trusted_accounts)"
                )
                impact = 5
            evidence.append(Evidence("AWS publishers checked", publishers_source()))
            yield EXP007.finding(
                resource=fn.address,
                location=fn.location,
                message=message,
                evidence=evidence,
                function=fn,
                impact=impact,
            )


RULES: tuple[Rule, ...] = (
    Rule(EXP001, _check_public_invoke),
    Rule(EXP002, _check_open_url),
    Rule(EXP003, _check_confused_deputy),
    Rule(EXP004, _check_cors),
    Rule(EXP005, _check_waf),
    Rule(EXP006, _check_plain_http),
    Rule(EXP007, _check_layers),
)
