"""IAM007: permissions the execution role grants that the function's code never uses.

What the code needs comes from the SDK analysis (``Inventory.sdk_calls_of``) plus what
Lambda itself does with the role for this configuration (logs, tracing, VPC, event source
mappings, DLQ / destinations, the environment's KMS key). What the role grants comes from
``ctx.permissions``: every action a statement's pattern expands to, kept only if the
checker says the role's policies allow it. A role shared by several functions is judged
against the union of their needs. Code with SDK use the analysis could not resolve, a
missing handler, or policy text fnguard has no copy of make the answer UNKNOWN.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import replace
from typing import TYPE_CHECKING

from fnguard.code.sdk import SDK_GAP_FIELD, minimal_policy, platform_needs
from fnguard.iam import as_list
from fnguard.model import Evidence, PolicyKind, Provider, Remediation
from fnguard.rules._base import Mappings, Rule, RuleMeta
from fnguard.rules._gaps import inventory_gaps
from fnguard.rules._iam_common import RoleView, role_finding, role_views

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from fnguard.model import Finding, Function, Inventory
    from fnguard.rules._base import RuleContext

__all__ = ["IAM007", "RULES", "SDK_LANGUAGES"]

_EVERYTHING = frozenset({"*", "*:*"})
_LISTED = 20  # unused actions named per service
#: handler languages whose SDK calls fnguard.code.sdk analyses
SDK_LANGUAGES = frozenset({"python"})

IAM007 = RuleMeta(
    id="IAM007",
    title="Permissions granted but never used by the function's code",
    impact=7,
    area="iam",
    description=(
        "The execution role grants actions that neither the handler's AWS SDK calls nor "
        "Lambda's own needs for this function (logs, tracing, VPC interfaces, event source "
        "mappings, dead-letter queue, environment key) ever use. Every unused permission is "
        "one an attacker who injects code into the function can use. The SDK calls come "
        "from the handler's code (boto3 clients, resources, paginators, waiters) mapped to "
        "IAM actions; a minimal policy is generated from them."
    ),
    remediation=Remediation(
        text=(
            "Replace the role's policies with the generated minimal policy (in the finding's "
            "evidence), review the resources marked '*', and keep the AWS-managed basic "
            "execution policy only if logging is not already granted. Run `fnguard policy "
            "generate PATH` to regenerate it after changing the code."
        ),
        terraform=(
            'resource "aws_iam_role_policy" "least_privilege" {\n'
            "  role   = aws_iam_role.fn.id\n"
            '  policy = file("least-privilege.json") # from: fnguard policy generate src/\n'
            "}"
        ),
        cloudformation=(
            "Policies:\n"
            "  - PolicyName: least-privilege\n"
            "    PolicyDocument: # paste the generated policy\n"
            "      Version: '2012-10-17'\n"
            "      Statement: []"
        ),
        cli=(
            "fnguard policy generate src/ --format json | jq .policy > least-privilege.json\n"
            "aws iam put-role-policy --role-name ROLE --policy-name least-privilege "
            "--policy-document file://least-privilege.json"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.8.2", "A.5.15", "A.5.18"),
        cis=("AWS Compute Services 12.9",),
        owasp_serverless=("SAS-4",),
    ),
)


def _unknown(view: RoleView, message: str, evidence: Sequence[Evidence] = ()) -> Finding:
    return IAM007.unknown(fn=view.fn, message=f"{view.subject}: {message}", evidence=evidence)


def _code_blocker(inv: Inventory, fn: Function) -> str | None:
    """Why this function's code needs cannot be known, or None when they can."""
    code_gaps = [g for g in inventory_gaps(inv).get(fn.address, "code") if g.field == "code"]
    if code_gaps:
        return f"the handler code of {fn.address} could not be analysed ({code_gaps[0].reason})"
    handler = inv.handler_of(fn)
    if handler is None:
        return f"the handler code of {fn.address} was not analysed"
    if handler.language not in SDK_LANGUAGES:
        return f"the AWS SDK calls of {handler.language} handlers ({fn.address}) are not analysed"
    if handler.dynamic_sdk_use:
        why = [g.reason for g in inventory_gaps(inv).get(fn.address, SDK_GAP_FIELD) if g.field]
        detail = f" ({why[0]})" if why else ""
        return f"{fn.address} makes AWS SDK calls the analysis cannot resolve{detail}"
    return None


