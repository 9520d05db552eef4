"""This session's rule and checker shortcuts answer exactly as the general paths they skip.

Each shortcut is compared with the plain computation it replaces, over generated policies
that hold the near misses (Deny, NotAction, NotResource, conditions, boundaries, policy
variables) and over repeated and interleaved questions.
"""

from __future__ import annotations

import dataclasses
import gc
import weakref
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from iam import memo_strategies

from fnguard._kept import kept
from fnguard.config import Thresholds
from fnguard.iam import Decision, allowed_services, default_checker
from fnguard.iam._checker import EngineChecker, execution_policies
from fnguard.iam._elements import as_list
from fnguard.iam._held import Held
from fnguard.iam._shortcuts import possible_actions
from fnguard.iam.engine import Effect, Statement
from fnguard.iam.engine import Policy as EnginePolicy
from fnguard.iam.engine import PolicyKind as EngineKind
from fnguard.model import (
    CollectionGap,
    Function,
    Inventory,
    Location,
    Permission,
    Policy,
    PolicyKind,
    Provider,
    Role,
)
from fnguard.rules import RuleContext, get_rule
from fnguard.rules._gaps import inventory_gaps
from fnguard.rules._memo import per_object
from fnguard.rules._run_permissions import allowed_somewhere, identity_policies, named_resources
from fnguard.rules.iam import _may_grant_logs

_ACTIONS = (
    "s3:GetObject",
    " s3:GetObject ",
    "kms:Decrypt",
    "logs:PutLogEvents",
    "*",
    " * ",
    "sqs:SendMessage",
    "iam:PassRole",
)
_PATTERNS = ("s3:Get*", "s3:*", "kms:Decrypt", "logs:*", "*", "sqs:Send*", "S3:getobject")
_RESOURCES = (
    "*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/${aws:username}",
    "arn:aws:kms:us-east-1:1:key/k",
    "arn:aws:sqs:us-east-1:1:q",
    "${aws_sqs_queue.q.arn}",
)

statements = memo_strategies.statements(_PATTERNS, _RESOURCES)
_KINDS = (PolicyKind.INLINE, PolicyKind.MANAGED, PolicyKind.BOUNDARY, PolicyKind.TRUST)
raw_policies = st.lists(
    st.tuples(st.lists(statements, max_size=3), st.sampled_from(_KINDS)), max_size=3
)


_policies = memo_strategies.policies
_evaluated = memo_strategies.fresh


# ------------------------------------------------------------------ checker


@settings(max_examples=200, deadline=None)
@given(raw_policies, st.lists(st.sampled_from(_ACTIONS), max_size=6))
def test_possible_actions_are_those_may_allow_keeps(
    raw: list[tuple[list[dict[str, Any]], PolicyKind]], actions: list[str]
) -> None:
    role = _policies(raw)
    checker = EngineChecker()
    assert checker.possible_actions(role, actions) == tuple(
        a for a in actions if checker.may_allow(role, a)
    )
    assert possible_actions(checker, role, actions) == checker.possible_actions(role, actions)


class _OnlyMayAllow:
    """A checker without the batch question: ``possible_actions`` asks it action by action."""

    def may_allow(self, policies: tuple[Policy, ...], action: str) -> bool:
        return action.startswith("s3:")


def test_possible_actions_falls_back_to_may_allow() -> None:
    assert possible_actions(_OnlyMayAllow(), (), ("kms:Decrypt", "s3:GetObject")) == (  # type: ignore[arg-type]
        "s3:GetObject",
    )


@settings(max_examples=200, deadline=None)
@given(
    raw_policies,
    st.lists(
        st.tuples(st.sampled_from(_ACTIONS), st.sampled_from(_RESOURCES), st.booleans()),
        min_size=1,
        max_size=8,
    ),
)
def test_repeated_and_interleaved_questions_answer_as_the_evaluator(
    raw: list[tuple[list[dict[str, Any]], PolicyKind]],
    questions: list[tuple[str, str, bool]],
) -> None:
    """The same role asked through its own tuple, a copy and a list, in any order, with the
    action written with spaces or as ``*``: every answer is the evaluator's."""
    role = _policies(raw)
    shapes = (role, tuple(role), list(role), role)
    checker = EngineChecker()
    for i, (action, resource, twice) in enumerate(questions):
        policies = shapes[i % len(shapes)]
        expected = _evaluated(role, action, resource)
        assert checker.identity_allows(policies, action, resource) == expected
        if twice:
            assert checker.identity_allows(policies, action, resource) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.lists(statements, max_size=3), st.sampled_from(_KINDS)), min_size=1),
    st.lists(st.lists(st.integers(0, 5), max_size=3), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(_ACTIONS), st.sampled_from(_RESOURCES)), max_size=6),
)
def test_policies_shared_by_roles_answer_each_role_as_the_evaluator(
    pool_raw: list[tuple[list[dict[str, Any]], PolicyKind]],
    picks: list[list[int]],
    questions: list[tuple[str, str]],
) -> None:
    """Roles drawing on one pool of policy objects (an AWS-managed policy attached to many):
    each policy's part of an answer is kept per request, and every role still gets its own
    answer (its other policies, Denies, conditions and boundary included)."""
    pool = _policies(pool_raw)
    roles = [tuple(pool[i % len(pool)] for i in pick) for pick in picks]
    checker = EngineChecker()
    for action, resource in questions:
        for role in roles:
            assert checker.identity_allows(role, action, resource) == _evaluated(
                role, action, resource
            )


