"""The advisory stage on hand-built inventories: advisories, alias merging, gaps, modes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from osv.osv_fake_api import FakeOsv, serve
from osv.osv_fixture_records import write_folder

from fnguard.errors import UsageError
from fnguard.model import ArtifactKind, Dependency, Inventory, Location, Package
from fnguard.osv import ADVISORIES_FIELD, AdvisoryEnricher, Lookup, OsvMode, OsvSource

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from fnguard.osv import PackageKey


def dep(ecosystem: str, name: str, version: str, manifest: str = "fn.zip!/req.txt") -> Dependency:
    return Dependency(ecosystem, name, version, manifest)


def package(address: str, *deps: Dependency) -> Package:
    return Package(
        address=address,
        location=Location(address.removeprefix("package:")),
        path=address.removeprefix("package:"),
        kind=ArtifactKind.ZIP,
        functions=("aws_lambda_function.api",),
        dependencies=deps,
    )


INVENTORY = Inventory(
    packages=(
        package(
            "package:build/fn.zip",
            dep("PyPI", "jinja2", "3.1.2"),
            dep("PyPI", "requests", "2.31.0"),  # fixed version: nothing
            dep("npm", "lodash", "4.17.20", "fn.zip!/package-lock.json"),
        ),
        package(
            "package:build/layer.zip",
            dep("PyPI", "jinja2", "3.1.2", "layer.zip!/python/jinja2-3.1.2.dist-info/METADATA"),
            dep("Maven", "org.example:lib", "1.0"),  # not an ecosystem fnguard reads
        ),
        package("package:build/empty.zip"),
    )
)


@pytest.fixture
def fake() -> Iterator[FakeOsv]:
    yield from serve()


def test_offline_export_gives_one_advisory_per_vulnerability(tmp_path: Path) -> None:
    enricher = AdvisoryEnricher(db_path=write_folder(tmp_path / "osv"))
    assert enricher.mode is OsvMode.OFFLINE
    piece = enricher.enrich(INVENTORY, tmp_path)
    assert piece.gaps == () and piece.functions == ()
    jinja = piece.advisories_for(dep("PyPI", "jinja2", "3.1.2"))
    # GHSA and PYSEC describe one vulnerability: the rated GHSA names it, the rest are aliases
    assert len(jinja) == 1
    assert jinja[0].id == "GHSA-h5c8-rqwp-cp95"
    assert jinja[0].aliases == ("CVE-2024-22195", "PYSEC-2024-1")
    assert jinja[0].impact == 6  # CVSS 6.1, medium
    assert jinja[0].fixed == ("3.1.3",)
    assert jinja[0].summary == "Jinja vulnerable to HTML attribute injection"
    lodash = piece.advisories_for(dep("npm", "lodash", "4.17.20"))
    assert [(a.id, a.impact, a.fixed) for a in lodash] == [("GHSA-35jh-r3h4-6jhm", 7, ("4.17.21",))]
    assert piece.advisories_for(dep("PyPI", "requests", "2.31.0")) == ()
    assert len(piece.advisories) == 2  # jinja2 is shared by two packages, looked up once


def test_online_mode_uses_the_api_and_its_cache(fake: FakeOsv, tmp_path: Path) -> None:
    enricher = AdvisoryEnricher("online", api_url=fake.url, cache_dir=tmp_path / "cache")
    piece = enricher.enrich(INVENTORY, None)
    assert piece.gaps == ()
    assert [a.id for a in piece.advisories_for(dep("PyPI", "jinja2", "3.1.2"))] == [
        "GHSA-h5c8-rqwp-cp95"
    ]
    assert list((tmp_path / "cache" / "vulns").glob("*.json"))


def test_network_failure_is_a_gap_on_each_package_concerned(fake: FakeOsv, tmp_path: Path) -> None:
    fake.query_status = 502
    enricher = AdvisoryEnricher(api_url=fake.url, cache_dir=tmp_path)
    piece = enricher.enrich(INVENTORY, None)
    assert piece.advisories == ()
    assert [(g.resource, g.field) for g in piece.gaps] == [
        ("package:build/fn.zip", ADVISORIES_FIELD),
        ("package:build/layer.zip", ADVISORIES_FIELD),
    ]
    assert (
        "HTTP 502" in piece.gaps[0].reason and "3 dependencies not checked" in piece.gaps[0].reason
    )
    assert piece.gaps[0].location == Location("build/fn.zip")


def test_off_mode_records_why_nothing_was_checked() -> None:
    piece = AdvisoryEnricher("off").enrich(INVENTORY, None)
    assert piece.advisories == ()
    assert {g.resource for g in piece.gaps} == {"package:build/fn.zip", "package:build/layer.zip"}
    assert all("--osv off" in g.reason for g in piece.gaps)


def test_no_dependencies_no_lookup() -> None:
    class Exploding(OsvSource):
        name = "never asked"

        def lookup(self, packages: Sequence[PackageKey]) -> Lookup:
            raise AssertionError("looked up")

    assert AdvisoryEnricher(source=Exploding()).enrich(Inventory(), None) == Inventory()


def test_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown mode 'sometimes'"):
        AdvisoryEnricher("sometimes")
    with pytest.raises(UsageError, match="needs --osv-db"):
        AdvisoryEnricher(OsvMode.OFFLINE)
    with pytest.raises(UsageError, match="use it with --osv offline"):
        AdvisoryEnricher("online", "osv/all.zip")
    assert AdvisoryEnricher("off", "osv/all.zip").mode is OsvMode.OFF


def test_the_api_decides_what_matches(tmp_path: Path) -> None:
    """A record the API returns counts even when the local ranges would not say so."""

    class Api(OsvSource):
        name = "api"

        def lookup(self, packages: Sequence[PackageKey]) -> Lookup:
            record = {
                "id": "GHSA-git",
                "summary": "fixed by commit",
                "database_specific": {"severity": "HIGH"},
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "a"},
                        "ranges": [{"type": "GIT", "events": [{"introduced": "abc"}]}],
                    }
                ],
            }
            return Lookup(records={k: (record,) for k in packages}, matched=True)

    inv = Inventory(packages=(package("package:p", dep("PyPI", "a", "1.0")),))
    (advisory,) = AdvisoryEnricher(source=Api()).enrich(inv, None).advisories
    assert (advisory.id, advisory.impact, advisory.fixed) == ("GHSA-git", 7, ())


def test_unrated_records_alone_get_the_default_and_keep_their_id(tmp_path: Path) -> None:
    class One(OsvSource):
        name = "one"

        def lookup(self, packages: Sequence[PackageKey]) -> Lookup:
            record = {
                "id": "PYSEC-1",
                "details": "x" * 500,
                "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "versions": ["1"]}],
            }
            return Lookup(records={k: (record,) for k in packages})

    inv = Inventory(packages=(package("package:p", dep("PyPI", "a", "1")),))
    (advisory,) = AdvisoryEnricher(source=One()).enrich(inv, None).advisories
    assert (advisory.id, advisory.impact, advisory.aliases) == ("PYSEC-1", 5, ())
    assert len(advisory.summary) == 200 and advisory.summary.endswith("…")