def _in_scope(inv: Inventory, fn: Function) -> bool:
    """Judged at all: its code was (or should have been) analysed for SDK calls."""
    handler = inv.handler_of(fn)
    if handler is not None:
        return handler.language in SDK_LANGUAGES
    return any(g.field == "code" for g in inventory_gaps(inv).get(fn.address, "code"))


def _granted(view: RoleView, ctx: RuleContext) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """``lowercase action -> (canonical action, granting statement)`` the role allows, and
    the patterns that allow actions of every service (not expanded: IAM001 reports ``*``)."""
    granted: dict[str, tuple[str, str]] = {}
    everything: list[str] = []
    policies = view.policies
    identity = [p for p in policies if p.kind is not PolicyKind.BOUNDARY]
    for policy in identity:
        for index, stmt in enumerate(policy.statements):
            ident = f"{policy.name}#{stmt.get('Sid') or index}"
            if str(stmt.get("Effect", "")).capitalize() != "Allow":
                continue
            if "Action" not in stmt:
                denied = ", ".join(as_list(stmt.get("NotAction", ())))
                everything.append(f"NotAction [{denied}]")
                continue
            resources = [str(r) for r in as_list(stmt.get("Resource", "*"))] or ["*"]
            for pattern in as_list(stmt["Action"]):
                if pattern.strip() in _EVERYTHING or pattern.startswith("*"):
                    everything.append(pattern)
                    continue
                for action in ctx.permissions.expand_action(pattern):
                    key = action.lower()
                    if key in granted:
                        continue
                    if any(
                        ctx.permissions.identity_allows(policies, action, r).allowed
                        for r in resources
                    ):
                        granted[key] = (action, ident)
    return granted, everything


def _wildcards(view: RoleView, ctx: RuleContext, used: set[str]) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[str] = set()
    for policy in view.policies:
        if policy.kind is PolicyKind.BOUNDARY:
            continue
        for stmt in policy.statements:
            if str(stmt.get("Effect", "")).capitalize() != "Allow":
                continue
            for pattern in as_list(stmt.get("Action", ())):
                if ("*" not in pattern and "?" not in pattern) or pattern in seen:
                    continue
                seen.add(pattern)
                if pattern.strip() in _EVERYTHING:
                    out.append(Evidence("wildcard", f"{pattern} grants every action (IAM001)"))
                    continue
                if pattern.startswith("*"):
                    out.append(Evidence("wildcard", f"{pattern} matches actions of every service"))
                    continue
                expanded = ctx.permissions.expand_action(pattern)
                hits = sorted(a for a in expanded if a.lower() in used)
                uses = f"the code uses {len(hits)}" + (f" ({', '.join(hits)})" if hits else "")
                out.append(
                    Evidence("wildcard", f"{pattern} grants {len(expanded)} actions; {uses}")
                )
    return out


def _listing(actions: Sequence[str]) -> str:
    """The first actions by name, the rest counted (a wildcard's evidence explains them)."""
    shown = ", ".join(actions[:_LISTED])
    return f"{shown} (+{len(actions) - _LISTED} more)" if len(actions) > _LISTED else shown


