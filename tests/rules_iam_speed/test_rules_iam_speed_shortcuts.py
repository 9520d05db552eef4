"""The IAM-side shortcuts answer exactly what the long way answers.

Each shortcut (answers shared by roles that name the same actions, Resource patterns read per
statement on demand, EXP001's and RUN001's early "no", EXP003's verdict key, IAM003's shared
orderings, per-list caches) is checked against the reading it stands for.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.iam._checker import EngineChecker, _compiled, execution_policies
from fnguard.iam._elements import _services_of, _statement_services
from fnguard.iam._held import Held
from fnguard.iam._lenient import may_name_stranger
from fnguard.iam.engine import Effect, Statement, action_index
from fnguard.model import (
    Function,
    Inventory,
    InvocationType,
    Location,
    Permission,
    Policy,
    PolicyKind,
    Provider,
    Role,
    Subnet,
    Trigger,
    TriggerKind,
    VpcConfig,
)
from fnguard.rules import RuleContext, get_rule
from fnguard.rules._iam_accounts import account_of
from fnguard.rules._net_vpc import vpc_view
from fnguard.rules.exposure import _deputy_key, _may_name_stranger

HERE = Location("sls.yml", 1)
ACTIONS = [
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "dynamodb:GetItem",
    "s3:PutObject",
    "s3:GetObject",
    "sqs:SendMessage",
    "kms:Decrypt",
    "*",
    "iam:PassRole",
]
RESOURCES = [
    "*",
    "arn:aws:logs:${aws:region}:${aws:accountId}:log-group:/aws/lambda/*",
    "arn:aws:dynamodb:eu-west-1:111122223333:table/orders-1",
    "arn:aws:s3:::bucket/in/x.json",
    "${service/serverless.yml:Queue.Arn}",
]


def _policy(name: str, *statements: dict[str, Any]) -> Policy:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Policy(name=name, kind=PolicyKind.INLINE, document=document, location=HERE)


def _stack_role(index: int) -> tuple[Policy, ...]:
    """A function's own role as serverless writes it: the same lists, its own resources."""
    return (
        _policy(
            f"fn-{index}",
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "arn:aws:logs:${aws:region}:${aws:accountId}:log-group:/aws/lambda/*",
            },
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                "Resource": f"arn:aws:dynamodb:eu-west-1:111122223333:table/orders-{index}",
            },
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"},
        ),
    )


ROLES = [
    _stack_role(1),
    _stack_role(2),
    (_policy("admin", {"Effect": "Allow", "Action": "*", "Resource": "*"}),),
    (
        _policy(
            "denies",
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*"},
        ),
    ),
    (_policy("not-action", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),),
    (
        _policy(
            "conditional",
            {
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}},
            },
        ),
    ),
]


@pytest.mark.parametrize("policies", ROLES, ids=[p[0].name for p in ROLES])
def test_identity_allows_is_the_evaluators_answer(policies: tuple[Policy, ...]) -> None:
    checker = EngineChecker()
    policy_set = execution_policies(policies)
    for action, resource in itertools.product(ACTIONS, RESOURCES):
        fast = checker.identity_allows(policies, action, resource)
        full = checker.evaluate(policy_set, action, resource)
        assert fast.allowed == full.allowed, (action, resource)
        if full.allowed:
            assert (fast.deciding, fast.conditional) == (full.deciding, full.conditional)


@pytest.mark.parametrize("policies", ROLES, ids=[p[0].name for p in ROLES])
def test_first_allowed_is_the_first_identity_allows(policies: tuple[Policy, ...]) -> None:
    checker = EngineChecker()
    for actions in (ACTIONS[:2], ACTIONS[3:6], ("kms:Decrypt",)):
        expected = next(
            (
                (a, r)
                for r in RESOURCES
                for a in actions
                if checker.evaluate(execution_policies(policies), a, r).allowed
            ),
            None,
        )
        assert checker.first_allowed(policies, actions, RESOURCES) == expected


def test_roles_naming_the_same_actions_share_their_answers() -> None:
    one, two = _compiled(_stack_role(11)), _compiled(_stack_role(12))
    assert one.unnamed is two.unnamed and one.possible is two.possible
    checker = EngineChecker()
    asked = ("kms:Decrypt", "s3:PutObject", "dynamodb:GetItem", "sns:Publish")
    assert checker.possible_actions(_stack_role(13), asked) == (
        "s3:PutObject",
        "dynamodb:GetItem",
    )
    # A boundary or a NotAction: answers of the role's own.
    assert _compiled(ROLES[4]).unnamed is not one.unnamed


def test_action_index_is_kept_per_list_and_reads_as_before() -> None:
    actions = ("s3:GetObject", "S3:Put*", "logs:${aws:x}", "sqs:Send?essage")
    st = Statement("p", 0, Effect.ALLOW, actions)
    assert st.action_index == (frozenset({"s3:getobject"}), actions[1:])
    assert action_index(tuple(actions)) is st.action_index


