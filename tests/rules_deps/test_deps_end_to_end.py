"""From a zip built here to PKG007 and SEC003 findings, through the collector's contract:
``wants`` for every member, ``inspect`` for the wanted ones, the offline OSV export."""

from __future__ import annotations

import json
import zipfile
from typing import TYPE_CHECKING

from osv.osv_fixture_records import write_zips
from rules_deps.deps_inventory import FN, fn, pkg
from rules_deps.deps_inventory import run as run_rules

from fnguard import content
from fnguard.artifact import open_artifact
from fnguard.code import member_location
from fnguard.model import FindingStatus, Inventory, Location
from fnguard.osv import AdvisoryEnricher
from fnguard.rules._pkg_vulns import RULES as PKG_RULES
from fnguard.rules._sec_files import RULES as SEC_RULES

if TYPE_CHECKING:
    from pathlib import Path

STRIPE = "sk_" + "live_4eC39HqLyjWDarjtT1zdp7dc"


def build_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("app/handler.py", 'import jinja2\nDB_PASSWORD = "Zt9-qW2_kPx81"\n')
        archive.writestr("app/tests/test_handler.py", 'password = "Vq7mLp2xRt"\n')  # fixture
        archive.writestr(".env", f"STRIPE_KEY={STRIPE}\nAPI_KEY=changeme\n")
        archive.writestr(
            "jinja2-3.1.2.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\n",
        )
        archive.writestr("jinja2/__init__.py", '__version__ = "3.1.2"\n')
        archive.writestr(
            "node_modules/lodash/package.json", json.dumps({"name": "lodash", "version": "4.17.20"})
        )
        archive.writestr("node_modules/lodash/.env", f"TOKEN={STRIPE}\n")  # third party
        archive.writestr("lib/libfoo.so", b"\x7fELF" + bytes(256))
    return path


def read(path: Path) -> content.ContentFacts:
    artifact = open_artifact(path)
    deps, secrets = [], []
    try:
        for member in artifact.members():
            if content.wants(member.name, member.size):
                data = artifact.read(member.name)
                facts = content.inspect(member.name, data, member_location(artifact, member.name))
                deps.extend(facts.dependencies)
                secrets.extend(facts.secrets)
    finally:
        artifact.close()
    return content.ContentFacts(tuple(deps), tuple(secrets))


def test_zip_to_findings(tmp_path: Path) -> None:
    archive = build_zip(tmp_path / "fn.zip")
    facts = read(archive)
    package = pkg(str(archive), dependencies=facts.dependencies, secrets=facts.secrets)
    inv = Inventory(functions=(fn(),), packages=(package,))
    enricher = AdvisoryEnricher("offline", write_zips(tmp_path / "osv"))
    inv = inv.merge(enricher.enrich(inv, tmp_path))

    vulns = run_rules(PKG_RULES, inv)
    assert [(f.resource, f.impact, f.location) for f in vulns] == [
        (FN, 6, Location(f"{archive.as_posix()}!/jinja2-3.1.2.dist-info/METADATA", 3)),
        (FN, 7, Location(f"{archive.as_posix()}!/node_modules/lodash/package.json")),
    ]
    secrets = run_rules(SEC_RULES, inv)
    assert [(f.location, f.status) for f in secrets] == [
        (Location(f"{archive.as_posix()}!/app/handler.py", 2), FindingStatus.FAIL),
        (Location(f"{archive.as_posix()}!/.env", 1), FindingStatus.FAIL),
    ]
    assert all(STRIPE not in repr(f) and "Zt9-qW2_kPx81" not in repr(f) for f in secrets)


def test_offline_export_without_npm_leaves_lodash_unchecked(tmp_path: Path) -> None:
    archive = build_zip(tmp_path / "fn.zip")
    facts = read(archive)
    inv = Inventory(
        functions=(fn(),), packages=(pkg(str(archive), dependencies=facts.dependencies),)
    )
    pypi_only = write_zips(tmp_path / "osv") / "PyPI" / "all.zip"
    inv = inv.merge(AdvisoryEnricher(db_path=pypi_only).enrich(inv, tmp_path))
    findings = run_rules(PKG_RULES, inv)
    assert [f.status for f in findings] == [FindingStatus.FAIL, FindingStatus.UNKNOWN]
    assert "holds no npm advisories" in findings[1].message
