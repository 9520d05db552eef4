"""Run-time behaviour rules decided from configuration: recursive invocation loops.

RUN001 asks the permission checker whether the execution role may write to the bucket, queue
or topic that triggers the function, on a key the trigger's S3 filters let through. Lambda's
recursive loop detection (``RecursiveLoop=Terminate``, the default) stops SQS, SNS and S3
loops after about 16 invocations when the AWS SDK propagates the tracing header, so a loop
under detection is medium; with ``Allow`` it is unbounded and high.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnguard.iam import is_policy_variable, placeholders, substitute
from fnguard.model import (
    Bucket,
    Evidence,
    Finding,
    Function,
    Inventory,
    PolicyKind,
    Provider,
    Queue,
    Remediation,
    Role,
    Trigger,
    TriggerKind,
)
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._run_permissions import (
    Grant,
    allowed_on,
    allowed_somewhere,
    may_call,
    named_resources,
    unreadable_policies,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["RULES", "RUN001"]

RUN001 = RuleMeta(
    id="RUN001",
    title="Recursive invocation loop",
    impact=7,
    area="runtime",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "The function is triggered by an S3 bucket, SQS queue or SNS topic that its own role "
        "may write to (S3 prefix and suffix filters considered): one event can make it "
        "invoke itself again and again. Lambda's recursive loop detection (RecursiveLoop "
        "Terminate, the default) stops such loops after about 16 invocations when the SDK "
        "passes the tracing header; with RecursiveLoop=Allow nothing stops them. Allow on its "
        "own is reported at low impact. GCP: a function triggered by a Storage bucket (object "
        "finalized) or a Pub/Sub topic whose service account holds a role that writes objects "
        "there / publishes there, on the project or on the bucket / topic itself; nothing "
        "stops such a loop."
    ),
    remediation=Remediation(
        text=(
            "Write results to a different bucket, prefix, queue or topic than the one that "
            "triggers the function, restrict the role to it, and keep recursive loop detection "
            "on (Terminate)."
        ),
        terraform=(
            'resource "aws_lambda_function" "fn" {\n'
            '  recursive_loop = "Terminate"\n'
            "}\n"
            'resource "aws_s3_bucket_notification" "in" {\n'
            "  bucket = aws_s3_bucket.data.id\n"
            "  lambda_function {\n"
            "    lambda_function_arn = aws_lambda_function.fn.arn\n"
            '    events              = ["s3:ObjectCreated:*"]\n'
            '    filter_prefix       = "in/"  # and the role may only write out/*\n'
            "  }\n"
            "}"
        ),
        cloudformation="# policy: Resource: !Sub arn:aws:s3:::${DataBucket}/out/*",
        cli=(
            "aws lambda put-function-recursion-config --function-name FN --recursive-loop Terminate"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.6", "A.8.25"), owasp_serverless=("SAS-8", "SAS-9")),
)

_LOOP_DETECTED_IMPACT = 5  # stopped by Lambda after ~16 invocations
_LOOP_UNBOUNDED_IMPACT = 8  # RecursiveLoop=Allow
_ALLOW_ONLY_IMPACT = 3

_WRITE_ACTIONS = {
    TriggerKind.S3: ("s3:PutObject",),
    TriggerKind.SQS: ("sqs:SendMessage",),
    TriggerKind.SNS: ("sns:Publish",),
}
_S3_ARN = re.compile(r"^arn:[a-z-]+:s3:::([^/]+)")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_SNS_ARN = re.compile(r"^arn:[a-z-]+:sns:")
_SQS_ARN = re.compile(r"^arn:[a-z-]+:sqs:")
_PROBE = "fnguard-probe"


@dataclass(frozen=True)
class _Target:
    """What the trigger's source resolves to: concrete ARNs to ask about, or nothing known.

    A bucket whose name is unknown is asked about as the reference a policy would use for it
    (``${aws_s3_bucket.in.arn}/key``): the matcher matches a reference only to itself.
    """

    label: str
    resources: tuple[str, ...]  # empty: the source's ARN could not be built
    address: str | None = None  # set when the source is a resource whose ARN is unknown
    resolved: bool = True  # False: ``resources`` are references, not ARNs


def _filter(trig: Trigger, name: str) -> str:
    return next((v for k, v in trig.filters if k == name), "")


def _creates_objects(trig: Trigger) -> bool:
    events = [v for k, v in trig.filters if k == "event"]
    return not events or any(e.startswith(("s3:ObjectCreated", "s3:*")) for e in events)


def _instantiate(key_pattern: str, prefix: str, suffix: str) -> str | None:
    """A concrete key matching ``key_pattern`` that the trigger's filters would let through."""
    key = substitute(key_pattern, "x")
    last = key.rfind("*")
    if last >= 0:
        key = key[:last] + _PROBE + suffix + key[last + 1 :]
    key = key.replace("*", "x").replace("?", "x")
    return key if key.startswith(prefix) and key.endswith(suffix) else None


