"""The same properties when keys are read offline (``Assumptions``: unknown, chosen, absent,
a stranger's own values), plus: the three-valued reading never contradicts a certain one."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from iam_engine.test_engine_properties import build, scenarios, statements

from fnguard.iam.engine import Assumptions, Knowledge, Outcome, Request, evaluate

READINGS = st.builds(
    Assumptions,
    keys=st.dictionaries(
        st.sampled_from(
            ["aws:principaltag/team", "aws:securetransport", "aws:tagkeys", "aws:sourceip"]
        ),
        st.sampled_from(list(Knowledge)),
        max_size=4,
    ),
    default=st.sampled_from(list(Knowledge)),
)


def _allowed(request: Request, parts: dict[str, Any], reading: Assumptions) -> bool:
    return evaluate(request, build(parts), reading).allowed


@settings(max_examples=120, deadline=None)
@given(
    scenarios(),
    READINGS,
    st.sampled_from(["identity", "boundary", "scp", "session"]),
    statements("Deny"),
)
def test_adding_a_deny_never_allows_more_offline(
    scenario: tuple[Request, dict[str, Any]],
    reading: Assumptions,
    where: str,
    extra: dict[str, Any],
) -> None:
    request, parts = scenario
    widened = {**parts, where: [*(parts[where] or []), extra]}
    if not _allowed(request, parts, reading):
        assert not _allowed(request, widened, reading)


@settings(max_examples=120, deadline=None)
@given(scenarios(), READINGS, st.sampled_from(["boundary", "scp", "session"]))
def test_a_limit_never_widens_offline(
    scenario: tuple[Request, dict[str, Any]], reading: Assumptions, limit: str
) -> None:
    request, parts = scenario
    if _allowed(request, parts, reading):
        assert _allowed(request, {**parts, limit: None}, reading)


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_absent_reading_is_the_closed_world(scenario: tuple[Request, dict[str, Any]]) -> None:
    """With every missing key read as absent, the offline verdict is AWS's, never conditional."""
    request, parts = scenario
    closed = evaluate(request, build(parts))
    offline = evaluate(request, build(parts), Assumptions(default=Knowledge.ABSENT))
    assert offline.outcome is closed.outcome and not offline.conditional


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_unknown_keys_never_contradict_a_certain_verdict(
    scenario: tuple[Request, dict[str, Any]],
) -> None:
    """Reading missing keys as unknown can only make a verdict conditional: a certain Allow or
    explicit Deny under that reading is the verdict for the request with those keys absent."""
    request, parts = scenario
    closed = evaluate(request, build(parts))
    unknown = evaluate(request, build(parts), Assumptions())
    if unknown.outcome is Outcome.EXPLICIT_DENY or (unknown.allowed and not unknown.conditional):
        assert unknown.outcome is closed.outcome
    if closed.allowed:
        assert unknown.allowed or unknown.outcome is Outcome.EXPLICIT_DENY
