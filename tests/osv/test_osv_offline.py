"""The offline source: an OSV export as a folder or zips, read without the network."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

from osv.osv_fixture_records import write_folder, write_zips

from fnguard.osv import OsvDatabase, PackageKey

if TYPE_CHECKING:
    from pathlib import Path

JINJA = PackageKey("PyPI", "jinja2", "3.1.2")
LODASH = PackageKey("npm", "lodash", "4.17.20")
UNKNOWN = PackageKey("PyPI", "boto3", "1.34.0")


def ids(db: OsvDatabase, key: PackageKey) -> list[str]:
    return sorted(r["id"] for r in db.lookup([key]).records[key])


def test_folder_export(tmp_path: Path) -> None:
    db = OsvDatabase(write_folder(tmp_path / "osv"))
    lookup = db.lookup([JINJA, LODASH, UNKNOWN])
    assert not lookup.failed and not lookup.matched
    assert sorted(r["id"] for r in lookup.records[JINJA]) == ["GHSA-h5c8-rqwp-cp95", "PYSEC-2024-1"]
    assert [r["id"] for r in lookup.records[LODASH]] == ["GHSA-35jh-r3h4-6jhm"]
    assert lookup.records[UNKNOWN] == ()


def test_per_ecosystem_zips_as_published(tmp_path: Path) -> None:
    root = write_zips(tmp_path / "osv")
    assert ids(OsvDatabase(root), LODASH) == ["GHSA-35jh-r3h4-6jhm"]
    assert ids(OsvDatabase(root / "PyPI" / "all.zip"), JINJA) == [
        "GHSA-h5c8-rqwp-cp95",
        "PYSEC-2024-1",
    ]


def test_an_export_without_the_ecosystem_cannot_say_no(tmp_path: Path) -> None:
    root = write_zips(tmp_path / "osv")
    lookup = OsvDatabase(root / "PyPI" / "all.zip").lookup([JINJA, LODASH])
    assert list(lookup.failed) == [LODASH]
    assert "holds no npm advisories" in lookup.failed[LODASH]
    assert JINJA in lookup.records


def test_unreadable_exports_fail_every_package(tmp_path: Path) -> None:
    missing = OsvDatabase(tmp_path / "nope").lookup([JINJA])
    assert "no such file or folder" in missing.failed[JINJA]
    not_zip = tmp_path / "all.zip"
    not_zip.write_text("not a zip")
    assert "cannot read all.zip" in OsvDatabase(not_zip).lookup([JINJA]).failed[JINJA]


def test_broken_records_do_not_hide_the_others(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "osv")
    (root / "broken.json").write_text('{"id": "X", "affected": [{"package": {"name": "jinja2"')
    with zipfile.ZipFile(root / "extra.zip", "w") as archive:
        archive.writestr("list.json", '["name": "jinja2"]')
    assert ids(OsvDatabase(root), JINJA) == ["GHSA-h5c8-rqwp-cp95", "PYSEC-2024-1"]
