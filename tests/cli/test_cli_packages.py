"""Packages through the CLI: --artifact (bare and FUNCTION=PATH), --osv modes, --limit."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import stat
import zipfile
from typing import TYPE_CHECKING

import pytest
from osv.osv_fixture_records import write_folder

from fnguard.cli import main

if TYPE_CHECKING:
    from pathlib import Path


def _zip(path: Path, files: dict[str, tuple[str, int]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, (text, mode) in files.items():
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, text)
    return path


def _scan(*args: str) -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    code = main(["scan", *args, "--format", "json", "--no-progress"], stdout=out)
    return code, json.loads(out.getvalue()) if out.getvalue() else {}


def _rules(report: dict[str, object]) -> set[str]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {f["rule_id"] for f in findings if f["status"] == "fail"}


def test_a_bare_artifact_is_scanned_as_a_function_of_its_own(tmp_path: Path) -> None:
    package = _zip(
        tmp_path / "fn.zip",
        {"app.py": ("def handler(event, context):\n    return 1\n", 0o644), "run": ("x", 0o4755)},
    )
    code, report = _scan(
        "--artifact", str(package), "--runtime", "python3.12", "--osv", "off", "--fail-on", "low"
    )
    assert code == 1
    # Only what a package can show: no infrastructure rule judges a made-up function.
    assert _rules(report) == {"PKG005"}  # the setuid file


def test_function_equals_path_checks_a_build_against_the_recorded_hash(tmp_path: Path) -> None:
    deployed = b"the code that was deployed"
    recorded = base64.b64encode(hashlib.sha256(deployed).digest()).decode()
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "api" {\n'
        '  function_name    = "api"\n'
        '  role             = "arn:aws:iam::123456789012:role/api"\n'
        '  handler          = "app.handler"\n'
        '  runtime          = "python3.12"\n'
        '  filename         = "build/api.zip"\n'
        f'  source_code_hash = "{recorded}"\n'
        "}\n"
    )
    build = _zip(tmp_path / "local.zip", {"app.py": ("def handler(e, c):\n    return 2\n", 0o644)})
    code, report = _scan(str(tmp_path), "--artifact", f"api={build}", "--osv", "off")
    assert code == 1
    pkg003 = [f for f in report["findings"] if f["rule_id"] == "PKG003"]  # type: ignore[union-attr]
    assert pkg003 and pkg003[0]["status"] == "fail"


def test_an_artifact_for_an_unknown_function_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "api" {\n}\n')
    build = _zip(tmp_path / "local.zip", {"app.py": ("x = 1\n", 0o644)})
    code = main(["scan", str(tmp_path), "--artifact", f"nope={build}", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "no scanned function is named 'nope'" in err


def test_offline_osv_database_reports_the_advisory(tmp_path: Path) -> None:
    db = write_folder(tmp_path / "osv")
    package = tmp_path / "pkg"
    info = package / "jinja2-3.1.2.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\n")
    (package / "app.py").write_text("def handler(event, context):\n    return 1\n")
    code, report = _scan("--artifact", str(package), "--osv-db", str(db), "--fail-on", "low")
    assert code == 1
    pkg007 = [f for f in report["findings"] if f["rule_id"] == "PKG007"]  # type: ignore[union-attr]
    assert pkg007 and all(f["status"] == "fail" for f in pkg007)
    assert any("GHSA-h5c8-rqwp-cp95" in json.dumps(f["evidence"]) for f in pkg007)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--osv", "online", "--osv-db", "x"], "--osv-db is an offline OSV export"),
        (["--function-arch", "arm64"], "--function-arch and --runtime describe a bare"),
        (["--limit", "max-file-bytes"], "--limit max-file-bytes: expected NAME=VALUE"),
        (["--limit", "max-bogus=1"], "expected a limit name"),
    ],
)
def test_package_flag_misuse_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "main.tf").write_text("")
    code = main(["scan", str(tmp_path), *args, "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and message in err, err


def test_a_limit_hit_names_the_flag_that_raises_it(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("# " + "x" * 4096 + "\n")
    out = io.StringIO()
    code = main(
        ["scan", str(tmp_path), "--limit", "max-file-bytes=1KB", "--format", "json"], stdout=out
    )
    assert code == 2
    gaps = json.loads(out.getvalue())["gaps"]
    assert any("--limit max-file-bytes" in g["reason"] for g in gaps)
