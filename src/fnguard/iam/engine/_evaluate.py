"""AWS's policy evaluation logic, offline.

The order follows the "Policy evaluation logic" page of the IAM User Guide:

1. An explicit Deny in any policy (identity, resource, boundary, session, SCP, RCP) decides.
2. RCPs, when given, must allow (they bound what can be done to the resources of the account).
3. SCPs, when given, must allow (they bound the principals of the account; not services).
4. Same account: a resource policy naming the user or the role session (or ``*``) allows on its
   own; one naming the role ARN stands in for an identity grant (still bounded by the permission
   boundary and session policy); one naming the account only delegates to identity policies.
   Cross account: the resource policy must allow *and* the caller's side must allow.
5. Otherwise the identity policies must allow, and the permission boundary and session
   policies (when given) must allow too: they limit identity-based grants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from fnguard.iam._wildcard import matches
from fnguard.iam.engine._conditions import conditions_hold
from fnguard.iam.engine._model import Effect, Policy
from fnguard.iam.engine._principals import Naming, exempted, naming
from fnguard.iam.engine._request import Caller, CallerKind, normalise_context
from fnguard.iam.engine._variables import substitute

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from fnguard.iam.engine._model import Statement
    from fnguard.iam.engine._request import Request

__all__ = ["Decision", "Outcome", "PolicySet", "evaluate"]


class Outcome(StrEnum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


@dataclass(frozen=True)
class PolicySet:
    """Every policy that takes part in one decision. Empty ``scps``/``rcps``/``session``
    and a ``None`` boundary mean "not in play" (not "deny everything"). The SCPs (and RCPs)
    given are one level of the organisation: any of them allowing is enough."""

    identity: tuple[Policy, ...] = ()
    resource: Policy | None = None
    boundary: Policy | None = None
    scps: tuple[Policy, ...] = ()
    rcps: tuple[Policy, ...] = ()
    session: tuple[Policy, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The verdict, the statements that decided it (``policy#Sid`` or ``policy#index``; none
    for an implicit deny, or for the root user acting in its own account) and why."""

    outcome: Outcome
    deciding: tuple[str, ...] = ()
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW


@dataclass(frozen=True)
class _Scope:
    caller: Caller
    action: str
    resource: str
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Single-valued keys only: a multivalued key cannot be a policy variable.
    variables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _resource_matches(statement: Statement, scope: _Scope, variables: bool) -> bool:
    if statement.resources is None:
        return True
    patterns: list[str] = []
    for raw in statement.resources:
        pattern = substitute(raw, scope.variables, pattern=True) if variables else raw
        if pattern is None:
            # An unresolved variable: that pattern matches nothing; under NotResource the
            # statement cannot be shown not to name the resource, so it does not apply.
            if statement.not_resource:
                return False
            continue
        if not variables and "${" in pattern:
            pattern = pattern.replace("$", "${$}")
        patterns.append(pattern)
    hit = any(matches(p, scope.resource) for p in patterns)
    return hit != statement.not_resource


def _applies(statement: Statement, scope: _Scope, variables: bool) -> Naming | None:
    """Does the statement (known to cover the action) cover this request? For statements
    with a Principal element, how it names the caller (``Naming.DIRECT`` without one)."""
    if not _resource_matches(statement, scope, variables):
        return None
    how = Naming.DIRECT
    if statement.principal is not None:
        if statement.not_principal:
            if exempted(statement.principal, scope.caller):
                return None
        else:
            named = naming(statement.principal, scope.caller)
            if named is None:
                return None
            how = named
    substitutions = scope.variables if variables else None
    if not conditions_hold(statement.conditions, scope.context, substitutions):
        return None
    return how


def _matching(
    policies: Iterable[Policy], scope: _Scope, effect: Effect
) -> list[tuple[Statement, Naming]]:
    out: list[tuple[Statement, Naming]] = []
    for policy in policies:
        for statement in policy.statements_for(scope.action):
            if statement.effect is effect:
                how = _applies(statement, scope, policy.variables_enabled)
                if how is not None:
                    out.append((statement, how))
    return out


def _refs(found: Sequence[tuple[Statement, Naming]]) -> tuple[str, ...]:
    return tuple(s.ref for s, _how in found)


