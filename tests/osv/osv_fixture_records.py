"""A small OSV-format advisory set, shaped like osv.dev's exports, and ways to serve it."""

from __future__ import annotations

import json
import zipfile
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

CVSS_54 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"  # 6.1 medium
CVSS_72 = "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"  # 7.2 high
CVSS_98 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8 critical


def _pypi(name: str) -> dict[str, str]:
    return {"ecosystem": "PyPI", "name": name}


def _npm(name: str) -> dict[str, str]:
    return {"ecosystem": "npm", "name": name}


def _range(kind: str, *events: tuple[str, str]) -> dict[str, Any]:
    return {"type": kind, "events": [{k: v} for k, v in events]}


RECORDS: list[dict[str, Any]] = [
    {
        "id": "GHSA-h5c8-rqwp-cp95",
        "modified": "2024-02-01T10:00:00Z",
        "summary": "Jinja vulnerable to HTML attribute injection",
        "aliases": ["CVE-2024-22195"],
        "severity": [{"type": "CVSS_V3", "score": CVSS_54}],
        "affected": [
            {
                "package": _pypi("jinja2"),
                "ranges": [_range("ECOSYSTEM", ("introduced", "0"), ("fixed", "3.1.3"))],
            }
        ],
        "database_specific": {"severity": "MODERATE"},
    },
    {
        # The same vulnerability under its PyPI advisory ID, without a rating.
        "id": "PYSEC-2024-1",
        "modified": "2024-01-20T10:00:00.5Z",
        "details": "Jinja2 before 3.1.3 allows attribute injection.\nMore text.",
        "aliases": ["CVE-2024-22195"],
        "affected": [
            {
                "package": _pypi("Jinja2"),
                "ranges": [_range("ECOSYSTEM", ("introduced", "0"), ("fixed", "3.1.3"))],
                "versions": ["3.1.2"],
            }
        ],
    },
    {
        "id": "GHSA-j8r2-6x86-q33q",
        "modified": "2023-06-01T00:00:00Z",
        "summary": "Requests leaks Proxy-Authorization headers",
        "aliases": ["CVE-2023-32681"],
        "affected": [
            {
                "package": _pypi("requests"),
                "ranges": [_range("ECOSYSTEM", ("introduced", "2.3.0"), ("fixed", "2.31.0"))],
            }
        ],
        "database_specific": {"severity": "MODERATE"},
    },
    {
        "id": "GHSA-35jh-r3h4-6jhm",
        "modified": "2023-01-01T00:00:00Z",
        "summary": "Command injection in lodash",
        "aliases": ["CVE-2021-23337"],
        "severity": [{"type": "CVSS_V3", "score": CVSS_72}],
        "affected": [
            {
                "package": _npm("lodash"),
                "ranges": [_range("SEMVER", ("introduced", "0"), ("fixed", "4.17.21"))],
            }
        ],
    },
    {
        "id": "GHSA-xvch-5gv4-984h",
        "modified": "2023-01-01T00:00:00Z",
        "summary": "Prototype pollution in minimist",
        "severity": [{"type": "CVSS_V3", "score": CVSS_98}],
        "affected": [
            {
                "package": _npm("minimist"),
                "ranges": [
                    _range("SEMVER", ("introduced", "0"), ("fixed", "0.2.4")),
                    _range("SEMVER", ("introduced", "1.0.0"), ("last_affected", "1.2.5")),
                ],
            }
        ],
    },
    {
        "id": "GHSA-wwww-withdrawn",
        "modified": "2023-01-01T00:00:00Z",
        "withdrawn": "2023-02-01T00:00:00Z",
        "summary": "Withdrawn: not a vulnerability",
        "affected": [
            {
                "package": _pypi("requests"),
                "ranges": [_range("ECOSYSTEM", ("introduced", "0"))],
            }
        ],
    },
    {
        "id": "MAL-2024-1",
        "modified": "2024-01-01T00:00:00Z",
        "summary": "Malicious code in evil-pkg (npm)",
        "affected": [{"package": _npm("evil-pkg"), "versions": ["1.0.0", "1.0.1"]}],
    },
    {
        "id": "OSV-GIT-ONLY",
        "modified": "2024-01-01T00:00:00Z",
        "summary": "Commit range only",
        "affected": [
            {
                "package": _pypi("gitonly"),
                "ranges": [_range("GIT", ("introduced", "abc123"), ("fixed", "def456"))],
            }
        ],
    },
]

BY_ID = {r["id"]: r for r in RECORDS}


def write_folder(root: Path) -> Path:
    """One JSON file per record, as an extracted export."""
    root.mkdir(parents=True, exist_ok=True)
    for record in RECORDS:
        (root / f"{record['id']}.json").write_text(json.dumps(record, indent=2))
    return root


def write_zips(root: Path) -> Path:
    """``<ecosystem>/all.zip`` per ecosystem, as osv.dev publishes them."""
    for ecosystem in ("PyPI", "npm"):
        (root / ecosystem).mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(root / ecosystem / "all.zip", "w") as archive:
            for record in RECORDS:
                if record["affected"][0]["package"]["ecosystem"] == ecosystem:
                    archive.writestr(f"{record['id']}.json", json.dumps(record))
    return root
