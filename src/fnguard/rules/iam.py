"""IAM rules: what a function's execution role or service account lets it (and others) do.

Allow/deny questions go through ``ctx.permissions``; the rules only pick which questions to
ask. A role whose policy text is unknown (an AWS-managed policy fnguard has no copy of, a
computed value) gives UNKNOWN when the known part does not already decide.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fnguard.iam import (
    DATA_EXFILTRATION,
    Decision,
    ExposureClass,
    admin_decision,
    allowed_services,
    as_list,
    exposure,
    first_allowed,
    resource_scopable,
)
from fnguard.model import Evidence, Finding, Inventory, Policy, PolicyKind, Provider, Remediation
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._iam_accounts import account_of, own_accounts
from fnguard.rules._iam_common import RoleView, role_finding, role_views
from fnguard.rules._iam_escalation import RULE as ESCALATION

__all__ = ["RULES"]

_AWS_GCP = (Provider.AWS, Provider.GCP)


def _listing(items: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown} (+{len(items) - limit} more)" if len(items) > limit else shown


def _views(
    inv: Inventory, meta: RuleMeta, providers: tuple[Provider, ...] = (Provider.AWS,)
) -> list[RoleView | Finding]:
    """Each function's role view, or an UNKNOWN finding when the role cannot be known (a
    list: six rules walk a thousand views, and a generator resumes once per view)."""
    return [
        meta.unknown(fn=fn, message=view) if isinstance(view, str) else view
        for fn, view in role_views(inv)
        if fn.provider in providers
    ]


def _undecided(meta: RuleMeta, view: RoleView, question: str) -> Finding:
    return meta.unknown(
        fn=view.fn,
        message=f"{view.subject}: cannot tell whether {question}: some policy text is unknown",
        evidence=view.unknown_evidence(),
    )


def _limits(policy: Policy) -> bool:
    """Does the policy hold a Deny or a condition?"""
    return any(
        str(s.get("Effect", "")).capitalize() == "Deny" or "Condition" in s
        for s in policy.statements
    )


def _needs_evaluation(view: RoleView, by_document: dict[int, bool]) -> bool:
    """Can anything but an Allow's own text change what it grants (a Deny, a boundary, a
    condition)? If not, reading the Allow statements is the evaluator's answer too. (A
    document attached to many roles, kept alive by the inventory for the rule run, is read
    once.)"""
    if view.role.boundary is not None:
        return True
    for policy in view.policies:
        key = id(policy.document)
        found = by_document.get(key)
        if found is None:
            found = by_document[key] = _limits(policy)
        if found:
            return True
    return False


# --------------------------------------------------------------------------- IAM001

IAM001 = RuleMeta(
    id="IAM001",
    title="Execution role has administrator rights",
    impact=10,
    area="iam",
    providers=_AWS_GCP,
    description=(
        "The function's role allows every action on every resource (Action '*', "
        "AdministratorAccess, PowerUserAccess) or the service account holds roles/owner or "
        "roles/editor, on the project or on a folder or the organisation above it (which the "
        "project inherits). Any code injection in the function becomes control of the account."
    ),
    remediation=Remediation(
        text=(
            "Replace the administrator grant with a policy listing only the actions and "
            "resources the function uses; detach AdministratorAccess / PowerUserAccess, or "
            "give the service account narrow predefined roles."
        ),
        terraform=(
            'resource "aws_iam_role_policy" "fn" {\n'
            "  role   = aws_iam_role.fn.id\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect   = "Allow"\n'
            '      Action   = ["dynamodb:GetItem", "dynamodb:PutItem"]\n'
            "      Resource = aws_dynamodb_table.orders.arn\n"
            "    }]\n"
            "  })\n"
            "}\n"
            "# and remove aws_iam_role_policy_attachment of AdministratorAccess"
        ),
        cloudformation=(
            "Policies:\n"
            "  - PolicyName: orders\n"
            "    PolicyDocument:\n"
            "      Statement:\n"
            "        - Effect: Allow\n"
            "          Action: [dynamodb:GetItem, dynamodb:PutItem]\n"
            "          Resource: !GetAtt OrdersTable.Arn"
        ),
        cli=(
            "aws iam detach-role-policy --role-name ROLE "
            "--policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n"
            "gcloud projects remove-iam-policy-binding PROJECT "
            "--member=serviceAccount:SA_EMAIL --role=roles/editor"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.8.2", "A.5.15", "A.5.18"),
        cis=("AWS Foundations 1.16", "AWS Compute Services 12.9", "GCP Foundations 1.5"),
        owasp_serverless=("SAS-4",),
    ),
)

_ADMIN_MANAGED = ("AdministratorAccess", "PowerUserAccess")
_ADMIN_GCP = ("roles/owner", "roles/editor")


def _check_admin(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    decisions: dict[int, Decision | None] = {}  # by role, held by the inventory for the run
    for view in _views(inv, IAM001, _AWS_GCP):
        if isinstance(view, Finding):
            yield view
            continue
        role = view.role
        project = [r for r in role.gcp_roles if r in _ADMIN_GCP]
        above = [g for g in role.gcp_inherited if g.role in _ADMIN_GCP]
        if project or above:
            held = [f"{', '.join(project)} on the project"] if project else []
            held += [f"{g.role} on {g.scope} (inherited by the project)" for g in above]
            yield role_finding(
                IAM001,
                view,
                f"holds {'; '.join(held)}",
                evidence=[
                    *(Evidence("project role", r) for r in project),
                    *(Evidence("inherited role", f"{g.role} on {g.scope}") for g in above),
                ],
            )
            continue
        managed = [
            p
            for p in view.role.policies
            if p.kind is PolicyKind.AWS_MANAGED
            and (p.arn or p.name).rsplit("/", 1)[-1] in _ADMIN_MANAGED
        ]
        if managed:
            yield role_finding(
                IAM001,
                view,
                f"has the AWS-managed policy {managed[0].arn or managed[0].name} attached",
                evidence=[Evidence("policy", p.arn or p.name) for p in managed],
            )
            continue
        if view.fn.provider is not Provider.AWS:
            continue
        key = id(role)  # functions share roles; the answer depends on the role alone
        if key in decisions:
            decision = decisions[key]
        else:
            decision = decisions[key] = admin_decision(ctx.permissions, view.policies)
        if decision is not None:
            note = " (under a condition)" if decision.conditional else ""
            yield role_finding(
                IAM001,
                view,
                f"allows every action on every resource{note}",
                deciding=decision.deciding,
            )
        elif view.unknown:
            yield _undecided(IAM001, view, "it grants every action")


# --------------------------------------------------------------------------- IAM003

IAM003 = RuleMeta(
    id="IAM003",
    title="Wildcard service actions or write access on every resource",
    impact=8,
    area="iam",
    description=(
        "The role grants a whole service ('s3:*') or Write / Permissions-management actions "
        "with Resource '*'. Access levels come from the IAM action dataset. Actions that AWS "
        "cannot scope to a resource, and the log / trace / network-interface writes every "
        "Lambda needs, are left out; data reads on '*' are IAM004."
    ),
    remediation=Remediation(
        text=(
            "List the actions the function calls and scope each to the ARNs it touches; "
            "never grant 'service:*'. `fnguard` names the offending actions in the finding."
        ),
        terraform=(
            'data "aws_iam_policy_document" "fn" {\n'
            "  statement {\n"
            '    actions   = ["s3:PutObject"]\n'
            '    resources = ["${aws_s3_bucket.out.arn}/reports/*"]\n'
            "  }\n"
            "}"
        ),
        cloudformation=(
            '- Effect: Allow\n  Action: s3:PutObject\n  Resource: !Sub "${OutBucket.Arn}/reports/*"'
        ),
        cli=(
            "aws iam put-role-policy --role-name ROLE --policy-name scoped "
            "--policy-document file://scoped-policy.json"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.5.15", "A.8.2", "A.5.18"),
        cis=("AWS Compute Services 12.4",),
        owasp_serverless=("SAS-4",),
    ),
)

_WRITE_LEVELS = ("Write", "Permissions management")
# Writes the Lambda service itself needs (AWSLambdaBasicExecutionRole,
# AWSLambdaVPCAccessExecutionRole and AWSXRayDaemonWriteAccess grant them on "*").
_RUNTIME_WRITES = frozenset(
    {
        "logs:createloggroup",
        "logs:createlogstream",
        "logs:putlogevents",
        "ec2:createnetworkinterface",
        "ec2:deletenetworkinterface",
        "ec2:assignprivateipaddresses",
        "ec2:unassignprivateipaddresses",
    }
)


def _is_service_wildcard(pattern: str) -> bool:
    service, sep, action = pattern.partition(":")
    return bool(sep) and action == "*" and service not in ("", "*")


_Writes = dict[str, tuple[tuple[str, bool], ...]]


def _risky_writes(pattern: str, ctx: RuleContext, memo: _Writes) -> tuple[tuple[str, bool], ...]:
    """(action, is Permissions management) for the Write / Permissions-management actions
    ``pattern`` names that could be scoped and that the Lambda runtime does not need
    (memoised per rule run)."""
    if pattern not in memo:
        found = []
        for action in ctx.permissions.expand_action(pattern):
            level = ctx.permissions.access_level(action)
            if (
                level in _WRITE_LEVELS
                and action.lower() not in _RUNTIME_WRITES
                and action.lower() not in _EXFILTRATION
                and resource_scopable(action) is not False
            ):
                found.append((action, level == "Permissions management"))
        memo[pattern] = tuple(found)
    return memo[pattern]


_Group = tuple[tuple[str, bool], ...]
_Broad = tuple[tuple[str, ...], tuple[_Group, ...], tuple[str, ...]]


def _policy_broad(
    policy: Policy,
    view: RoleView,
    ctx: RuleContext,
    memo: tuple[_Writes, _Plans],
    check_each: bool,
) -> _Broad:
    """(service wildcards, groups of (write action on '*', is Permissions management),
    deciding statements) that one policy contributes, in statement order. Without
    ``check_each`` a group is the pattern's own tuple in ``memo`` (see ``_ordered``)."""
    writes_memo, plans = memo
    wildcards: list[str] = []
    writes: list[_Group] = []
    deciding: dict[str, None] = {}
    for index, stmt in enumerate(policy.statements):
        if str(stmt.get("Effect", "")).capitalize() != "Allow" or "Action" not in stmt:
            continue
        on_all = "*" in as_list(stmt.get("Resource"))
        decides = False
        for pattern, wildcard in _plan(as_list(stmt["Action"]), plans):
            if wildcard and (
                not check_each or ctx.permissions.identity_allows(view.policies, pattern).allowed
            ):
                wildcards.append(pattern)
                decides = True
            if not on_all:
                continue
            group = _risky_writes(pattern, ctx, writes_memo)
            if check_each:
                group = tuple(
                    write
                    for write in group
                    if ctx.permissions.identity_allows(view.policies, write[0], "*").allowed
                )
            if group:
                writes.append(group)
                decides = True
        if decides:  # named only then: most statements grant nothing broad
            deciding[f"{policy.name}#{stmt.get('Sid') or index}"] = None
    return tuple(wildcards), tuple(writes), tuple(deciding)