def _s3_keys(role: Role, bases: tuple[str, ...], trig: Trigger) -> tuple[str, ...]:
    """Object ARNs under each bucket ARN in ``bases`` that the trigger's filters let through."""
    prefix, suffix = _filter(trig, "prefix"), _filter(trig, "suffix")
    keys = {f"{prefix}{_PROBE}{suffix}": None}
    for resource in named_resources(role):
        if not (_S3_ARN.match(resource) or resource.startswith("${")) or "/" not in resource:
            continue
        key = _instantiate(resource.split("/", 1)[1], prefix, suffix)
        if key is not None:
            keys.setdefault(key, None)
    return tuple(f"{base}/{key}" for base in bases for key in keys)


def _reference_bases(address: str) -> tuple[str, ...]:
    """How a policy names the bucket ARN of ``address`` by a reference left unresolved."""
    return (
        f"${{{address}.arn}}",
        f"arn:aws:s3:::${{{address}.id}}",
        f"arn:aws:s3:::${{{address}.bucket}}",
    )


def _s3_target(inv: Inventory, role: Role, trig: Trigger) -> _Target:
    source = trig.source or ""
    known = inv.lookup(Bucket, source)
    if known is not None and (known.arn or known.name):
        source = known.arn or known.name or source
    found = _S3_ARN.match(source)
    bucket = found.group(1) if found else source if _BUCKET_NAME.match(source) else ""
    address = known.address if known is not None else None
    if address is None and trig.source and not bucket and not trig.source.startswith("${"):
        address = trig.source  # a resource address the inventory has no Bucket for
    bases: tuple[str, ...] = (f"arn:aws:s3:::{bucket}",) if bucket else ()
    bases += _reference_bases(address) if address else ()
    label = f"bucket {bucket or address or source or '(unknown)'}"
    return _Target(label, _s3_keys(role, bases, trig) if bases else (), address, bool(bucket))


def _referenced(inv: Inventory, resource: str) -> list[object]:
    """Objects of the inventory that ``resource`` names by unresolved references."""
    found: list[object] = []
    for inner in placeholders(resource):
        if is_policy_variable(inner):
            continue
        parts = inner.strip().split(".")
        for end in range(len(parts) - 1, 0, -1):
            item = inv.get(".".join(parts[:end]))
            if item is not None:
                found.append(item)
                break
    return found


def _unresolved(resource: str) -> bool:
    return any(not is_policy_variable(inner) for inner in placeholders(resource))


def _undecided(inv: Inventory, role: Role, target: _Target) -> tuple[str, ...]:
    """Resources the role names that may be the target without fnguard being able to tell:
    unresolved values, and (when the target's ARN is unknown) every other one. A reference
    to a log group, queue, role... of the inventory is not a bucket; one to a bucket was
    compared by reference already when the target is a bucket resource too (two bucket
    resources of one configuration are two buckets)."""

    def ruled_out(resource: str) -> bool:
        return any(
            not isinstance(item, Bucket) or target.address is not None
            for item in _referenced(inv, resource)
        )

    named = tuple(r for r in named_resources(role) if not ruled_out(r))
    if target.resolved:
        named = tuple(r for r in named if _unresolved(r))
    return named


def _target(inv: Inventory, role: Role, trig: Trigger) -> _Target:
    source = trig.source or ""
    if trig.kind is TriggerKind.S3:
        return _s3_target(inv, role, trig)
    if trig.kind is TriggerKind.SQS:
        queue = inv.lookup(Queue, source)
        arn = queue.arn if queue and queue.arn else source if _SQS_ARN.match(source) else ""
        label = f"queue {queue.name or queue.address}" if queue else f"queue {source}"
        return _Target(label, (arn,) if arn else ())
    arn = source if _SNS_ARN.match(source) else ""
    return _Target(f"topic {source or '(unknown)'}", (arn,) if arn else ())