def _context(request: Request, caller: Caller, owner: str) -> dict[str, tuple[str, ...]]:
    """The request's context, with the keys AWS always sets filled in when not given."""
    context = normalise_context(request.context)
    if caller.has_identity:
        context.setdefault("aws:principalarn", (caller.principal_arn,))
        context.setdefault("aws:principalaccount", (caller.account,))
        context.setdefault("aws:principaltype", (_PRINCIPAL_TYPE[caller.kind],))
    if caller.kind is CallerKind.USER:
        context.setdefault("aws:username", (caller.arn.rsplit("/", 1)[-1],))
    if owner:
        context.setdefault("aws:resourceaccount", (owner,))
    return context


_PRINCIPAL_TYPE = {
    CallerKind.ACCOUNT: "Account",
    CallerKind.USER: "User",
    CallerKind.ROLE: "AssumedRole",
    CallerKind.ROLE_SESSION: "AssumedRole",
    CallerKind.FEDERATED_USER: "FederatedUser",
    CallerKind.SERVICE: "AWSService",
    CallerKind.ANONYMOUS: "Anonymous",
}


def evaluate(request: Request, policies: PolicySet) -> Decision:
    """Allow, ExplicitDeny or ImplicitDeny for ``request`` under ``policies``."""
    caller = request.caller
    owner = request.resource_owner(caller)
    context = _context(request, caller, owner)
    multivalued = {k.lower() for k, v in request.context.items() if isinstance(v, list | tuple)}
    variables = {k: v for k, v in context.items() if k not in multivalued}
    scope = _Scope(caller, request.action, request.resource, context, variables)
    is_service = not caller.has_identity
    resource = (policies.resource,) if policies.resource else ()
    caller_side = () if is_service else policies.identity
    limits = () if is_service else (*policies.scps, *policies.session)
    boundary = (policies.boundary,) if policies.boundary and not is_service else ()
    everything = (*caller_side, *resource, *boundary, *limits, *policies.rcps)

    denies = _matching(everything, scope, Effect.DENY)
    if denies:
        return Decision(Outcome.EXPLICIT_DENY, _refs(denies), "an explicit Deny applies")
    rcp = _matching(policies.rcps, scope, Effect.ALLOW)
    if policies.rcps and not rcp:
        return Decision(Outcome.IMPLICIT_DENY, reason="no resource control policy allows")
    scp = _matching(policies.scps, scope, Effect.ALLOW)
    if policies.scps and not is_service and not scp:
        return Decision(Outcome.IMPLICIT_DENY, reason="no service control policy allows")
    granted = _matching(resource, scope, Effect.ALLOW)
    if is_service:
        if granted:
            return Decision(Outcome.ALLOW, _refs(granted), "the resource policy allows")
        return Decision(
            Outcome.IMPLICIT_DENY, reason=f"no resource policy allows the {caller.kind}"
        )

    same_account = owner == caller.account
    direct = [g for g in granted if g[1] is Naming.DIRECT]
    if same_account and direct:
        return Decision(
            Outcome.ALLOW, _refs(direct), "a same-account resource policy names the caller"
        )
    if caller.kind is CallerKind.ACCOUNT:
        # The root user has every permission of its account; SCPs, RCPs and explicit denies
        # (above) still apply, and another account's resource still has to allow it.
        if same_account or granted:
            return Decision(Outcome.ALLOW, _refs(granted), "the account root user")
        return Decision(
            Outcome.IMPLICIT_DENY, reason="cross-account: no resource policy allows the caller"
        )
    identity = _matching(caller_side, scope, Effect.ALLOW)
    as_role = [g for g in granted if g[1] is Naming.ROLE] if same_account else []
    if not identity and not as_role:
        reason = "no identity-based policy allows"
        return Decision(Outcome.IMPLICIT_DENY, reason=reason)
    if not same_account and not granted:
        return Decision(
            Outcome.IMPLICIT_DENY, reason="cross-account: no resource policy allows the caller"
        )
    bounded = _matching(boundary, scope, Effect.ALLOW)
    if boundary and not bounded:
        return Decision(Outcome.IMPLICIT_DENY, reason="the permission boundary does not allow")
    session = _matching(policies.session, scope, Effect.ALLOW)
    if policies.session and not session:
        return Decision(Outcome.IMPLICIT_DENY, reason="no session policy allows")
    grants = [*identity, *as_role] if same_account else [*granted, *identity]
    deciding = _refs([*grants, *bounded, *session])
    return Decision(Outcome.ALLOW, deciding, "identity-based grant within every limit")
