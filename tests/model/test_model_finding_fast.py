"""Finding's and Evidence's hand-written ``__init__``, band table and fingerprint agree with
what they replace."""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import pickle

import pytest

from fnguard.model import (
    Evidence,
    Finding,
    FindingStatus,
    Location,
    Provider,
    Remediation,
    Severity,
)

#: the scale's lower bounds, worst first
_FLOORS = ((9, Severity.CRITICAL), (7, Severity.HIGH), (5, Severity.MEDIUM), (3, Severity.LOW))


def _reference_band(impact: int) -> Severity:
    return next((band for floor, band in _FLOORS if impact >= floor), Severity.INFO)


def _finding(**changes: object) -> Finding:
    values: dict[str, object] = {
        "rule_id": "FN001",
        "title": "t",
        "impact": 7,
        "resource": "aws_lambda_function.a",
        "location": Location("main.tf", 3),
        "message": "m",
        "remediation": Remediation("fix"),
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def test_init_signature_is_the_dataclass_one() -> None:
    params = list(inspect.signature(Finding.__init__).parameters.values())[1:]
    fields = dataclasses.fields(Finding)
    assert [p.name for p in params] == [f.name for f in fields]
    for param, field in zip(params, fields, strict=True):
        expected = (
            inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default
        )
        assert param.default == expected, field.name
        assert param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD


def test_init_stores_every_field_and_stays_frozen() -> None:
    ev = (Evidence("k", "v"),)
    f = Finding(
        "R1",
        "t",
        4,
        "res",
        None,
        "msg",
        Remediation("x"),
        ev,
        "fn",
        FindingStatus.UNKNOWN,
        Provider.GCP,
        Severity.CRITICAL,
    )
    assert dataclasses.astuple(f)[:5] == ("R1", "t", 4, "res", None)
    assert (f.evidence, f.function, f.status, f.provider) == (
        ev,
        "fn",
        FindingStatus.UNKNOWN,
        Provider.GCP,
    )
    assert f.severity is Severity.CRITICAL
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.impact = 3  # type: ignore[misc]
    assert f == pickle.loads(pickle.dumps(f))
    assert hash(f) == hash(dataclasses.replace(f))


@pytest.mark.parametrize("impact", range(1, 11))
def test_band_table_matches_the_scale(impact: int) -> None:
    assert Severity.from_impact(impact) is _reference_band(impact)
    assert _finding(impact=impact).severity is _reference_band(impact)


@pytest.mark.parametrize("impact", [0, 11, -1])
def test_out_of_range_still_refused_when_read(impact: int) -> None:
    f = _finding(impact=impact)  # made: the error comes when the band is asked, as before
    with pytest.raises(ValueError, match="impact must be 1-10"):
        _ = f.severity


def test_odd_impacts_judged_as_before() -> None:
    assert Severity.from_impact(True) is Severity.INFO
    assert Severity.from_impact(5.5) is Severity.MEDIUM  # type: ignore[arg-type]
    assert _finding(impact=9.5).severity is Severity.CRITICAL


def test_override_and_replace() -> None:
    f = _finding(impact=2)
    assert f.severity is Severity.INFO
    g = dataclasses.replace(f, severity_override=Severity.HIGH)
    assert g.severity is Severity.HIGH
    assert dataclasses.replace(g, severity_override=None, impact=10).severity is Severity.CRITICAL


@pytest.mark.parametrize("message", ["plain", "caf\u00e9 \u2014 x", "lone \udcff surrogate"])
def test_fingerprint_is_first_16_hex_digits_of_sha256(message: str) -> None:
    f = _finding(message=message)
    digest = hashlib.sha256(f.key.encode("utf-8", "surrogatepass")).hexdigest()
    assert f.fingerprint == digest[:16]


def test_evidence_init_is_the_dataclass_one() -> None:
    params = list(inspect.signature(Evidence.__init__).parameters)[1:]
    assert params == [f.name for f in dataclasses.fields(Evidence)]
    e = Evidence("label", value="v")
    assert (e.label, e.value) == ("label", "v")
    assert e == Evidence("label", "v")
    assert hash(e) == hash(Evidence("label", "v"))
    assert e == pickle.loads(pickle.dumps(e))
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.value = "w"  # type: ignore[misc]


def test_order_sorts_worst_first_then_rule_resource_place_status_message() -> None:
    made = [
        _finding(impact=3, rule_id="A001"),  # low
        _finding(impact=9, rule_id="Z001"),  # critical: first whatever its rule
        _finding(rule_id="B001", resource="b"),
        _finding(rule_id="B001", resource="a", location=None),
        _finding(rule_id="B001", resource="a", location=Location("main.tf", 9)),
        _finding(rule_id="B001", resource="a", location=Location("main.tf", 2)),
        _finding(rule_id="B001", resource="a", location=Location("a.tf", 50)),
        _finding(rule_id="C001", status=FindingStatus.UNKNOWN),
        _finding(rule_id="C001", message="b"),
        _finding(rule_id="C001", message="a"),
    ]
    ordered = sorted(made, key=lambda f: f.order)
    described = [
        (f.severity, f.rule_id, f.resource, f.location, f.status, f.message) for f in ordered
    ]
    assert described == [
        (
            Severity.CRITICAL,
            "Z001",
            "aws_lambda_function.a",
            Location("main.tf", 3),
            FindingStatus.FAIL,
            "m",
        ),
        (Severity.HIGH, "B001", "a", Location("a.tf", 50), FindingStatus.FAIL, "m"),
        (Severity.HIGH, "B001", "a", Location("main.tf", 2), FindingStatus.FAIL, "m"),
        (Severity.HIGH, "B001", "a", Location("main.tf", 9), FindingStatus.FAIL, "m"),
        (Severity.HIGH, "B001", "a", None, FindingStatus.FAIL, "m"),
        (Severity.HIGH, "B001", "b", Location("main.tf", 3), FindingStatus.FAIL, "m"),
        (
            Severity.HIGH,
            "C001",
            "aws_lambda_function.a",
            Location("main.tf", 3),
            FindingStatus.FAIL,
            "a",
        ),
        (
            Severity.HIGH,
            "C001",
            "aws_lambda_function.a",
            Location("main.tf", 3),
            FindingStatus.FAIL,
            "b",
        ),
        (
            Severity.HIGH,
            "C001",
            "aws_lambda_function.a",
            Location("main.tf", 3),
            FindingStatus.UNKNOWN,
            "m",
        ),
        (
            Severity.LOW,
            "A001",
            "aws_lambda_function.a",
            Location("main.tf", 3),
            FindingStatus.FAIL,
            "m",
        ),
    ]


def test_order_is_kept_through_pickle_and_redone_for_a_changed_copy() -> None:
    found = _finding(impact=3)
    order = found.order
    assert pickle.loads(pickle.dumps(found)).__dict__["order"] == order  # a worker's, as sent
    raised = dataclasses.replace(found, severity_override=Severity.CRITICAL)
    assert raised.order[0] == -Severity.CRITICAL.value != order[0]