@settings(max_examples=150, deadline=None)
@given(
    raw_policies,
    st.sampled_from(_ACTIONS),
    st.sampled_from(_RESOURCES),
    st.sampled_from((None, {})),
)
def test_a_question_without_context_is_answered_as_the_evaluator_would(
    raw: list[tuple[list[dict[str, Any]], PolicyKind]],
    action: str,
    resource: str,
    context: dict[str, str] | None,
) -> None:
    role = _policies(raw)
    full = EngineChecker().evaluate(execution_policies(role), action, resource, context)
    answer = EngineChecker().identity_allows_in(role, action, resource, context)
    assert answer == Decision(full.allowed, full.deciding, full.allowed and full.conditional)


def _services_reference(policy: Policy, on_all: bool) -> frozenset[str] | None:
    """``allowed_services`` of one policy as first written: one pass per reading."""
    found: set[str] = set()
    for stmt in policy.statements:
        if str(stmt.get("Effect", "")).capitalize() != "Allow":
            continue
        if on_all and "Resource" in stmt and "*" not in as_list(stmt["Resource"]):
            continue
        if "Action" not in stmt:
            return None
        for pattern in as_list(stmt["Action"]):
            service = pattern.partition(":")[0].lower()
            if "*" in service or "?" in service:
                return None
            found.add(service)
    return frozenset(found)


loose_statements = st.fixed_dictionaries(
    {"Effect": st.sampled_from(("Allow", "allow", "Deny"))},
    optional={
        "Action": st.one_of(st.sampled_from(_PATTERNS), st.lists(st.sampled_from(_PATTERNS))),
        "NotAction": st.sampled_from(_PATTERNS),
        "Resource": st.one_of(st.sampled_from(_RESOURCES), st.lists(st.sampled_from(_RESOURCES))),
        "NotResource": st.sampled_from(_RESOURCES),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(loose_statements, max_size=4), min_size=1, max_size=3))
def test_allowed_services_read_both_ways_in_one_pass(raw: list[list[dict[str, Any]]]) -> None:
    policies = _policies([(stmts, PolicyKind.INLINE) for stmts in raw])
    for on_all in (False, True):
        expected: set[str] | None = set()
        for policy in policies:
            one = _services_reference(policy, on_all)
            expected = None if one is None or expected is None else expected | one
        assert allowed_services(policies, on_all=on_all) == (
            None if expected is None else frozenset(expected)
        )


# ------------------------------------------------------------------ Held


def test_held_answers_per_object_identity_not_content() -> None:
    held: Held[int] = Held()
    calls: list[int] = []

    def compute(value: int) -> Any:
        def run() -> int:
            calls.append(value)
            return value

        return run

    first, twin = {"a": 1}, {"a": 1}
    assert held.get((first,), None, compute(1)) == 1
    assert held.get((first,), None, compute(2)) == 1  # kept
    assert held.get((twin,), None, compute(3)) == 3  # equal content, another object
    assert held.get((first,), "other", compute(4)) == 4  # another extra
    assert held.get((first, twin), None, compute(5)) == 5
    assert held.get((twin, first), None, compute(6)) == 6  # order counts
    assert held.get((first, twin), None, compute(7)) == 5
    assert calls == [1, 3, 4, 5, 6]


# ------------------------------------------------------------------ engine statements

action_texts = st.text(alphabet="ab:*?${}S3", max_size=8)


@given(st.lists(action_texts, max_size=5))
def test_action_index_splits_actions_as_written(actions: list[str]) -> None:
    statement = Statement(policy="p", index=0, effect=Effect.ALLOW, actions=tuple(actions))
    wild = ("*", "?", "${")
    patterns = tuple(p for p in actions if any(w in p for w in wild))
    exact = frozenset(p.lower() for p in actions if p not in patterns)
    assert statement.action_index == (exact, patterns)


