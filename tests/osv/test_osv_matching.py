"""Version matching: the OSV schema's range evaluation, PEP 440 for PyPI, SemVer for npm."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from osv.osv_fixture_records import BY_ID
from packaging.version import Version

from fnguard.osv import match


def rec(ecosystem: str, *events: tuple[str, str], kind: str = "ECOSYSTEM") -> dict[str, Any]:
    return {
        "id": "X",
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": "pkg"},
                "ranges": [{"type": kind, "events": [{k: v} for k, v in events]}],
            }
        ],
    }


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("2.2.0", False),  # before introduced
        ("2.3.0", True),  # introduced is inclusive
        ("2.30.0", True),  # ordered as versions, not strings ("2.30" > "2.4")
        ("2.31.0rc1", True),  # a pre-release of the fix is still affected
        ("2.31.0", False),  # fixed is exclusive
        ("2.31", False),  # PEP 440: 2.31 == 2.31.0
        ("3.0.0", False),
    ],
)
def test_pypi_introduced_fixed(version: str, affected: bool) -> None:
    assert (
        match(BY_ID["GHSA-j8r2-6x86-q33q"], "PyPI", "requests", version) is not None
    ) is affected


def test_pypi_names_compare_normalised_and_fixed_versions_are_reported() -> None:
    hit = match(BY_ID["PYSEC-2024-1"], "PyPI", "jinja2", "3.1.2")
    assert hit is not None and hit.fixed == ("3.1.3",)
    assert match(BY_ID["PYSEC-2024-1"], "npm", "jinja2", "3.1.2") is None  # other ecosystem


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("0.2.3", True),
        ("0.2.4", False),
        ("0.9.0", False),  # between the two ranges
        ("1.0.0", True),
        ("1.2.5", True),  # last_affected is inclusive
        ("1.2.6", False),
        ("1.2.6-beta.1", False),  # SemVer: 1.2.6-beta.1 > 1.2.5
        ("v1.2.0", True),  # loose "v" prefix
    ],
)
def test_npm_semver_two_ranges_with_last_affected(version: str, affected: bool) -> None:
    record = BY_ID["GHSA-xvch-5gv4-984h"]
    assert (match(record, "npm", "minimist", version) is not None) is affected


def test_semver_orders_pre_releases_before_the_release() -> None:
    record = rec("npm", ("introduced", "0"), ("fixed", "2.0.0"), kind="SEMVER")
    assert match(record, "npm", "pkg", "2.0.0-rc.1") is not None
    assert match(record, "npm", "pkg", "2.0.0") is None
    assert match(record, "npm", "pkg", "10.0.0") is None  # numeric, not lexical


def test_versions_list_only() -> None:
    record = BY_ID["MAL-2024-1"]
    assert match(record, "npm", "evil-pkg", "1.0.1") is not None
    assert match(record, "npm", "evil-pkg", "1.0.2") is None


def test_pypi_versions_list_compares_as_pep_440() -> None:
    record = {
        "id": "X",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "pkg"}, "versions": ["1.0"]}],
    }
    assert match(record, "PyPI", "pkg", "1.0.0") is not None


def test_limit_bounds_the_range() -> None:
    record = rec("PyPI", ("introduced", "1.0"), ("limit", "2.0"))
    assert match(record, "PyPI", "pkg", "1.5") is not None
    assert match(record, "PyPI", "pkg", "2.0") is None
    open_ended = rec("PyPI", ("introduced", "1.0"), ("limit", "*"))
    assert match(open_ended, "PyPI", "pkg", "9.0") is not None


def test_unsorted_events_are_sorted_first() -> None:
    record = rec("PyPI", ("fixed", "1.5"), ("introduced", "2.0"), ("introduced", "1.0"))
    assert match(record, "PyPI", "pkg", "1.2") is not None
    assert match(record, "PyPI", "pkg", "1.7") is None
    assert match(record, "PyPI", "pkg", "2.1") is not None  # reintroduced, never fixed


def test_nothing_is_guessed() -> None:
    # the version does not parse
    assert match(BY_ID["GHSA-j8r2-6x86-q33q"], "PyPI", "requests", "not-a-version") is None
    # an event does not parse
    assert match(rec("PyPI", ("introduced", "0"), ("fixed", "???")), "PyPI", "pkg", "1.0") is None
    # GIT ranges name commits
    assert match(BY_ID["OSV-GIT-ONLY"], "PyPI", "gitonly", "1.0") is None
    # withdrawn advisories
    assert match(BY_ID["GHSA-wwww-withdrawn"], "PyPI", "requests", "2.0") is None
    # malformed records
    assert match({"id": "X", "affected": "nope"}, "PyPI", "pkg", "1.0") is None
    assert match({"id": "X", "affected": [{"package": None}]}, "PyPI", "pkg", "1.0") is None
    bad_events = {
        "id": "X",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "pkg"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0", "fixed": "1"}]}],
            }
        ],
    }
    assert match(bad_events, "PyPI", "pkg", "0.5") is None


def test_ecosystem_suffixes_are_ignored() -> None:
    record = {
        "id": "X",
        "affected": [
            {
                "package": {"ecosystem": "PyPI:3.11", "name": "pkg"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
            }
        ],
    }
    assert match(record, "PyPI", "pkg", "1.0") is not None


pep440 = st.builds("{}.{}.{}".format, st.integers(0, 12), st.integers(0, 12), st.integers(0, 12))


@given(a=pep440, b=pep440, v=pep440)
def test_one_range_is_the_half_open_interval(a: str, b: str, v: str) -> None:
    lo, hi = sorted((Version(a), Version(b)))
    record = rec("PyPI", ("introduced", str(lo)), ("fixed", str(hi)))
    assert (match(record, "PyPI", "pkg", v) is not None) is (lo <= Version(v) < hi)
    semver_record = rec("npm", ("introduced", str(lo)), ("last_affected", str(hi)), kind="SEMVER")
    assert (match(semver_record, "npm", "pkg", v) is not None) is (lo <= Version(v) <= hi)