# (pattern, is a service wildcard) per pattern of an Action list but IAM001's, kept per list
# for one rule run: the roles of a stack write the same lists.
_Plans = dict[tuple[str, ...], tuple[tuple[str, bool], ...]]


def _plan(actions: tuple[str, ...], plans: _Plans) -> tuple[tuple[str, bool], ...]:
    found = plans.get(actions)
    if found is None:
        found = plans[actions] = tuple(
            (pattern, _is_service_wildcard(pattern))
            for pattern in actions
            if pattern.strip() not in ("*", "*:*")  # IAM001's business
        )
    return found


# (document id, policy name) -> what the policy contributes when nothing else in the role can
# change what its Allows grant; kept for one rule run, while the inventory holds the documents.
_ByDocument = dict[tuple[int, str], _Broad]
# The ids of the ``memo`` groups a role's writes come from (held by ``memo`` for the rule
# run) -> their actions in report order: the roles of a stack grant the same patterns.
_Orders = dict[tuple[int, ...], list[str]]


def _ordered(groups: list[_Group]) -> list[str]:
    """The groups' actions once each, Permissions management first, then by name."""
    writes: dict[str, bool] = {}
    for group in groups:
        writes.update(group)
    return sorted(writes, key=lambda a: (not writes[a], a))


def _broad_writes(
    view: RoleView,
    ctx: RuleContext,
    memo: tuple[_Writes, _Plans],
    by_document: _ByDocument,
    limits: dict[int, bool],
    orders: _Orders,
) -> tuple[list[str], list[str], list[str]]:
    """(service wildcards, write actions on '*' (Permissions management first), deciding
    statements) of a role. Roles whose Allows alone decide (no Deny, boundary or condition)
    read a policy attached to many of them (an AWS-managed one) once."""
    wildcards: list[str] = []
    groups: list[_Group] = []
    deciding: dict[str, None] = {}
    check_each = _needs_evaluation(view, limits)
    for policy in view.policies:
        if policy.kind is PolicyKind.BOUNDARY:
            continue
        if check_each:
            part = _policy_broad(policy, view, ctx, memo, check_each=True)
        else:
            key = (id(policy.document), policy.name)
            found = by_document.get(key)
            if found is None:
                found = by_document[key] = _policy_broad(policy, view, ctx, memo, False)
            part = found
        if part[2]:  # a policy without wildcards or writes decides nothing
            wildcards.extend(part[0])
            groups.extend(part[1])
            deciding.update(dict.fromkeys(part[2]))
    if not groups:
        ordered: list[str] = []
    elif check_each:  # groups made for this role: their ids may be reused once it is done
        ordered = _ordered(groups)
    else:
        order_key = tuple(map(id, groups))
        known = orders.get(order_key)
        if known is None:
            known = orders[order_key] = _ordered(groups)
        ordered = known
    return wildcards, ordered, list(deciding)