def _listed(raw: str | list[str]) -> list[str]:
    return [raw] if isinstance(raw, str) else raw


def test_statement_services_read_per_list_as_per_pattern() -> None:
    def by_pattern(policy: Policy) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        found: set[str] | None = set()
        on_all: set[str] | None = set()
        for stmt in policy.statements:
            if str(stmt.get("Effect", "")).capitalize() != "Allow":
                continue
            everywhere = "Resource" not in stmt or "*" in _listed(stmt["Resource"])
            if "Action" not in stmt:
                found, on_all = None, (None if everywhere else on_all)
                continue
            for pattern in _listed(stmt["Action"]):
                service = pattern.partition(":")[0].lower()
                if "*" in service or "?" in service:
                    found, on_all = None, (None if everywhere else on_all)
                    break
                if found is not None:
                    found.add(service)
                if everywhere and on_all is not None:
                    on_all.add(service)
        return (
            None if found is None else frozenset(found),
            None if on_all is None else frozenset(on_all),
        )

    for policies in ROLES:
        for policy in policies:
            assert _statement_services(policy) == by_pattern(policy)
    assert _services_of(("S3:GetObject", "sqs:Send*")) == frozenset({"s3", "sqs"})
    assert _services_of(("s3:GetObject", "s?:Get*")) is None


@pytest.mark.parametrize(
    "principal",
    [None, "*", " * ", "allUsers", "AllAuthenticatedUsers", "s3.amazonaws.com", "123456789012"],
)
def test_exp001_reads_a_permission_as_its_statement(principal: str | None) -> None:
    perm = Permission(address="p", function="f", location=HERE, principal=principal)
    assert _may_name_stranger(perm) == may_name_stranger(perm.as_statement())


def test_exp003_key_tells_apart_what_the_statement_tells_apart() -> None:
    fields = {
        "principal": ["s3.amazonaws.com", "S3.amazonaws.com", "sns.amazonaws.com"],
        "source_arn": [None, "", "arn:aws:s3:::a", "arn:aws:s3:::b"],
        "source_account": [None, "111122223333"],
        "event_source_token": [None, "t"],
    }
    perms = [
        Permission(
            address=f"p{i}", function="f", location=HERE, **dict(zip(fields, values, strict=True))
        )
        for i, values in enumerate(itertools.product(*fields.values()))
    ]
    for a, b in itertools.combinations(perms, 2):
        same_key = _deputy_key(a, (a.principal or "").lower()) == _deputy_key(
            b, (b.principal or "").lower()
        )
        statements = [{k: v for k, v in p.as_statement().items() if k != "Sid"} for p in (a, b)]
        if same_key:
            assert statements[0] == statements[1]


def test_account_of_reads_as_the_plain_regex() -> None:
    account = re.compile(r"^\d{12}$")

    def plain(value: str | None) -> str | None:
        if not value:
            return None
        value = value.strip()
        if account.match(value):
            return value
        parts = value.split(":")
        if len(parts) >= 6 and parts[0] == "arn" and account.match(parts[4]):
            return parts[4]
        return None

    values = [
        None,
        "",
        "123456789012",
        " 123456789012\n",
        "1234567890123",
        "arn:aws:iam::123456789012:role/x",
        "arn:aws:iam::123456789012\n:role/x",
        "arn:aws:s3:::bucket",
        "arnx:aws:iam::123456789012:role/x",
        "service/serverless.yml:fn",
        "١٢٣٤٥٦٧٨٩٠١٢",
    ]
    for value in values:
        assert account_of(value) == plain(value), value


def test_held_never_mistakes_a_recycled_id() -> None:
    held: Held[str] = Held(kept=4)
    calls: list[int] = []
    for i in range(20):
        document = {"n": i}  # freed after each turn: ids get reused
        assert held.get((document,), None, lambda i=i: calls.append(i) or f"v{i}") == f"v{i}"
    assert calls == list(range(20))


def _sqs() -> Trigger:
    return Trigger("q", TriggerKind.SQS, "fn", InvocationType.POLL, HERE, source="arn:aws:sqs:x")


def _role(*policies: Policy) -> Role:
    return Role(address="r", provider=Provider.AWS, location=HERE, policies=policies)


def _inv(role: Role, *triggers: Trigger) -> Inventory:
    fn = Function(address="fn", provider=Provider.AWS, location=HERE, role=role.address)
    return Inventory(functions=(fn,), roles=(role,), triggers=triggers)


def _run001(inv: Inventory, checker: Any) -> list[str]:
    ctx = RuleContext(thresholds=Thresholds(), permissions=checker)
    return [f.message for f in get_rule("RUN001").check(inv, ctx)]


