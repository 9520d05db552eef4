"""Properties of the evaluation order that hold for every policy (hypothesis): an explicit
Deny only takes away, an identity Allow only adds, a boundary, SCP or session policy only
limits."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from iam_engine.engine_helpers import (
    ACCOUNT,
    OBJECT,
    OTHER,
    OTHER_ROLE,
    QUEUE,
    ROLE,
    SESSION,
    USER,
    policy,
)

from fnguard.iam.engine import (
    Outcome,
    PolicyError,
    PolicyKind,
    PolicySet,
    Request,
    evaluate,
    parse_policy,
)

ACTIONS = [
    "s3:GetObject",
    "s3:Get*",
    "s3:*",
    "sqs:SendMessage",
    "*",
    "s3:PutObject",
    "S3:getobject",
]
RESOURCES = [
    "*",
    OBJECT,
    "arn:aws:s3:::data-bucket/*",
    "arn:aws:s3:::other/*",
    QUEUE,
    "arn:aws:sqs:*",
]
CONDITIONS: list[dict[str, Any] | None] = [
    None,
    {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
    {"StringNotEquals": {"aws:PrincipalTag/team": "blue"}},
    {"BoolIfExists": {"aws:SecureTransport": "true"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
    {"ForAnyValue:StringLike": {"aws:TagKeys": ["e*"]}},
    {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
]
PRINCIPALS: list[Any] = [
    "*",
    {"AWS": SESSION},
    {"AWS": ROLE},
    {"AWS": ACCOUNT},
    {"AWS": OTHER},
    {"AWS": USER},
]
CONTEXTS: list[dict[str, Any]] = [
    {},
    {"aws:PrincipalTag/team": "blue", "aws:SecureTransport": True},
    {"aws:TagKeys": ["env", "cost"], "aws:SourceIp": "10.1.2.3"},
    {"aws:TagKeys": [], "aws:SecureTransport": False},
]


@st.composite
def statements(
    draw: st.DrawFn, effect: str | None = None, principal: bool = False
) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    body["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = draw(
        st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2)
    )
    body["NotResource" if draw(st.booleans()) and draw(st.booleans()) else "Resource"] = draw(
        st.sampled_from(RESOURCES)
    )
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        body["Condition"] = condition
    if principal:
        not_principal = body["Effect"] == "Deny" and draw(st.integers(0, 5)) == 0
        body["NotPrincipal" if not_principal else "Principal"] = draw(st.sampled_from(PRINCIPALS))
    return body


def _maybe(kind: str, bodies: list[dict[str, Any]] | None) -> Any:
    return policy(kind, *bodies) if bodies is not None else None


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Request, dict[str, Any]]:
    request = Request(
        draw(st.sampled_from([SESSION, USER, ROLE, OTHER_ROLE])),
        draw(st.sampled_from(["s3:GetObject", "s3:PutObject", "sqs:SendMessage"])),
        draw(st.sampled_from([OBJECT, QUEUE])),
        draw(st.sampled_from(CONTEXTS)),
        ACCOUNT,
    )
    parts = {
        "identity": draw(st.lists(statements(), max_size=4)),
        "resource": draw(st.none() | st.lists(statements(principal=True), max_size=3)),
        "boundary": draw(st.none() | st.lists(statements(), max_size=2)),
        "scp": draw(st.none() | st.lists(statements(), max_size=2)),
        "session": draw(st.none() | st.lists(statements(), max_size=2)),
    }
    return request, parts


def build(parts: dict[str, Any]) -> PolicySet:
    scp, session = _maybe("scp", parts["scp"]), _maybe("session", parts["session"])
    return PolicySet(
        identity=(policy("identity", *parts["identity"]),),
        resource=_maybe("resource", parts["resource"]),
        boundary=_maybe("boundary", parts["boundary"]),
        scps=(scp,) if scp else (),
        session=(session,) if session else (),
    )


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.sampled_from(["identity", "boundary", "scp", "session"]), statements("Deny"))
def test_adding_an_explicit_deny_never_allows_more(
    scenario: tuple[Request, dict[str, Any]], where: str, extra: dict[str, Any]
) -> None:
    request, parts = scenario
    before = evaluate(request, build(parts))
    widened = {**parts, where: [*(parts[where] or []), extra]}
    after = evaluate(request, build(widened))
    if before.outcome is not Outcome.ALLOW:
        assert after.outcome is not Outcome.ALLOW
    if before.outcome is Outcome.EXPLICIT_DENY:
        assert after.outcome is Outcome.EXPLICIT_DENY


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.data())
def test_removing_an_identity_allow_never_grants_more(
    scenario: tuple[Request, dict[str, Any]], data: st.DataObject
) -> None:
    request, parts = scenario
    allows = [i for i, s in enumerate(parts["identity"]) if s["Effect"] == "Allow"]
    if not allows:
        allows_added = [*parts["identity"], data.draw(statements("Allow"))]
        parts = {**parts, "identity": allows_added}
        allows = [len(allows_added) - 1]
    drop = data.draw(st.sampled_from(allows))
    smaller = {**parts, "identity": [s for i, s in enumerate(parts["identity"]) if i != drop]}
    if evaluate(request, build(smaller)).allowed:
        assert evaluate(request, build(parts)).allowed


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.sampled_from(["boundary", "scp", "session"]))
def test_a_boundary_scp_or_session_policy_never_widens(
    scenario: tuple[Request, dict[str, Any]], limit: str
) -> None:
    request, parts = scenario
    without = {**parts, limit: None}
    if evaluate(request, build(parts)).allowed:
        assert evaluate(request, build(without)).allowed


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_every_verdict_names_its_statements(scenario: tuple[Request, dict[str, Any]]) -> None:
    """An Allow or an explicit Deny always names the statements behind it; an implicit deny
    names none and says which gate had no Allow."""
    request, parts = scenario
    decision = evaluate(request, build(parts))
    assert bool(decision.deciding) == (decision.outcome is not Outcome.IMPLICIT_DENY)
    assert decision.reason


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
ELEMENT_VALUES = JSON | st.sampled_from(["*", "s3:*", "Allow", "Deny", "arn:aws:s3:::b/*"])
STATEMENT_KEYS = st.sampled_from(
    [
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(STATEMENT_KEYS, ELEMENT_VALUES, max_size=6) | JSON,
    st.sampled_from(list(PolicyKind)),
)
def test_any_document_parses_or_raises_a_policy_error(statement: Any, kind: PolicyKind) -> None:
    """Malformed input never crashes the parser: it is a PolicyError (an InputError)."""
    document = {"Version": "2012-10-17", "Statement": statement}
    try:
        parsed = parse_policy(document, "fuzz", kind)
    except PolicyError as error:
        assert error.pointer.startswith("/Statement") or error.pointer == ""
    else:
        assert parsed.kind is kind


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.sampled_from([str.upper, str.lower, str.swapcase]))
def test_action_case_never_changes_the_verdict(
    scenario: tuple[Request, dict[str, Any]], recase: Any
) -> None:
    request, parts = scenario
    policies = build(parts)
    recased = dataclasses.replace(request, action=recase(request.action))
    assert evaluate(recased, policies).outcome is evaluate(request, policies).outcome