def _check_broad(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    memo: tuple[_Writes, _Plans] = ({}, {})
    by_document: _ByDocument = {}
    limits: dict[int, bool] = {}
    orders: _Orders = {}
    per_role: dict[int, tuple[list[str], list[str], list[str]]] = {}  # functions share roles
    for view in _views(inv, IAM003):
        if isinstance(view, Finding):
            yield view
            continue
        found = per_role.get(id(view.role))
        if found is None:
            found = _broad_writes(view, ctx, memo, by_document, limits, orders)
            per_role[id(view.role)] = found
        wildcards, writes, deciding = found
        if not wildcards and not writes:
            if view.unknown:
                yield _undecided(IAM003, view, "it grants broad write access")
            continue
        parts = []
        if wildcards:
            parts.append(f"grants whole services ({_listing(sorted(set(wildcards)))})")
        if writes:
            parts.append(f"grants {len(writes)} write/permissions actions on every resource")
        evidence = [Evidence("write actions on *", _listing(writes, 20))] if writes else []
        yield role_finding(IAM003, view, " and ".join(parts), deciding=deciding, evidence=evidence)


# --------------------------------------------------------------------------- IAM004

IAM004 = RuleMeta(
    id="IAM004",
    title="Data-access actions on every resource",
    impact=8,
    area="iam",
    description=(
        "The role can read secrets, parameters, objects or table items, or decrypt, on "
        "Resource '*': a compromised function can read every secret and table in the account."
    ),
    remediation=Remediation(
        text="Scope each read to the secret, parameter path, key, bucket prefix or table it needs.",
        terraform=(
            "statement {\n"
            '  actions   = ["secretsmanager:GetSecretValue"]\n'
            "  resources = [aws_secretsmanager_secret.db.arn]\n"
            "}\n"
            "statement {\n"
            '  actions   = ["ssm:GetParametersByPath"]\n'
            '  resources = ["arn:aws:ssm:${var.region}:${var.account}:parameter/app/orders/*"]\n'
            "}"
        ),
        cloudformation=(
            "- Effect: Allow\n  Action: secretsmanager:GetSecretValue\n  Resource: !Ref DbSecret"
        ),
        cli=(
            "aws iam put-role-policy --role-name ROLE --policy-name reads "
            "--policy-document file://scoped-reads.json"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.8.3", "A.5.15", "A.8.12"),
        cis=("AWS Compute Services 12.4",),
        owasp_serverless=("SAS-4", "SAS-7"),
    ),
)

_EXFILTRATION = frozenset(a.lower() for a in DATA_EXFILTRATION)
_EXFILTRATION_SERVICES = tuple((a, a.partition(":")[0]) for a in DATA_EXFILTRATION)


def _exfiltration(view: RoleView, ctx: RuleContext) -> tuple[list[str], list[str]]:
    """(data reads the role may make on every resource, the statements deciding them)."""
    services = allowed_services(view.policies, on_all=True)
    candidates = (
        DATA_EXFILTRATION
        if services is None
        else [a for a, service in _EXFILTRATION_SERVICES if service in services]
    )
    if not candidates:  # no Allow on '*' names a service of the list (most roles)
        return [], []
    classes = exposure(ctx.permissions, view.policies, candidates)
    found = list(classes.of(ExposureClass.DATA_EXFILTRATION))
    return found, list(dict.fromkeys(d for a in found for d in classes.deciding[a]))


def _check_exfiltration(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    per_role: dict[int, tuple[list[str], list[str]]] = {}  # functions share roles
    for view in _views(inv, IAM004):
        if isinstance(view, Finding):
            yield view
            continue
        known = per_role.get(id(view.role))
        if known is None:
            known = per_role[id(view.role)] = _exfiltration(view, ctx)
        found, deciding = known
        if found:
            yield role_finding(
                IAM004,
                view,
                f"can read data on every resource: {_listing(found)}",
                deciding=deciding,
                evidence=[Evidence("actions on *", ", ".join(found))],
            )
        elif view.unknown:
            yield _undecided(IAM004, view, "it reads data on every resource")


# --------------------------------------------------------------------------- IAM005

IAM005 = RuleMeta(
    id="IAM005",
    title="Execution role shared by several functions",
    impact=6,
    area="iam",
    providers=_AWS_GCP,
    description=(
        "Several functions run with one role or service account, so each holds the union of "
        "what all of them need, and a compromise of one reaches the data of all."
    ),
    remediation=Remediation(
        text="Give every function its own role (or service account) with only its permissions.",
        terraform=(
            'resource "aws_iam_role" "fn" {\n'
            "  for_each           = toset(var.functions)\n"
            '  name               = "${each.key}-exec"\n'
            "  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json\n"
            "}"
        ),
        cloudformation=(
            "OrdersFunctionRole:\n"
            "  Type: AWS::IAM::Role   # one per function, referenced by that function only"
        ),
        cli=(
            "aws iam create-role --role-name FN-exec "
            "--assume-role-policy-document file://lambda-trust.json\n"
            "aws lambda update-function-configuration --function-name FN "
            "--role arn:aws:iam::ACCOUNT:role/FN-exec"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.5.15", "A.8.2"),
        cis=("AWS Compute Services 12.5",),
        owasp_serverless=("SAS-4",),
    ),
)


def _others(users: Sequence[str], me: str, limit: int = 8) -> str:
    """``_listing`` of the role's other users, without copying thousands of names each time."""
    shown = [u for u in users[: limit + 1] if u != me][:limit]
    rest = len(users) - 1 - len(shown)
    return ", ".join(shown) + (f" (+{rest} more)" if rest > 0 else "")


def _check_shared(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    sorted_users: dict[str, list[str]] = {}  # once per role: thousands may share one
    for fn in inv.functions:
        role = inv.role_of(fn)
        key = role.address if role else fn.role
        if not key:
            continue
        users = inv.functions_using_role(key)
        if len(users) < 2:
            continue
        if key not in sorted_users:
            sorted_users[key] = sorted(u.address for u in users)
        others = _others(sorted_users[key], fn.address)
        yield IAM005.finding(
            resource=key,
            location=role.location if role else fn.location,
            message=f"{key} (role of {fn.address}) is shared with {others}",
            evidence=[Evidence("functions using the role", str(len(users)))],
            function=fn,
        )


# --------------------------------------------------------------------------- IAM006

IAM006 = RuleMeta(
    id="IAM006",
    title="Role can be assumed by principals other than the function service",
    impact=8,
    area="iam",
    providers=_AWS_GCP,
    description=(
        "The trust policy lets someone other than lambda.amazonaws.com (or "
        "edgelambda.amazonaws.com) assume the execution role: anyone ('*'), another service, "
        "a federated identity, or another account without sts:ExternalId / aws:PrincipalOrgID "
        "conditions. Principals of the function's own (or trusted) accounts are reported at "
        "lower impact. A GCP function running as a default service account is reported too."
    ),
    remediation=Remediation(
        text=(
            "Trust only the Lambda service (add aws:SourceAccount); give other principals "
            "their own roles. For GCP, deploy with a dedicated service account."
        ),
        terraform=(
            'data "aws_iam_policy_document" "lambda_trust" {\n'
            "  statement {\n"
            '    actions = ["sts:AssumeRole"]\n'
            "    principals {\n"
            '      type        = "Service"\n'
            '      identifiers = ["lambda.amazonaws.com"]\n'
            "    }\n"
            "  }\n"
            "}"
        ),
        cloudformation=(
            "AssumeRolePolicyDocument:\n"
            "  Statement:\n"
            "    - Effect: Allow\n"
            "      Principal: {Service: lambda.amazonaws.com}\n"
            "      Action: sts:AssumeRole"
        ),
        cli=(
            "aws iam update-assume-role-policy --role-name ROLE "
            "--policy-document file://lambda-trust.json\n"
            "gcloud functions deploy FN --service-account=fn-orders@PROJECT.iam.gserviceaccount.com"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.5.15", "A.5.18", "A.8.2"),
        cis=("AWS Compute Services 12.4", "GCP Foundations 4.1"),
        owasp_serverless=("SAS-4",),
    ),
)

_FUNCTION_SERVICES = frozenset({"lambda.amazonaws.com", "edgelambda.amazonaws.com"})


def _trust_problems(
    stmt: Mapping[str, Any], ctx: RuleContext, ours: frozenset[str]
) -> list[tuple[str, int]]:
    """(what is wrong, impact) for one Allow statement of a trust policy."""
    principal = stmt.get("Principal")
    if "NotPrincipal" in stmt:
        return [("trusts everyone but the principals listed in NotPrincipal", 8)]
    if type(principal) is dict and len(principal) == 1 and "Service" in principal:
        # Services only (every execution role's trust): no stranger is named, so no
        # condition needs weighing; what follows would find the same.
        return [
            (f"trusts the service {service}", 8)
            for service in as_list(principal["Service"])
            if service.lower() not in _FUNCTION_SERVICES
        ]
    if isinstance(principal, str) or (
        isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))
    ):
        open_ = ctx.permissions.resource_allows_anonymous([stmt], "sts:AssumeRole")
        return [("trusts any AWS principal ('*')", 8)] if open_.allowed else []
    if not isinstance(principal, Mapping):
        return []
    problems: list[tuple[str, int]] = []
    outsiders = [*as_list(principal.get("Federated")), *as_list(principal.get("AWS"))]
    # Would the statement's conditions stop a stranger? Asked only when strangers are named.
    restricted = bool(outsiders) and not (
        ctx.permissions.resource_allows_anonymous(
            [{**stmt, "Principal": "*"}], "sts:AssumeRole"
        ).allowed
    )
    for service in as_list(principal.get("Service")):
        if service.lower() not in _FUNCTION_SERVICES:
            problems.append((f"trusts the service {service}", 8))
    for federated in as_list(principal.get("Federated")):
        problems.append((f"trusts the federated identity {federated}", 5 if restricted else 8))
    for aws in as_list(principal.get("AWS")):
        account = account_of(aws)
        if account is not None and account in ours:
            problems.append((f"trusts {aws} of its own account", 5))
        elif restricted:
            problems.append((f"trusts {aws} under a restricting condition", 5))
        else:
            problems.append((f"trusts {aws} of another account without a condition", 8))
    return problems


def _check_trust(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    ours = own_accounts(inv, ctx.thresholds.trusted_accounts)
    per_role: dict[int, list[tuple[str, str, int]]] = {}  # functions share roles
    for view in _views(inv, IAM006, _AWS_GCP):
        if isinstance(view, Finding):
            yield view
            continue
        if view.fn.provider is Provider.GCP:
            if view.role.is_default_service_account:
                kind = "App Engine" if "@appspot." in (view.role.arn or "") else "Compute Engine"
                yield role_finding(
                    IAM006,
                    view,
                    f"is a default service account (the {kind} one): every workload of the "
                    "project left on it shares it, and Google grants it roles/editor unless "
                    "the organization policy iam.automaticIamGrantsForDefaultServiceAccounts "
                    "is enforced",
                    evidence=[Evidence("service account", view.role.arn or view.role.address)],
                )
            continue
        trust = view.role.trust_policy
        if trust is None or trust.document is None:
            yield IAM006.unknown(fn=view.fn, message=f"{view.subject}: trust policy unknown")
            continue
        problems = per_role.get(id(view.role))
        if problems is None:
            problems = per_role[id(view.role)] = _role_trust_problems(trust, ctx, ours)
        for ident, problem, impact in problems:
            yield IAM006.finding(
                resource=view.role.address,
                location=trust.location or view.role.location,
                message=f"{view.subject} {problem}",
                evidence=[Evidence("trust statement", ident)],
                function=view.fn,
                impact=impact,
            )


def _role_trust_problems(
    trust: Policy, ctx: RuleContext, ours: frozenset[str]
) -> list[tuple[str, str, int]]:
    """(statement, what is wrong, impact) for each problem of a role's trust policy."""
    found: list[tuple[str, str, int]] = []
    for index, stmt in enumerate(trust.statements):
        if str(stmt.get("Effect", "")).capitalize() != "Allow":
            continue
        actions = as_list(stmt.get("Action"))
        if actions and not any(
            a.lower().startswith(("sts:assumerole", "sts:*", "*")) for a in actions
        ):
            continue
        ident = f"{trust.name}#{stmt.get('Sid') or index}"
        found.extend(
            (ident, problem, impact) for problem, impact in _trust_problems(stmt, ctx, ours)
        )
    return found


# --------------------------------------------------------------------------- IAM008

IAM008 = RuleMeta(
    id="IAM008",
    title="Role cannot write logs",
    impact=8,
    area="iam",
    description=(
        "The execution role lacks logs:CreateLogStream or logs:PutLogEvents, so the function "
        "runs without any log: errors and attacks leave no trace."
    ),
    remediation=Remediation(
        text=(
            "Attach AWSLambdaBasicExecutionRole, or grant logs:CreateLogStream and "
            "logs:PutLogEvents on the function's log group."
        ),
        terraform=(
            'resource "aws_iam_role_policy_attachment" "logs" {\n'
            "  role       = aws_iam_role.fn.name\n"
            '  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"\n'
            "}"
        ),
        cloudformation=(
            "ManagedPolicyArns:\n"
            "  - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        ),
        cli=(
            "aws iam attach-role-policy --role-name ROLE "
            "--policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.8.15", "A.8.16"),
        cis=(),
        owasp_serverless=("SAS-5",),
    ),
)

_LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def _may_grant_logs(stmt: Mapping[str, Any]) -> bool:
    """Whether an Allow could grant a CloudWatch Logs action (its Action names logs or a
    wildcard, or it grants by NotAction); others' resources need not be asked about."""
    if "NotAction" in stmt:
        return True
    actions = as_list(stmt.get("Action"))
    found = _NAMES_LOGS.get(actions)
    if found is None:
        found = False
        for action in actions:
            service = action.partition(":")[0]
            if "*" in service or "?" in service or service.lower() == "logs":
                found = True
                break
        if len(_NAMES_LOGS) < _NAMES_LOGS_KEPT:
            _NAMES_LOGS[actions] = found
    return found


# By Action list (a pure function of it): the roles of a stack write the same lists.
_NAMES_LOGS: dict[tuple[str, ...], bool] = {}
_NAMES_LOGS_KEPT = 4096


def _policy_log_resources(policy: Policy) -> tuple[str, ...]:
    """Resources one policy's Allow statements for logs name, in order."""
    found: list[str] = []
    for stmt in policy.statements:
        if str(stmt.get("Effect", "")).capitalize() == "Allow" and _may_grant_logs(stmt):
            found.extend(as_list(stmt.get("Resource")))
    return tuple(found)


# By document id: the resources its Allows for logs name; and, for a role of that one
# policy, the same then "*" once.
_LogResources = tuple[dict[int, tuple[str, ...]], dict[int, tuple[str, ...]]]


def _resources_named(view: RoleView, memo: _LogResources) -> tuple[str, ...]:
    """Resources the role's Allow statements for logs name, then "*" (a document attached to
    many roles, kept alive by the inventory for the rule run, is read once; a role of one
    policy gets that document's answer, made once)."""
    by_document, alone = memo
    if len(view.policies) == 1:
        key = id(view.policies[0].document)
        found = alone.get(key)
        if found is None:
            named = by_document.get(key)
            if named is None:
                named = by_document[key] = _policy_log_resources(view.policies[0])
            found = alone[key] = tuple(dict.fromkeys((*named, "*")))
        return found
    seen: dict[str, None] = {}
    for policy in view.policies:
        key = id(policy.document)
        named = by_document.get(key)
        if named is None:
            named = by_document[key] = _policy_log_resources(policy)
        seen.update(dict.fromkeys(named))
    seen.setdefault("*", None)
    return tuple(seen)


def _missing_logs(view: RoleView, ctx: RuleContext, memo: _LogResources) -> list[str]:
    """The log actions the role may call on no resource its statements name, nor on all."""
    resources = _resources_named(view, memo)
    return [
        action
        for action in _LOG_ACTIONS
        if first_allowed(ctx.permissions, view.policies, (action,), resources) is None
    ]


def _check_logs(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    per_role: dict[int, list[str]] = {}  # functions share roles
    memo: _LogResources = ({}, {})
    for view in _views(inv, IAM008):
        if isinstance(view, Finding):
            yield view
            continue
        # Allowed on some resource the role names (its log group, typically), not on all.
        missing = per_role.get(id(view.role))
        if missing is None:
            missing = per_role[id(view.role)] = _missing_logs(view, ctx, memo)
        if not missing:
            continue
        if view.unknown:
            yield _undecided(IAM008, view, f"it may call {', '.join(missing)}")
            continue
        yield role_finding(
            IAM008,
            view,
            f"cannot call {' or '.join(missing)}: the function's logs are lost",
            evidence=[Evidence("missing", ", ".join(missing))],
        )


# --------------------------------------------------------------------------- IAM009

IAM009 = RuleMeta(
    id="IAM009",
    title="Allow with NotAction, NotResource or NotPrincipal",
    impact=6,
    area="iam",
    description=(
        "An Allow statement grants by exclusion: everything except the listed actions, "
        "resources or principals, including every action AWS adds in the future."
    ),
    remediation=Remediation(
        text="Rewrite the statement as an Allow of the actions / resources / principals needed.",
        terraform=(
            "statement {\n"
            '  effect    = "Allow"\n'
            '  actions   = ["sqs:SendMessage"]          # not not_actions\n'
            "  resources = [aws_sqs_queue.out.arn]      # not not_resources\n"
            "}"
        ),
        cloudformation=(
            "- Effect: Allow\n  Action: sqs:SendMessage\n  Resource: !GetAtt OutQueue.Arn"
        ),
        cli=(
            "aws iam put-role-policy --role-name ROLE --policy-name explicit "
            "--policy-document file://explicit-allow.json"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.5.15", "A.8.2"),
        cis=(),
        owasp_serverless=("SAS-4",),
    ),
)

_NEGATIONS = ("NotAction", "NotResource", "NotPrincipal")


# Actions to try a NotAction statement with (one it does not exclude will do).
_PROBES = ("s3:GetObject", "iam:PassRole", "ec2:RunInstances", "sts:AssumeRole", "kms:Decrypt")


def _grants_something(
    view: RoleView, stmt: Mapping[str, Any], ident: str, ctx: RuleContext
) -> bool:
    """Does the statement take part in some Allow, once denies, the boundary and its own
    conditions are weighed? Asked for one action and resource it covers."""
    actions = as_list(stmt.get("Action"))[:3] or _PROBES
    resources = as_list(stmt.get("Resource")) or ("*",)
    for action in actions:
        decision = ctx.permissions.identity_allows(view.policies, action, resources[0])
        if decision.allowed and ident in decision.deciding:
            return True
    return False


def _negations(view: RoleView, ctx: RuleContext) -> list[tuple[str, str]]:
    """(element, statement) for each Allow of the role that grants by exclusion."""
    hits: list[tuple[str, str]] = []
    policies = [*view.policies]
    if view.role.trust_policy is not None:
        policies.append(view.role.trust_policy)
    for policy in policies:
        if policy.kind is PolicyKind.BOUNDARY:
            continue
        for index, stmt in enumerate(policy.statements):
            if str(stmt.get("Effect", "")).capitalize() != "Allow":
                continue
            elements = [e for e in _NEGATIONS if e in stmt]
            if not elements:
                continue
            ident = f"{policy.name}#{stmt.get('Sid') or index}"
            if policy.kind is not PolicyKind.TRUST and not _grants_something(
                view, stmt, ident, ctx
            ):
                continue
            hits.extend((element, ident) for element in elements)
    return hits


def _check_negations(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    per_role: dict[int, list[tuple[str, str]]] = {}  # functions share roles
    for view in _views(inv, IAM009):
        if isinstance(view, Finding):
            yield view
            continue
        hits = per_role.get(id(view.role))
        if hits is None:
            hits = per_role[id(view.role)] = _negations(view, ctx)
        if hits:
            elements = sorted({e for e, _ in hits})
            yield role_finding(
                IAM009,
                view,
                f"allows by exclusion ({', '.join(elements)})",
                deciding=list(dict.fromkeys(ident for _, ident in hits)),
            )
        elif view.unknown:
            yield _undecided(IAM009, view, "an Allow uses NotAction / NotResource")


RULES: tuple[Rule, ...] = (
    Rule(IAM001, _check_admin),
    ESCALATION,
    Rule(IAM003, _check_broad),
    Rule(IAM004, _check_exfiltration),
    Rule(IAM005, _check_shared),
    Rule(IAM006, _check_trust),
    Rule(IAM008, _check_logs),
    Rule(IAM009, _check_negations),
)