def _by_service(actions: Sequence[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for action in sorted(actions, key=str.lower):
        grouped.setdefault(action.partition(":")[0], []).append(action)
    return grouped


def _remediation(policy: Mapping[str, object], role: str, role_name: str) -> Remediation:
    text = json.dumps(policy, indent=2)
    base = IAM007.remediation
    return Remediation(
        text=base.text,
        terraform=(
            f'resource "aws_iam_role_policy" "least_privilege" {{\n'
            f"  role   = {role}\n"
            f"  policy = jsonencode({text})\n"
            "}"
        ),
        cloudformation=f"PolicyDocument: {text}",
        cli=(
            f"aws iam put-role-policy --role-name {shlex.quote(role_name)} "
            "--policy-name least-privilege "
            f"--policy-document {shlex.quote(json.dumps(policy, separators=(',', ':')))}"
        ),
    )


def _check(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    grants: dict[str, tuple[dict[str, tuple[str, str]], list[str]]] = {}  # per role
    for fn, view in role_views(inv):
        if fn.provider is not Provider.AWS:
            continue
        if not _in_scope(inv, fn):
            continue  # no code analysed for SDK use, and none expected: nothing to compare
        if isinstance(view, str):
            yield IAM007.unknown(fn=fn, message=view)
            continue
        yield from _judge(inv, ctx, view, grants)


def _judge(
    inv: Inventory,
    ctx: RuleContext,
    view: RoleView,
    grants: dict[str, tuple[dict[str, tuple[str, str]], list[str]]],
) -> Iterator[Finding]:
    """One role's verdict for one function; ``grants`` caches what each role grants."""
    sharing = inv.functions_using_role(view.role.address) or (view.fn,)
    for other in sharing:
        blocker = _code_blocker(inv, other)
        if blocker is not None:
            yield _unknown(view, f"cannot tell which permissions are unused: {blocker}")
            return
    if view.unknown:
        yield _unknown(
            view,
            "cannot tell which permissions are unused: some policy text is unknown",
            view.unknown_evidence(),
        )
        return
    calls = [c for other in sharing for c in inv.sdk_calls_of(other)]
    platform = [n for other in sharing for n in platform_needs(other, inv)]
    used = {a.lower() for c in calls for a in c.actions} | {n.action.lower() for n in platform}
    if view.role.address not in grants:
        grants[view.role.address] = _granted(view, ctx)
    granted, everything = grants[view.role.address]
    unused = sorted((a for k, (a, _) in granted.items() if k not in used), key=str.lower)
    deciding = tuple(dict.fromkeys(i for k, (_, i) in granted.items() if k not in used))
    if not unused and not everything:
        return
    grouped = _by_service(unused)
    # Services only: the key of the finding (baselines) must not change when the action
    # dataset grows; counts and names are in the evidence.
    parts = [f"every action via {', '.join(everything)}"] if everything else []
    parts += list(grouped)
    shared = ""
    if len(sharing) > 1:
        others = ", ".join(f.address for f in sharing)
        shared = f" (role shared by {others}: their needs are combined)"
    policy = minimal_policy(calls, [(n.action, "*") for n in platform])
    evidence = [Evidence(f"unused {s} ({len(a)})", _listing(a)) for s, a in grouped.items()]
    evidence += _wildcards(view, ctx, used)
    reasons = sorted({n.reason for n in platform})
    evidence.append(Evidence("counted as Lambda's own needs", "; ".join(reasons)))
    if len(sharing) > 1:
        evidence.append(Evidence("shared role", ", ".join(f.address for f in sharing)))
    evidence.append(Evidence("minimal policy", json.dumps(policy, separators=(",", ":"))))
    message = f"grants actions its code never uses{shared}: {'; '.join(parts)}"
    finding = role_finding(IAM007, view, message, deciding=deciding, evidence=evidence)
    remediation = _remediation(policy, f"{_tf_name(view)}.id", view.role.name or "ROLE")
    yield replace(finding, remediation=remediation)


def _tf_name(view: RoleView) -> str:
    address = view.role.address
    return address if address.startswith("aws_iam_role.") else "aws_iam_role.fn"


RULES = (Rule(IAM007, _check),)