def _loop_finding(fn: Function, trig: Trigger, target: _Target, grant: Grant) -> Finding:
    allow = (fn.recursive_loop or "").lower() == "allow"
    stopper = (
        "RecursiveLoop=Allow: nothing stops the loop"
        if allow
        else "Lambda's loop detection stops it after about 16 invocations if the SDK passes "
        "the tracing header"
    )
    evidence = [
        Evidence("trigger", f"{trig.kind.value} {trig.address}"),
        Evidence("role allows", f"{grant.action} on {grant.resource}"),
        Evidence("recursive_loop", fn.recursive_loop or "unknown"),
    ]
    if grant.decision.deciding:
        evidence.append(Evidence("deciding statements", ", ".join(grant.decision.deciding)))
    message = (
        f"{fn.name or fn.address} is triggered by {target.label} and its role may write to it "
        f"({grant.action}): a recursive loop; {stopper}"
    )
    if grant.decision.conditional:
        return RUN001.unknown(
            fn=fn, message=f"{message} (the allow is conditional)", evidence=evidence
        )
    return RUN001.finding(
        resource=fn.address,
        location=fn.location,
        function=fn,
        impact=_LOOP_UNBOUNDED_IMPACT if allow else _LOOP_DETECTED_IMPACT,
        message=message,
        evidence=evidence,
    )


def _trigger_findings(
    inv: Inventory, ctx: RuleContext, fn: Function, role: Role, trig: Trigger
) -> Iterator[Finding]:
    actions = _WRITE_ACTIONS[trig.kind]
    target: _Target | None = None
    partial: Grant | None = None
    # A role whose statements name none of the actions is denied them on every resource:
    # no target to work out, no question to ask (most roles, for most triggers).
    if may_call(ctx.permissions, role, actions):
        target = _target(inv, role, trig)
        if target.resources:
            grant = allowed_on(ctx.permissions, role, actions, target.resources)
        else:
            grant = allowed_on(ctx.permissions, role, actions, ("*",))
        if grant is None and target.resources and not target.resolved:
            grant = allowed_on(ctx.permissions, role, actions, ("*",))
        if grant is not None:
            yield _loop_finding(fn, trig, target, grant)
            return
        undecided = _undecided(inv, role, target) if trig.kind is TriggerKind.S3 else ()
        partial = allowed_on(ctx.permissions, role, actions, undecided)
        if partial is None and not target.resources:
            partial = allowed_somewhere(ctx.permissions, role, actions)
    unreadable = unreadable_policies(role)
    if partial is None and not unreadable:
        return
    if partial is None or target is None:
        reason = f"the text of policies {', '.join(unreadable)} is unknown"
    elif target.resolved and _unresolved(partial.resource):
        reason = (
            f"its role may call {partial.action} on {partial.resource}, which is not known offline"
        )
    else:
        reason = (
            f"its role may call {partial.action} on {partial.resource} and the ARN of "
            f"{target.label} is unknown"
        )
    yield RUN001.unknown(
        fn=fn,
        message=f"cannot tell whether {fn.name or fn.address} writes to its trigger: {reason}",
        evidence=[Evidence("trigger", f"{trig.kind.value} {trig.address}")],
    )


# --------------------------------------------------------------------------- GCP

# Predefined roles that carry storage.objects.create / pubsub.topics.publish (Google Cloud
# "IAM roles and permissions index"); custom roles cannot be judged offline.
_GCP_WRITERS = {
    "storage": frozenset(
        {
            "roles/owner",
            "roles/editor",
            "roles/storage.admin",
            "roles/storage.objectAdmin",
            "roles/storage.objectCreator",
            "roles/storage.objectUser",
            "roles/storage.legacyBucketOwner",
            "roles/storage.legacyBucketWriter",
        }
    ),
    "pubsub": frozenset(
        {
            "roles/owner",
            "roles/editor",
            "roles/pubsub.admin",
            "roles/pubsub.editor",
            "roles/pubsub.publisher",
        }
    ),
}
# Events a write of the function can cause: an object created in the bucket, a message
# published on the topic (gen 1 and gen 2 / Eventarc names).
_GCP_LOOP_EVENTS = (
    ("storage", re.compile(r"storage\.object\.(?:finalize|change)|storage\.object\.v1\.finalized")),
    ("pubsub", re.compile(r"pubsub\.topic\.(?:publish|v1\.messagePublished)|topic\.publish")),
)
_GCP_CUSTOM_ROLE = re.compile(r"^(?:projects|organizations)/[^/]+/roles/")