@given(
    st.lists(st.tuples(st.lists(action_texts, min_size=1, max_size=3), st.booleans()), max_size=4),
    st.text(alphabet="ab:*?${}S3İ", max_size=8),
)
def test_statements_for_keeps_the_statements_covering_the_action(
    written: list[tuple[list[str], bool]], action: str
) -> None:
    statements = tuple(
        Statement(policy="p", index=i, effect=Effect.ALLOW, actions=tuple(a), not_action=neg)
        for i, (a, neg) in enumerate(written)
    )
    policy = EnginePolicy("p", EngineKind.IDENTITY, statements)
    expected = tuple(s for s in statements if s.covers_action(action))
    assert policy.statements_for(action) == expected
    assert policy.statements_for(action) == expected  # kept


# ------------------------------------------------------------------ IAM008


def _may_grant_logs_reference(stmt: dict[str, Any]) -> bool:
    if "NotAction" in stmt:
        return True
    services = (str(a).split(":", 1)[0].lower() for a in as_list(stmt.get("Action")))
    return any(s == "logs" or "*" in s or "?" in s for s in services)


@given(
    st.one_of(
        st.fixed_dictionaries({"Action": st.one_of(action_texts, st.lists(action_texts))}),
        st.fixed_dictionaries({"NotAction": action_texts}),
        st.just({}),
        st.fixed_dictionaries(
            {"Action": st.lists(st.sampled_from(("LOGS:PutLogEvents", "lo?s:x", "s3:*", "*")))}
        ),
    )
)
def test_may_grant_logs_reads_actions_as_before(stmt: dict[str, Any]) -> None:
    assert _may_grant_logs(stmt) == _may_grant_logs_reference(stmt)


# ------------------------------------------------------------------ NET003 / RUN001


def _allowed_somewhere_reference(
    role: Role, actions: tuple[str, ...], skip: tuple[str, ...]
) -> tuple[str, str, Decision] | None:
    """Every action asked about every candidate resource, no action skipped."""
    checker = default_checker()
    policies = identity_policies(role)
    for resource in [r for r in ("*", *named_resources(role)) if r not in set(skip)]:
        for action in actions:
            decision = checker.identity_allows(policies, action, resource)
            if decision.allowed:
                return action, resource, decision
    return None


@settings(max_examples=150, deadline=None)
@given(
    raw_policies,
    st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=4),
    st.lists(st.sampled_from(_RESOURCES), max_size=2),
)
def test_allowed_somewhere_finds_the_first_grant_every_question_would(
    raw: list[tuple[list[dict[str, Any]], PolicyKind]], actions: list[str], skip: list[str]
) -> None:
    policies = _policies(raw)
    role = Role(
        address="aws_iam_role.r",
        provider=Provider.AWS,
        location=Location("main.tf", 1),
        policies=tuple(p for p in policies if p.kind is not PolicyKind.BOUNDARY),
        boundary=next((p for p in policies if p.kind is PolicyKind.BOUNDARY), None),
    )
    grant = allowed_somewhere(default_checker(), role, tuple(actions), skip=tuple(skip))
    expected = _allowed_somewhere_reference(role, tuple(actions), tuple(skip))
    found = None if grant is None else (grant.action, grant.resource, grant.decision)
    assert found == expected


# ------------------------------------------------------------------ EXP003

_PRINCIPALS = ("s3.amazonaws.com", "S3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com")
_SOURCES = (None, "arn:aws:s3:::in", "arn:aws:s3:::*", "arn:aws:sns:eu-west-1:111122223333:t")

permissions = st.builds(
    lambda principal, source_arn, account, org, token, function: dict(
        principal=principal,
        source_arn=source_arn,
        source_account=account,
        principal_org_id=org,
        event_source_token=token,
        function=function,
    ),
    st.sampled_from(_PRINCIPALS),
    st.sampled_from(_SOURCES),
    st.sampled_from((None, "111122223333")),
    st.sampled_from((None, "o-1")),
    st.sampled_from((None, "t")),
    st.sampled_from(("aws_lambda_function.a", "aws_lambda_function.b")),
)


_FUNCTIONS = tuple(
    Function(address=a, provider=Provider.AWS, location=Location("main.tf", 1), name=a)
    for a in ("aws_lambda_function.a", "aws_lambda_function.b")
)


def _permission(i: int, fields: dict[str, Any]) -> Permission:
    return Permission(address=f"aws_lambda_permission.p{i}", location=Location("p.tf", i), **fields)


