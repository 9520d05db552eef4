"""The shipped runtime table validates, and the parser refuses broken documents."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from fnguard.errors import RuleError
from fnguard.model import Provider
from fnguard.rules._pkg_runtimes import default_runtime_table, parse_runtime_table

AWS_REQUIRED = [f"python3.{minor}" for minor in range(6, 15)] + [
    "python2.7",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "java8",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "dotnet6",
    "dotnet8",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "provided",
    "provided.al2",
    "provided.al2023",
    "go1.x",
]


def _raw() -> dict:  # type: ignore[type-arg]
    text = resources.files("fnguard").joinpath("data", "runtimes.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_shipped_table_validates_and_covers_aws_runtimes() -> None:
    table = default_runtime_table()
    for runtime in AWS_REQUIRED:
        assert table.get(Provider.AWS, runtime) is not None, runtime
    assert table.get(Provider.GCP, "python312") is not None
    for entry in table.entries.values():
        assert entry.source.startswith("https://")
        dates = [d for d in (entry.deprecation, entry.block_create, entry.block_update) if d]
        assert dates == sorted(dates), entry.runtime


def test_every_raw_entry_has_source_and_parseable_dates() -> None:
    raw = _raw()
    assert raw["retrieved"] and raw["retrieved_note"]
    for entry in raw["runtimes"]:
        assert entry["source"].startswith("https://")
        assert entry["deprecation"]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (lambda d: d.pop("retrieved"), "retrieved"),
        (lambda d: d["runtimes"][0].update(deprecation="30/04/2028"), "ISO date"),
        (lambda d: d["runtimes"][0].pop("source"), "source"),
        (lambda d: d["runtimes"][0].update(provider="azure"), "provider"),
        (lambda d: d["runtimes"].append(dict(d["runtimes"][0])), "duplicate"),
    ],
)
def test_parser_rejects_broken_tables(mutation, expected) -> None:  # type: ignore[no-untyped-def]
    doc = _raw()
    mutation(doc)
    with pytest.raises(RuleError, match=expected):
        parse_runtime_table(doc)
