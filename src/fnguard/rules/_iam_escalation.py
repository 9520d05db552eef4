"""IAM002: the function's role can escalate privileges or move laterally; the path is named.

The methods and the graph live in ``fnguard.iam`` (``escalation_graph``); this module only
turns an inventory into the graph's principals and paths into findings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.iam import Graph, Hop, Path, Principal, admin_decision
from fnguard.model import (
    Evidence,
    Finding,
    Inventory,
    Policy,
    PolicyKind,
    Provider,
    Remediation,
)
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._iam_common import role_finding, role_views

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["IAM002", "RULE", "inventory_principals"]

IAM002 = RuleMeta(
    id="IAM002",
    title="Execution role allows privilege escalation or lateral movement",
    impact=10,
    area="iam",
    description=(
        "The role holds the permissions of a published privilege-escalation method "
        "(CreatePolicyVersion, Put/AttachRolePolicy, PassRole with CreateFunction, Glue, "
        "CloudFormation, EC2, ECS, CodeBuild, SageMaker, UpdateFunctionCode on a more "
        "privileged function, AssumeRole on a more privileged role, ...). The finding names "
        "the path hop by hop with the statements that allow each hop; denies, boundaries and "
        "conditions (iam:PassedToService) are weighed by the IAM evaluator. An administrator "
        "role is IAM001's finding, not this one's."
    ),
    remediation=Remediation(
        text=(
            "Remove the escalation permissions from the execution role; scope iam:PassRole "
            "to the one role the function must pass, with an iam:PassedToService condition."
        ),
        terraform=(
            "statement {\n"
            '  actions   = ["iam:PassRole"]\n'
            "  resources = [aws_iam_role.worker.arn]\n"
            "  condition {\n"
            '    test     = "StringEquals"\n'
            '    variable = "iam:PassedToService"\n'
            '    values   = ["lambda.amazonaws.com"]\n'
            "  }\n"
            "}"
        ),
        cloudformation=(
            "- Effect: Allow\n"
            "  Action: iam:PassRole\n"
            "  Resource: !GetAtt WorkerRole.Arn\n"
            "  Condition:\n"
            "    StringEquals: {iam:PassedToService: lambda.amazonaws.com}"
        ),
        cli=(
            "aws iam put-role-policy --role-name ROLE --policy-name scoped "
            "--policy-document file://no-escalation.json"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.5.15", "A.8.2", "A.5.18"),
        cis=("AWS Compute Services 12.4",),
        owasp_serverless=("SAS-4",),
    ),
)

_NOT_IDENTITY = (PolicyKind.TRUST, PolicyKind.RESOURCE)


def inventory_principals(inv: Inventory) -> tuple[Principal, ...]:
    """Every AWS role of the inventory with its known policies and the functions using it."""
    out: list[Principal] = []
    for role in inv.roles:
        if role.provider is not Provider.AWS:
            continue
        policies = [p for p in role.policies if p.kind not in _NOT_IDENTITY and p.document]
        if role.boundary is not None and role.boundary.document is not None:
            policies.append(role.boundary)
        runs = tuple((f.address, f.address) for f in inv.functions_using_role(role.address))
        out.append(
            Principal(
                key=role.address,
                arn=role.arn or role.address,
                policies=tuple(policies),
                trust=role.trust_policy,
                runs=runs,
            )
        )
    return tuple(out)


_ADMIN_MANAGED = ("AdministratorAccess",)


def _is_admin(attached: Sequence[Policy], known: Sequence[Policy], ctx: RuleContext) -> bool:
    named = any(
        p.kind is PolicyKind.AWS_MANAGED and (p.arn or p.name).rsplit("/", 1)[-1] in _ADMIN_MANAGED
        for p in attached
    )
    return named or admin_decision(ctx.permissions, known) is not None


def _check_escalation(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    graph: Graph | None = None
    # Role id -> (an administrator, its paths): functions share roles, and both answers
    # depend on the role alone (the inventory holds it for the rule run).
    per_role: dict[int, tuple[bool, list[Path]]] = {}
    for fn, view in role_views(inv):
        if fn.provider is not Provider.AWS:
            continue
        if isinstance(view, str):
            yield IAM002.unknown(fn=fn, message=view)
            continue
        known = per_role.get(id(view.role))
        if known is None:
            if _is_admin(view.role.policies, view.policies, ctx):
                known = (True, [])
            else:
                if graph is None:
                    graph = Graph(inventory_principals(inv), ctx.permissions)
                principal = graph.principal(view.role.address)
                known = (False, graph.paths(principal) if principal is not None else [])
            per_role[id(view.role)] = known
        admin, paths = known
        if admin:
            continue  # IAM001's finding: an administrator has nothing left to escalate to
        if not paths:
            if view.unknown:
                yield IAM002.unknown(
                    fn=fn,
                    message=f"{view.subject}: cannot tell whether it can escalate privileges: "
                    "some policy text is unknown",
                    evidence=view.unknown_evidence(),
                )
            continue
        start = Hop(fn.address, view.role.address, ("execution role",))
        certain = [p for p in paths if not p.conditional]
        shown = certain or paths
        titles = "; ".join(p.method.title for p in shown[:4])
        more = f" (+{len(shown) - 4} more)" if len(shown) > 4 else ""
        note = "" if certain else " unless a condition fnguard cannot judge offline stops it"
        evidence = [
            Evidence(f"path ({p.method.id})", f"{start.describe()}; {p.describe()}") for p in shown
        ]
        evidence.extend(Evidence("method source", p.method.citation) for p in shown[:1])
        yield role_finding(
            IAM002,
            view,
            f"can escalate privileges: {titles}{more}{note}",
            deciding=list(dict.fromkeys(d for p in shown for h in p.hops for d in h.deciding)),
            evidence=evidence,
            impact=None if certain else 7,
        )


RULE = Rule(IAM002, _check_escalation)
