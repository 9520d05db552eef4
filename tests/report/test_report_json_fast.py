"""The JSON reporter's own findings writer gives the generic writer's bytes exactly."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.model import (
    Evidence,
    Finding,
    FindingStatus,
    Inventory,
    Location,
    Provider,
    Remediation,
)
from fnguard.report._common import dump_json
from fnguard.report._json import JsonReporter, report_document
from fnguard.result import ScanResult

_EMPTY = ScanResult(tool_version="0", targets=(), inventory=Inventory(), findings=(), rules=())


def _generic(result: ScanResult) -> str:
    return dump_json(report_document(result))


def test_hand_built_results_render_as_the_generic_writer(
    scan_result: ScanResult, empty_result: ScanResult
) -> None:
    for result in (scan_result, empty_result):
        assert JsonReporter().render(result) == _generic(result)


texts = st.text(max_size=30)  # any code point: quotes, controls, non-ASCII, lone surrogates
findings = st.builds(
    Finding,
    rule_id=st.sampled_from(("IAM001", "SEC001", "EXP002")),
    title=texts,
    impact=st.integers(1, 10),
    resource=texts,
    location=st.none() | st.builds(Location, texts, st.integers(0, 10**6)),
    message=texts,
    remediation=st.builds(Remediation, texts, texts, texts, texts),
    evidence=st.lists(st.builds(Evidence, texts, texts), max_size=3).map(tuple),
    function=st.none() | texts,
    status=st.sampled_from(list(FindingStatus)),
    provider=st.sampled_from(list(Provider)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(findings, max_size=6))
def test_any_findings_render_as_the_generic_writer(found: list[Finding]) -> None:
    result = replace(_EMPTY, findings=tuple(found))
    assert JsonReporter().render(result) == _generic(result)


def test_a_value_of_an_unexpected_type_falls_back_to_the_generic_writer(
    scan_result: ScanResult,
) -> None:
    odd = replace(scan_result.findings[0], impact=True)  # a bool where an int belongs
    result = replace(scan_result, findings=(odd,))
    assert JsonReporter().render(result) == _generic(result)
    assert '"impact": true' in _generic(result)


def _many(count: int) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            rule_id=f"IAM00{n % 9 + 1}",
            title=f'title {n % 7} é "q"',
            impact=n % 10 + 1,
            resource=f"aws_lambda_function.f{n}",
            location=Location(f"dir/f{n}.tf", n) if n % 5 else None,
            message=f"message {n}\n\t\u2028 {n}",
            remediation=Remediation(f"fix {n % 3}", "tf", "", "cli"),
            evidence=tuple(Evidence(f"l{k}", f"v{n}-{k}") for k in range(n % 3)),
            function=None if n % 4 == 0 else f"fn{n}",
        )
        for n in range(count)
    )


def test_a_long_list_is_the_same_text() -> None:
    result = replace(_EMPTY, findings=_many(2321))
    assert JsonReporter().render(result) == _generic(result)


def test_a_bad_value_late_in_a_long_list_falls_back_to_the_generic_writer() -> None:
    found = list(_many(2010))
    found[-3] = replace(found[-3], impact=True)  # True == 1: must not reuse an int's head
    result = replace(_EMPTY, findings=tuple(found))
    assert JsonReporter().render(result) == _generic(result)


@settings(max_examples=100, deadline=None)
@given(st.lists(findings, max_size=6), st.data())
def test_primed_findings_render_as_unprimed_ones(found: list[Finding], data: st.DataObject) -> None:
    import pickle

    reporter = JsonReporter()
    for finding in found:
        if data.draw(st.booleans()):
            reporter.prime(finding)
    # A forked rules worker's findings come back pickled, their primed text with them.
    travelled = pickle.loads(pickle.dumps(found))
    result = replace(_EMPTY, findings=tuple(travelled))
    assert reporter.render(result) == _generic(result)


def test_a_finding_changed_after_priming_is_written_as_it_is_now(
    scan_result: ScanResult,
) -> None:
    reporter = JsonReporter()
    primed = scan_result.findings[0]
    reporter.prime(primed)
    moved = replace(primed, message="another message", location=Location("other.tf", 7))
    result = replace(scan_result, findings=(moved,))
    assert reporter.render(result) == _generic(result)
    assert "another message" in reporter.render(result)


def test_priming_an_odd_value_leaves_it_to_the_generic_writer(scan_result: ScanResult) -> None:
    odd = replace(scan_result.findings[0], location=Location("a.tf", True))  # type: ignore[arg-type]
    JsonReporter().prime(odd)  # never raises in a rules worker
    result = replace(scan_result, findings=(odd,))
    assert JsonReporter().render(result) == _generic(result)
    assert '"line": true' in _generic(result)