@settings(max_examples=100, deadline=None)
@given(st.lists(permissions, max_size=6))
def test_exp003_alike_permissions_share_a_verdict_without_changing_findings(
    perms: list[dict[str, Any]],
) -> None:
    """Findings over the whole inventory (alike permissions judged once) are the findings of
    each permission judged alone, in the same order."""
    rule = get_rule("EXP003")
    ctx = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    every = tuple(_permission(i, p) for i, p in enumerate(perms))
    together = list(rule.check(Inventory(functions=_FUNCTIONS, permissions=every), ctx))
    alone = [
        finding
        for fn in _FUNCTIONS
        for perm in every
        if perm.function == fn.address
        for finding in rule.check(Inventory(functions=_FUNCTIONS, permissions=(perm,)), ctx)
    ]
    assert together == alone


class _Counting(EngineChecker):
    def __init__(self) -> None:
        self.asked: list[str] = []

    def service_allows(
        self,
        statements: Any,
        service: str,
        action: str,
        context: Any = None,
    ) -> Decision:
        self.asked.append(service)
        return super().service_allows(statements, service, action, context)


def test_exp003_judges_alike_permissions_once_and_reports_each() -> None:
    alike = {"principal": "sns.amazonaws.com", "function": "aws_lambda_function.a"}
    other = {**alike, "function": "aws_lambda_function.b"}
    scoped = {**alike, "source_account": "111122223333"}
    every = (_permission(0, alike), _permission(1, other), _permission(2, scoped))
    checker = _Counting()
    ctx = RuleContext(thresholds=Thresholds(), permissions=checker)
    found = list(get_rule("EXP003").check(Inventory(functions=_FUNCTIONS, permissions=every), ctx))
    assert [f.resource for f in found] == ["aws_lambda_permission.p0", "aws_lambda_permission.p1"]
    assert checker.asked == ["sns.amazonaws.com", "sns.amazonaws.com"]  # p0 (p1 alike), p2


# ------------------------------------------------------------------ kept


def test_kept_computes_once_per_instance_even_on_a_frozen_dataclass() -> None:
    calls: list[int] = []

    @dataclasses.dataclass(frozen=True)
    class Box:
        n: int

        @kept
        def doubled(self) -> int:
            """Twice n."""
            calls.append(self.n)
            return 2 * self.n

    first, second = Box(1), Box(2)
    assert (first.doubled, first.doubled, second.doubled) == (2, 2, 4)
    assert calls == [1, 2]
    assert first == Box(1)  # the kept value is no field: equality and hashing ignore it
    assert hash(first) == hash(Box(1))
    assert isinstance(Box.__dict__["doubled"], kept)
    assert Box.doubled.__doc__ == "Twice n."


# ------------------------------------------------------------------ gaps

_GAP_FIELDS = ("", "package", "role", "code")
_GAP_RESOURCES = ("fn.a", "fn.b", "pkg.c")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_GAP_RESOURCES), st.sampled_from(_GAP_FIELDS), st.text(max_size=3)
        )
    )
)
def test_inventory_gaps_answer_as_the_inventory_does(raw: list[tuple[str, str, str]]) -> None:
    gaps = tuple(
        CollectionGap(Location("x.tf", i), reason, resource=resource, field=field)
        for i, (resource, field, reason) in enumerate(raw)
    )
    inv = Inventory(gaps=gaps)
    index = inventory_gaps(inv)
    assert inventory_gaps(inv) is index  # one per inventory
    for _ in range(2):  # asked again: the kept answer
        for resource in (*_GAP_RESOURCES, "other"):
            for field in _GAP_FIELDS:
                assert index.get(resource, field) == inv.gaps_for(resource, field)
            assert index.get(resource) == inv.gaps_for(resource)


# ------------------------------------------------------------------ per_object


class _Key:
    """A weakly referenceable key."""


class _Value:
    """A weakly referenceable value."""


def test_per_object_answers_the_last_object_again_and_lets_it_go() -> None:
    made: list[_Value] = []

    @per_object
    def value_of(key: _Key) -> _Value:
        made.append(_Value())
        return made[-1]

    one, two = _Key(), _Key()
    first = value_of(one)
    assert value_of(one) is first  # the last one asked
    second = value_of(two)
    assert value_of(one) is first and value_of(two) is second  # from the cache
    assert len(made) == 2
    watch = weakref.ref(second)
    del two, second
    made.pop()
    gc.collect()
    assert watch() is None  # the last entry does not keep a dead key's value alive
    assert value_of(_Key()) is not first
