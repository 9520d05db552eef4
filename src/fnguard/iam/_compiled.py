"""Policy statements pre-digested for matching, cached per policy object.

Rules ask a role many questions (IAM004 alone asks sixteen), so each statement's Action and
Resource lists are turned once into exact-match sets plus the few wildcard patterns, grouped by
service. Policies are frozen but unhashable (their documents are dicts): the cache is keyed by
object identity and guarded by a weak reference, so a freed policy's id is never mistaken for a
new one.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnguard.iam._wildcard import has_wildcard, matches

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fnguard.model import Policy

__all__ = ["Compiled", "as_list", "compile_policy", "compile_statement", "statement_id"]


def as_list(raw: Any) -> tuple[str, ...]:
    """A policy element's values, whether written as one string or a list."""
    if raw is None:
        return ()
    if isinstance(raw, list | tuple):
        return tuple(str(v) for v in raw)
    return (str(raw),)


def _is_pattern(text: str) -> bool:
    return has_wildcard(text) or "${" in text


@dataclass(frozen=True)
class _Actions:
    exact: frozenset[str]  # lowercased "service:action"
    by_service: Mapping[str, tuple[str, ...]]  # wildcard patterns whose service is literal
    any_service: tuple[str, ...]  # wildcard patterns with a wildcard in the service

    @classmethod
    def of(cls, patterns: tuple[str, ...]) -> _Actions:
        exact: set[str] = set()
        by_service: dict[str, list[str]] = {}
        any_service: list[str] = []
        for raw in patterns:
            pattern = raw.strip().lower()
            service = pattern.partition(":")[0]
            if not _is_pattern(pattern):
                exact.add(pattern)
            elif _is_pattern(service):
                any_service.append(pattern)
            else:
                by_service.setdefault(service, []).append(pattern)
        frozen = {k: tuple(v) for k, v in by_service.items()}
        return cls(frozenset(exact), frozen, tuple(any_service))

    def hit(self, action: str) -> bool:
        """``action`` lowercased; a wildcard in it is literal ("*:*" asks for "every action")."""
        if action in self.exact:
            return True
        service = action.partition(":")[0]
        candidates = self.any_service + self.by_service.get(service, ())
        return any(matches(p, action) for p in candidates)


@dataclass(frozen=True)
class _Resources:
    exact: frozenset[str]
    wild: tuple[str, ...]

    @classmethod
    def of(cls, patterns: tuple[str, ...]) -> _Resources:
        exact = frozenset(p for p in patterns if not _is_pattern(p))
        return cls(exact, tuple(p for p in patterns if _is_pattern(p)))

    def hit(self, resource: str) -> bool:
        return resource in self.exact or any(matches(p, resource) for p in self.wild)


@dataclass(frozen=True)
class Compiled:
    """One statement, ready to answer "does it apply to this action and resource?"."""

    ident: str
    effect: str  # "Allow" | "Deny" | other (ignored)
    actions: _Actions | None  # None: the statement has neither Action nor NotAction
    not_action: bool
    resources: _Resources | None  # None: no Resource element (trust / resource policies)
    not_resource: bool
    conditional: bool
    raw: Mapping[str, Any]

    def applies(self, action: str, resource: str) -> bool:
        """``action`` must be lowercased by the caller (once per question, not per statement)."""
        if self.actions is None or self.actions.hit(action) is self.not_action:
            return False
        if self.resources is None:
            return True
        return self.resources.hit(resource) is not self.not_resource


def _element(stmt: Mapping[str, Any], name: str) -> tuple[tuple[str, ...] | None, bool]:
    """(values of ``name`` or of ``Not<name>``, whether it was the negated one)."""
    if name in stmt:
        return as_list(stmt[name]), False
    if f"Not{name}" in stmt:
        return as_list(stmt[f"Not{name}"]), True
    return None, False


def compile_statement(stmt: Mapping[str, Any], ident: str) -> Compiled:
    actions, not_action = _element(stmt, "Action")
    resources, not_resource = _element(stmt, "Resource")
    return Compiled(
        ident=ident,
        effect=str(stmt.get("Effect", "")).strip().capitalize(),
        actions=None if actions is None else _Actions.of(actions),
        not_action=not_action,
        resources=None if resources is None else _Resources.of(resources),
        not_resource=not_resource,
        conditional=bool(stmt.get("Condition")),
        raw=stmt,
    )


def statement_id(stmt: Mapping[str, Any], index: int, prefix: str = "") -> str:
    sid = stmt.get("Sid")
    return f"{prefix}#{sid}" if sid else f"{prefix}#{index}"


_CACHE: dict[int, tuple[weakref.ref[Policy], tuple[Compiled, ...]]] = {}


def compile_policy(policy: Policy) -> tuple[Compiled, ...]:
    key = id(policy)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is policy:
        return cached[1]
    compiled = tuple(
        compile_statement(stmt, statement_id(stmt, index, policy.name))
        for index, stmt in enumerate(policy.statements)
    )

    def forget(_ref: weakref.ref[Policy]) -> None:
        _CACHE.pop(key, None)

    _CACHE[key] = (weakref.ref(policy, forget), compiled)
    return compiled
