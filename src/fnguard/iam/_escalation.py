"""Privilege escalation and lateral movement, as data and as a graph.

The published methods (``data/iam_escalation_methods.json``: Rhino Security Labs' list and the
later public additions) say which actions each needs and on what. The graph links principals:
a function runs with its execution role; a role reaches another role by passing it to a
service, assuming it, rewriting it, or changing the code of a function that runs with it. A
path names every hop with the action and the statements that allow it. Every allow/deny
question goes to the checker (the evaluator by default), so denies, boundaries and conditions
(``iam:PassedToService`` pinned to another service) count.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from fnguard._data import shipped_text
from fnguard.iam._analysis import admin_decision
from fnguard.iam._contextual import contextual
from fnguard.iam._elements import allowed_services, as_list
from fnguard.iam._held import Held

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from fnguard.iam._interface import Decision, PermissionChecker
    from fnguard.model import Policy

__all__ = [
    "Graph",
    "Hop",
    "Method",
    "Path",
    "Principal",
    "methods",
    "methods_source",
    "translate",
]

_DATA = "iam_escalation_methods.json"
_SHARED_TARGETS = frozenset({"account", "function"})
# Held on "*", each of these lets a principal give itself anything: a privileged target.
_PRIVILEGED_ACTIONS = (
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
)


@dataclass(frozen=True)
class Method:
    """One published escalation technique (``data/iam_escalation_methods.json``): what a principal
    must be allowed, and the source IAM002 cites."""

    id: str
    title: str
    actions: tuple[str, ...]
    target: str  # "account" | "role" | "function" | "assume"
    pass_to: str | None
    citation: str

    @property
    def all_actions(self) -> tuple[str, ...]:
        return (*self.actions, "iam:PassRole") if self.pass_to else self.actions

    @functools.cached_property
    def services(self) -> frozenset[str]:
        return frozenset(a.partition(":")[0].lower() for a in self.all_actions)


@functools.lru_cache(maxsize=1)
def _document() -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = json.loads(shipped_text(_DATA))
    return loaded


@functools.lru_cache(maxsize=1)
def methods() -> tuple[Method, ...]:
    return tuple(
        Method(
            id=m["id"],
            title=m["title"],
            actions=tuple(m["actions"]),
            target=m["target"],
            pass_to=m.get("pass_to"),
            citation=m["citation"],
        )
        for m in _document()["methods"]
    )


def methods_source() -> tuple[str, ...]:
    return tuple(_document()["sources"])


# An AWS-managed policy attached to a thousand roles is written out once.
_TEXTS: Held[str] = Held()


def _policy_text(policy: Policy) -> str:
    """One policy's part of a fingerprint: its kind and document as canonical JSON (one line:
    JSON escapes newlines, so parts joined by newlines stay apart)."""
    kind = str(policy.kind)
    return _TEXTS.get(
        (policy.document,),
        kind,
        lambda: json.dumps([kind, policy.document], sort_keys=True, default=str),
    )


@dataclass(frozen=True)
class Principal:
    """A role (or user) as the graph sees it. ``arn`` is what requests name it by (its ARN,
    or its address when the source does not say); ``runs``: the functions that use it."""

    key: str
    arn: str
    policies: tuple[Policy, ...]
    trust: Policy | None = None
    runs: tuple[tuple[str, str], ...] = ()  # (function key, function ARN or address)
    kind: str = "role"

    @functools.cached_property
    def fingerprint(self) -> str:
        """What its policies say, whatever they are called: principals with the same
        fingerprint get the same answers (only the statement names differ)."""
        return "\n".join(_policy_text(p) for p in self.policies)

    @functools.cached_property
    def policy_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.policies)


def translate(decision: Decision, source: Principal, target: Principal) -> Decision:
    """``decision`` taken for ``source``, with its statements named as ``target`` names them
    (same fingerprint: the same policies in the same order)."""
    if source is target or not decision.deciding:
        return decision
    index = {name: i for i, name in reversed(list(enumerate(source.policy_names)))}
    refs = []
    for ref in decision.deciding:
        name, sep, sid = ref.rpartition("#")
        i = index.get(name)
        refs.append(f"{target.policy_names[i]}{sep}{sid}" if i is not None else ref)
    return replace(decision, deciding=tuple(refs))


@dataclass(frozen=True)
class Hop:
    """One step of an escalation path: who reaches what with which actions, and the statements that
    allow it (IAM002 cites them)."""

    source: str
    target: str
    actions: tuple[str, ...]
    deciding: tuple[str, ...] = ()

    def describe(self) -> str:
        why = f" [{', '.join(self.deciding)}]" if self.deciding else ""
        return f"{self.source} --{' + '.join(self.actions)}{why}--> {self.target}"


@dataclass(frozen=True)
class Path:
    """One way a principal escalates with one method, hop by hop; conditional when a condition
    fnguard cannot judge offline may stop it."""

    method: Method
    hops: tuple[Hop, ...]
    conditional: bool = False

    def describe(self) -> str:
        return "; ".join(h.describe() for h in self.hops)


@functools.lru_cache(maxsize=1024)
def _usable_methods(services: frozenset[str] | None) -> tuple[Method, ...]:
    """The methods whose every service some Allow names (all, when any service may be)."""
    return tuple(m for m in methods() if services is None or m.services <= services)


def _may_be_privileged(principal: Principal) -> bool:
    """A cheap look: privilege needs an Allow on IAM actions (or on any service)."""
    services = allowed_services(principal.policies)
    return services is None or "iam" in services


def _trusts_service(trust: Policy | None, service: str) -> bool:
    if trust is None:
        return False
    for stmt in trust.statements:
        if str(stmt.get("Effect", "")).capitalize() != "Allow":
            continue
        principal = stmt.get("Principal")
        if principal == "*" or (
            isinstance(principal, dict) and service in as_list(principal.get("Service"))
        ):
            return True
    return False


@dataclass
class Graph:
    """Principals and the functions that run with them; paths computed on demand."""

    principals: Sequence[Principal]
    checker: PermissionChecker
    _cache: dict[tuple[str, str, str, str], tuple[Principal, Decision]] = field(
        default_factory=dict
    )
    _privileged: dict[str, bool] = field(default_factory=dict)
    _targets_cache: list[Principal] | None = None
    _trust_cache: dict[tuple[str, str], bool] = field(default_factory=dict)
    _unusable: set[tuple[str, str]] = field(default_factory=set)
    _usable: dict[tuple[str, str], list[tuple[str, str, Principal | None]]] = field(
        default_factory=dict
    )
    _passable_cache: dict[tuple[str, str], list[Principal]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_key = {p.key: p for p in self.principals}
        self._asker = contextual(self.checker)

    def principal(self, key: str) -> Principal | None:
        return self._by_key.get(key)

    def allows(
        self, who: Principal, action: str, resource: str, service: str | None = None
    ) -> Decision:
        """Asked once per distinct set of policies (accounts repeat them role after role)."""
        source, decision = self._raw(who, action, resource, service)
        return translate(decision, source, who)

    def _raw(
        self, who: Principal, action: str, resource: str, service: str | None = None
    ) -> tuple[Principal, Decision]:
        """The decision as first taken, for the principal it was taken for."""
        key = (who.fingerprint, action, resource, service or "")
        found = self._cache.get(key)
        if found is None:
            context = {"iam:PassedToService": service} if service else None
            decision = self._asker.identity_allows_in(who.policies, action, resource, context)
            found = self._cache[key] = (who, decision)
        return found

    def privileged(self, who: Principal) -> bool:
        """Admin, or able to give itself anything (write its own or others' policies)."""
        found = self._privileged.get(who.fingerprint)
        if found is None:
            found = admin_decision(self.checker, who.policies) is not None or any(
                self._raw(who, a, "*")[1].allowed for a in _PRIVILEGED_ACTIONS
            )
            self._privileged[who.fingerprint] = found
        return found

    def _others(self, who: Principal) -> Iterator[Principal]:
        """The privileged roles but ``who``: the only targets worth a hop."""
        if self._targets_cache is None:
            self._targets_cache = [
                p
                for p in self.principals
                if p.kind == "role" and _may_be_privileged(p) and self.privileged(p)
            ]
        return (p for p in self._targets_cache if p.key != who.key)

    def _targets(
        self, who: Principal, method: Method
    ) -> Iterator[tuple[str, str, Principal | None]]:
        """(resource asked about, what it is, the principal it leads to) per candidate that
        ``who`` may use the method's actions on."""
        if method.target == "role":
            yield who.arn, f"{who.key} (its own role)", who
        if method.target in ("role", "function", "assume"):
            yield from self._usable_others(who, method)
        yield "*", "any resource of the account", None

    def _others_for(
        self, who: Principal, method: Method
    ) -> Iterator[tuple[str, str, Principal | None]]:
        for other in self._others(who):
            if method.target == "function":
                for fn_key, fn_arn in other.runs:
                    yield fn_arn, f"{fn_key} (runs as {other.key})", other
            elif method.target == "role" or self._trusts(other, who):
                yield other.arn, other.key, other

    def _usable_others(
        self, who: Principal, method: Method
    ) -> list[tuple[str, str, Principal | None]]:
        """The other principals' candidates whose every action ``who`` is allowed. The same
        for every principal with ``who``'s fingerprint that is no target itself (and, for
        AssumeRole, is trusted by none by name): kept per fingerprint then."""
        shared = method.target != "assume" and not self.privileged(who)
        key = (who.fingerprint, method.id)
        if shared and key in self._usable:
            return self._usable[key]
        usable = [
            c
            for c in self._others_for(who, method)
            if all(self._raw(who, a, c[0])[1].allowed for a in method.actions)
        ]
        if shared:
            self._usable[key] = usable
        return usable

    def _trusts(self, target: Principal, who: Principal) -> bool:
        """Does ``target``'s trust policy let ``who`` (or its account) assume it?"""
        if target.trust is None:
            return False
        account = who.arn.split(":")[4] if who.arn.count(":") >= 5 else ""
        for stmt in target.trust.statements:
            if str(stmt.get("Effect", "")).capitalize() != "Allow":
                continue
            principal = stmt.get("Principal")
            names = as_list(principal.get("AWS")) if isinstance(principal, dict) else ()
            if principal == "*" or "*" in names or who.arn in names:
                return True
            if account and (account in names or f"arn:aws:iam::{account}:root" in names):
                return True
        return False

    def _trusted_by(self, target: Principal, service: str) -> bool:
        key = (target.key, service)
        found = self._trust_cache.get(key)
        if found is None:
            found = self._trust_cache[key] = _trusts_service(target.trust, service)
        return found

    def _passable(self, who: Principal, service: str) -> Iterator[tuple[str, str, Decision]]:
        """Roles ``who`` may pass to ``service`` that are worth more than itself."""
        for other in self._passable_others(who, service):
            yield other.key, other.arn, self.allows(who, "iam:PassRole", other.arn, service)
        decision = self.allows(who, "iam:PassRole", "*", service)
        if decision.allowed:
            yield f"any role of the account that trusts {service}", "*", decision

    def _passable_others(self, who: Principal, service: str) -> list[Principal]:
        """Privileged roles trusting ``service`` that ``who`` may pass to it (kept per
        fingerprint for principals that are no target themselves)."""
        shared = not self.privileged(who)
        key = (who.fingerprint, service)
        if shared and key in self._passable_cache:
            return self._passable_cache[key]
        found = [
            other
            for other in self._others(who)
            if self._trusted_by(other, service)
            and self._raw(who, "iam:PassRole", other.arn, service)[1].allowed
        ]
        if shared:
            self._passable_cache[key] = found
        return found

    def paths(self, who: Principal) -> list[Path]:
        """Every method ``who`` can use, one path each (the first target found)."""
        usable = _usable_methods(allowed_services(who.policies))
        if not usable:
            return []  # no Allow names the services of any method
        # A principal that is no target itself (not privileged) has the same candidates as
        # any other with its fingerprint: a method one of them cannot use, none can (except
        # where the target depends on who asks: its own role, roles that trust it by name).
        shared = not self.privileged(who)
        found: list[Path] = []
        for method in usable:
            key = (who.fingerprint, method.id)
            if shared and method.target in _SHARED_TARGETS and key in self._unusable:
                continue
            path = self._method_path(who, method)
            if path is not None:
                found.append(path)
            elif shared and method.target in _SHARED_TARGETS:
                self._unusable.add(key)
        return found

    def _method_path(self, who: Principal, method: Method) -> Path | None:
        for resource, label, leads_to in self._targets(who, method):
            if not all(self._raw(who, a, resource)[1].allowed for a in method.actions):
                continue
            decisions = [self.allows(who, a, resource) for a in method.actions]
            deciding = tuple(dict.fromkeys(r for d in decisions for r in d.deciding))
            conditional = any(d.conditional for d in decisions)
            if method.pass_to is None:
                hop = Hop(who.key, label, method.actions, deciding)
                return Path(method, (hop, *self._runs(leads_to)), conditional)
            for passed, _arn, pass_decision in self._passable(who, method.pass_to):
                hop = Hop(
                    who.key,
                    passed,
                    ("iam:PassRole", *method.actions),
                    tuple(dict.fromkeys((*pass_decision.deciding, *deciding))),
                )
                runs = self._runs(self._by_key.get(passed))
                return Path(method, (hop, *runs), conditional or pass_decision.conditional)
            return None
        return None

    def _runs(self, target: Principal | None) -> tuple[Hop, ...]:
        if target is None or not target.runs:
            return ()
        names = ", ".join(k for k, _ in target.runs[:3])
        return (Hop(target.key, names, ("runs",)),)
