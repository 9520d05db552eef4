"""How bad an advisory is, on fnguard's 1-10 impact scale.

In order of preference:
1. a CVSS vector in ``severity`` (of the affected package entry, else of the record), scored
   with the ``cvss`` library; v4 preferred, then v3, then v2. The score maps by its
   qualitative band, so a CVSS "high" is a fnguard "high":

   ========================  ======  ==============================
   CVSS base score           band    impact
   ========================  ======  ==============================
   9.0 - 10.0                crit.   9 (below 9.5), 10
   7.0 - 8.9                 high    7 (below 8.0), 8
   4.0 - 6.9                 medium  5 (below 5.5), 6
   0.1 - 3.9                 low     3 (below 2.0), 4
   0.0                       none    1
   ========================  ======  ==============================

2. ``database_specific.severity`` (GitHub advisories): CRITICAL 9, HIGH 7, MODERATE / MEDIUM
   5, LOW 3;
3. otherwise ``DEFAULT_IMPACT`` (5, medium): a known, unrated vulnerability is worth fixing
   but not an emergency by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["DEFAULT_IMPACT", "Rating", "impact_from_score", "rating"]

DEFAULT_IMPACT = 5

_DATABASE_SEVERITY = {"CRITICAL": 9, "HIGH": 7, "MODERATE": 5, "MEDIUM": 5, "LOW": 3}
_CALCULATORS = {"CVSS_V4": CVSS4, "CVSS_V3": CVSS3, "CVSS_V2": CVSS2}
_PREFERENCE = ("CVSS_V4", "CVSS_V3", "CVSS_V2")
# (lowest score of the band, score from which the upper impact applies, lower, upper impact)
_BANDS = (
    (Decimal("9.0"), Decimal("9.5"), 9, 10),
    (Decimal("7.0"), Decimal("8.0"), 7, 8),
    (Decimal("4.0"), Decimal("5.5"), 5, 6),
    (Decimal("0.1"), Decimal("2.0"), 3, 4),
)


@dataclass(frozen=True)
class Rating:
    """An advisory's impact, and whether a record actually rated it: among the records of one
    vulnerability, rated ones decide over the default."""

    impact: int
    rated: bool  # false when the default was used: another record's rating is preferred


def impact_from_score(score: Decimal) -> int:
    for low, upper_from, lower_impact, upper_impact in _BANDS:
        if score >= low:
            return upper_impact if score >= upper_from else lower_impact
    return 1


def _score(kind: str, vector: str) -> Decimal | None:
    calculator = _CALCULATORS.get(kind)
    if calculator is None:
        return None
    try:
        score = calculator(vector).base_score
    except (CVSSError, ValueError, KeyError, IndexError):
        return None
    return Decimal(str(score))


def _cvss(entries: Iterable[Any]) -> Decimal | None:
    scores: dict[str, Decimal] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        kind, vector = entry.get("type"), entry.get("score")
        if isinstance(kind, str) and isinstance(vector, str):
            score = _score(kind, vector)
            if score is not None:
                scores[kind] = max(score, scores.get(kind, score))
    return next((scores[k] for k in _PREFERENCE if k in scores), None)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _database_severity(*places: Mapping[str, Any]) -> int | None:
    for place in places:
        specific = place.get("database_specific")
        if isinstance(specific, dict):
            label = specific.get("severity")
            if isinstance(label, str) and label.upper() in _DATABASE_SEVERITY:
                return _DATABASE_SEVERITY[label.upper()]
    return None


def rating(record: Mapping[str, Any], affected: Mapping[str, Any] | None = None) -> Rating:
    """The impact of ``record`` for one of its ``affected`` entries."""
    entry = affected or {}
    score = _cvss(_list(entry.get("severity")))
    if score is None:
        score = _cvss(_list(record.get("severity")))
    if score is not None:
        return Rating(impact_from_score(score), rated=True)
    label = _database_severity(entry, record)
    if label is not None:
        return Rating(label, rated=True)
    return Rating(DEFAULT_IMPACT, rated=False)
