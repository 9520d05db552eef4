"""Advisory severity on the 1-10 impact scale: CVSS by band, database labels, a default."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fnguard.model import Severity
from fnguard.osv import DEFAULT_IMPACT, impact_from_score, rating

V3_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8
V3_HIGH = "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"  # 7.2
V4_CRITICAL = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"  # 9.3
V2_HIGH = "AV:N/AC:L/Au:N/C:P/I:P/A:P"  # 7.5


@pytest.mark.parametrize(
    ("score", "impact", "band"),
    [
        ("10.0", 10, Severity.CRITICAL),
        ("9.5", 10, Severity.CRITICAL),
        ("9.0", 9, Severity.CRITICAL),
        ("8.9", 8, Severity.HIGH),
        ("7.0", 7, Severity.HIGH),
        ("6.9", 6, Severity.MEDIUM),
        ("4.0", 5, Severity.MEDIUM),
        ("3.9", 4, Severity.LOW),
        ("0.1", 3, Severity.LOW),
        ("0.0", 1, Severity.INFO),
    ],
)
def test_cvss_bands_map_to_the_same_fnguard_band(score: str, impact: int, band: Severity) -> None:
    assert impact_from_score(Decimal(score)) == impact
    assert Severity.from_impact(impact) is band


def sev(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"type": t, "score": s} for t, s in pairs]


def test_vectors_are_scored_v4_first() -> None:
    record = {"severity": sev(("CVSS_V3", V3_HIGH), ("CVSS_V4", V4_CRITICAL))}
    assert rating(record).impact == 9
    assert rating({"severity": sev(("CVSS_V2", V2_HIGH))}).impact == 7


def test_affected_entry_severity_wins_over_the_record() -> None:
    record = {"severity": sev(("CVSS_V3", V3_CRITICAL))}
    entry = {"severity": sev(("CVSS_V3", V3_HIGH))}
    assert rating(record, entry).impact == 7


def test_database_severity_when_there_is_no_vector() -> None:
    for label, impact in [("CRITICAL", 9), ("HIGH", 7), ("MODERATE", 5), ("low", 3)]:
        r = rating({"database_specific": {"severity": label}})
        assert (r.impact, r.rated) == (impact, True)


def test_default_when_unrated_or_unparseable() -> None:
    assert rating({}).impact == DEFAULT_IMPACT and not rating({}).rated
    broken = {"severity": sev(("CVSS_V3", "CVSS:3.1/garbage"), ("UBUNTU", "high"))}
    assert rating(broken).impact == DEFAULT_IMPACT
    assert rating({"severity": "nope", "database_specific": {"severity": "???"}}).rated is False