def _gcp_family(trig: Trigger) -> str | None:
    event = next((v for k, v in trig.filters if k == "event"), "")
    return next((family for family, pattern in _GCP_LOOP_EVENTS if pattern.search(event)), None)


def _gcp_grants(role: Role, family: str, target: str | None) -> tuple[list[str], list[str]]:
    """Writing roles the account holds on ``target`` or the project ("ROLE on WHERE"), and
    custom roles there (undecidable offline)."""
    scoped = [
        str(binding.get("role", ""))
        for policy in role.policies
        if policy.kind is PolicyKind.RESOURCE and target is not None and policy.arn == target
        for binding in (policy.document or {}).get("bindings", ())
        if isinstance(binding, dict)
    ]
    held = [f"{r} on {target}" for r in scoped] + [f"{r} on {w}" for r, w in role.gcp_roles_held()]
    writers = [h for h in held if h.split(" ", 1)[0] in _GCP_WRITERS[family]]
    custom = [h for h in held if _GCP_CUSTOM_ROLE.match(h)]
    return writers, custom


def _gcp_loop(inv: Inventory, fn: Function, trig: Trigger, family: str) -> Iterator[Finding]:
    role = inv.role_of(fn)
    what = "bucket" if family == "storage" else "topic"
    label = f"{what} {trig.source or '(unknown)'}"
    if role is None:
        if fn.role:
            yield RUN001.unknown(
                fn=fn,
                message=f"service account {fn.role} of {fn.name or fn.address} is not among "
                "the sources",
            )
        return
    writers, custom = _gcp_grants(role, family, trig.source)
    evidence = [Evidence("trigger", f"{trig.kind.value} {label}")]
    if writers:
        yield RUN001.finding(
            resource=fn.address,
            location=fn.location,
            function=fn,
            impact=_LOOP_UNBOUNDED_IMPACT,
            message=(
                f"{fn.name or fn.address} is triggered by {label} and its service account "
                f"{role.address} may write to it ({writers[0]}): a recursive loop that nothing "
                "on GCP stops"
            ),
            evidence=[*evidence, *(Evidence("service account role", r) for r in writers)],
        )
    elif custom or (role.is_default_service_account and not role.gcp_roles_held()):
        why = (
            f"custom role {custom[0]} cannot be judged offline"
            if custom
            else f"{role.address} is a default service account, which holds roles/editor "
            "unless automatic grants are disabled"
        )
        yield RUN001.unknown(
            fn=fn,
            message=f"cannot tell whether {fn.name or fn.address} writes to its trigger: {why}",
            evidence=evidence,
        )


def _check_gcp_run001(inv: Inventory, fn: Function) -> Iterator[Finding]:
    for trig in inv.triggers_of(fn):
        family = _gcp_family(trig) if trig.kind is TriggerKind.GCP_EVENT else None
        if family is not None and trig.enabled:
            yield from _gcp_loop(inv, fn, trig, family)


def _check_run001(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in inv.functions:
        if fn.provider is Provider.GCP:
            yield from _check_gcp_run001(inv, fn)
            continue
        triggers = [t for t in inv.triggers_of(fn) if t.kind in _WRITE_ACTIONS and t.enabled]
        triggers = [t for t in triggers if t.kind is not TriggerKind.S3 or _creates_objects(t)]
        role = inv.role_of(fn)
        findings: list[Finding] = []
        if triggers and role is None and fn.role:
            findings.append(
                RUN001.unknown(
                    fn=fn,
                    message=f"role {fn.role} of {fn.name or fn.address} is not among the sources",
                )
            )
        elif role is not None:
            for trig in triggers:
                findings.extend(_trigger_findings(inv, ctx, fn, role, trig))
        yield from findings
        if (fn.recursive_loop or "").lower() == "allow" and not findings:
            yield RUN001.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                impact=_ALLOW_ONLY_IMPACT,
                message=(
                    f"{fn.name or fn.address} turns Lambda's recursive loop detection off "
                    "(RecursiveLoop=Allow)"
                ),
                evidence=[Evidence("recursive_loop", "Allow")],
            )


RULES: tuple[Rule, ...] = (Rule(RUN001, _check_run001),)