def test_run001_without_the_actions_still_reports_unknown_policy_text() -> None:
    trigger = _sqs()
    unknown = Policy(name="vendor", kind=PolicyKind.AWS_MANAGED, document=None)
    known = _policy("own", {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"})
    quiet, doubtful = _role(known), _role(known, unknown)
    assert _run001(_inv(quiet, trigger), default_checker()) == []
    (message,) = _run001(_inv(doubtful, trigger), default_checker())
    assert "the text of policies vendor is unknown" in message


class _Allowing:
    """A checker of the base protocol only, that allows everything: never skipped."""

    def identity_allows(self, policies: Any, action: str, resource: str = "*") -> Any:
        from fnguard.iam import Decision

        return Decision(True, ("fake#0",))

    def resource_allows_anonymous(self, statements: Any, action: str, resource: str = "*") -> Any:
        from fnguard.iam import Decision

        return Decision(True, ("#p",))

    def expand_action(self, pattern: str) -> tuple[str, ...]:
        return (pattern,)

    def access_level(self, action: str) -> str | None:
        return None


def test_other_checkers_are_still_asked() -> None:
    trigger = _sqs()
    known = _policy("own", {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"})
    assert len(_run001(_inv(_role(known), trigger), _Allowing())) == 1
    perm = Permission(address="p", function="fn", location=HERE, principal="111122223333")
    inv = Inventory(
        functions=(Function(address="fn", provider=Provider.AWS, location=HERE),),
        permissions=(perm,),
    )
    ctx = RuleContext(thresholds=Thresholds(), permissions=_Allowing())
    assert len(list(get_rule("EXP001").check(inv, ctx))) == 1
    assert list(get_rule("EXP001").check(inv, RuleContext(Thresholds(), default_checker()))) == []


def test_vpc_view_is_kept_per_inventory_and_function() -> None:
    fn = Function(
        address="fn", provider=Provider.AWS, location=HERE, vpc=VpcConfig(subnet_ids=("s-1",))
    )
    one = Inventory(functions=(fn,), subnets=(Subnet("s", HERE, "s-1", "vpc-1"),))
    two = Inventory(functions=(fn,), subnets=(Subnet("s", HERE, "s-1", "vpc-2"),))
    assert vpc_view(one, fn) is vpc_view(one, fn)
    assert vpc_view(one, fn).vpc_ids == frozenset({"vpc-1"})
    assert vpc_view(two, fn).vpc_ids == frozenset({"vpc-2"})
    assert vpc_view(Inventory(functions=(fn,)), fn).missing_subnets == ("s-1",)


def test_net003_joined_texts_rule_out_only_what_no_text_holds() -> None:
    from fnguard.model import EnvVar
    from fnguard.rules.network import _SERVICES, _env_evidence, _env_texts

    assert all("\0" not in marker for s in _SERVICES for marker in s.env_markers)
    env = (
        EnvVar("A", value="arn:aws:km"),  # a marker split across two values is no evidence
        EnvVar("B", value="s:eu-west-1:1:key/x"),
        EnvVar("C", value="arn:aws:kms:eu-west-1:111122223333:key/abc"),
    )
    fn = Function(address="fn", provider=Provider.AWS, location=HERE, environment=env)
    texts = _env_texts(fn)
    for service in _SERVICES:
        expected = next((n for n, t in texts[0] if any(m in t for m in service.env_markers)), None)
        found = _env_evidence(texts, service)
        assert (found.label if found else None) == (f"environment {expected}" if expected else None)
    kms = next(s for s in _SERVICES if s.key == "kms")
    assert _env_evidence(texts, kms) is not None


@pytest.mark.parametrize(
    "services",
    [
        "lambda.amazonaws.com",
        ["lambda.amazonaws.com", "ec2.amazonaws.com"],
        [],
        "EdgeLambda.amazonaws.com",
    ],
)
def test_iam006_service_only_trust_reads_as_the_general_reading(services: object) -> None:
    from types import MappingProxyType

    from fnguard.rules.iam import _trust_problems

    ctx = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    stmt = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    fast = _trust_problems({**stmt, "Principal": {"Service": services}}, ctx, frozenset())
    # A mapping that is no dict takes the general reading.
    general = MappingProxyType({"Service": services})
    assert fast == _trust_problems({**stmt, "Principal": general}, ctx, frozenset())


def test_functions_of_one_role_share_its_policy_tuples() -> None:
    from fnguard.rules._iam_common import role_views

    known = _policy("own", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    unknown = Policy(name="vendor", kind=PolicyKind.AWS_MANAGED, document=None)
    role = _role(known, unknown)
    fns = tuple(
        Function(address=f"fn{i}", provider=Provider.AWS, location=HERE, role=role.address)
        for i in range(2)
    )
    (_, one), (_, two) = role_views(Inventory(functions=fns, roles=(role,)))
    assert not isinstance(one, str) and not isinstance(two, str)
    assert one.policies is two.policies and one.policies == (known,)
    assert one.unknown is two.unknown and one.unknown == (unknown,)
    assert (one.fn.address, two.fn.address) == ("fn0", "fn1")
