"""Code findings are located relative to the scanned folder, through symbolic links as the
IaC names the code, whatever the current directory and however the folder is written."""

from __future__ import annotations

import io
import json
import os
from typing import TYPE_CHECKING

import pytest

from fnguard.cli import main

if TYPE_CHECKING:
    from pathlib import Path

_SERVICE = """\
service: links
provider:
  name: aws
  runtime: python3.12
functions:
  report:
    handler: src/report/handler.lambda_handler
"""
_HANDLER = """\
import subprocess


def lambda_handler(event, context):
    subprocess.run("convert " + event["name"], shell=True)
"""


def _tree(base: Path) -> Path:
    """A repository where ``svc/src`` links to ``shared/src``, where the handler is (links are
    followed within the repository holding the scanned folder)."""
    (base / ".git").mkdir(parents=True)
    (base / "shared" / "src" / "report").mkdir(parents=True)
    (base / "shared" / "src" / "report" / "handler.py").write_text(_HANDLER)
    (base / "svc").mkdir()
    (base / "svc" / "serverless.yml").write_text(_SERVICE)
    os.symlink("../shared/src", base / "svc" / "src")
    return base


def _injection_files(target: str, out: Path) -> list[str]:
    code = main(
        ["scan", target, "--format", "json", "--output", str(out), "--osv", "off"],
        stdout=io.StringIO(),
    )
    assert code in (0, 1)
    report = json.loads(out.read_text())
    return [f["location"]["file"] for f in report["findings"] if f["rule_id"] == "INJ001"]


@pytest.mark.parametrize("absolute", [False, True])
def test_service_scanned_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, absolute: bool
) -> None:
    base = _tree(tmp_path)
    monkeypatch.chdir(base)
    target = str(base / "svc") if absolute else "svc"
    assert _injection_files(target, tmp_path / "r.json") == ["src/report/handler.py"]


@pytest.mark.parametrize("absolute", [False, True])
def test_parent_scanned_from_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, absolute: bool
) -> None:
    base = _tree(tmp_path / "repo")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere" if absolute else tmp_path)
    target = str(base) if absolute else "repo"
    assert _injection_files(target, tmp_path / "r.json") == ["svc/src/report/handler.py"]
