"""Fixtures of the hostile-input suite: a tree writer, a bounded scan, and exact-outcome checks.

Every scanned tree holds a *sentinel*: a well-formed function in its own folder with a memory
size out of range (LIM001). A hostile file that should be a gap must leave the sentinel's
finding in the report, which proves that the rest of the scan completed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hostile.hostile_sandbox import RUNS, Outcome, preload, run_cli

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

SENTINEL = (
    'resource "aws_lambda_function" "sentinel" {\n'
    '  function_name = "sentinel"\n'
    "  memory_size   = 20000\n"
    '  role          = "arn:aws:iam::123456789012:role/sentinel"\n'
    "}\n"
)
SENTINEL_FILE = "zz_sentinel/main.tf"


@pytest.fixture(scope="session", autouse=True)
def _warm() -> Iterator[None]:
    preload()
    yield
    target = os.environ.get("FNGUARD_HOSTILE_REPORT")
    if target:
        rows = [
            {"case": label, "seconds": round(o.seconds, 3), "grew_mb": round(o.grew_mb, 1)}
            for label, o in RUNS
        ]
        Path(target).write_text(json.dumps(rows, indent=1))


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


@pytest.fixture
def scan(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., Outcome]:
    """``scan(files, *extra_args)``: write ``files`` and the sentinel, scan as JSON."""

    def run(files: Mapping[str, str | bytes], *extra: str, sentinel: bool = True) -> Outcome:
        root = tmp_path / "tree"
        root.mkdir(exist_ok=True)
        write_tree(root, {**files, **({SENTINEL_FILE: SENTINEL} if sentinel else {})})
        argv = ["scan", str(root), "--format", "json", "--no-progress", "--fail-on", "none"]
        return run_cli([*argv, *extra], request.node.name)

    return run


def sentinel_scanned(outcome: Outcome) -> bool:
    findings = outcome.report()["findings"]
    assert isinstance(findings, list)
    return any(f["rule_id"] == "LIM001" and f["resource"].endswith("sentinel") for f in findings)


def assert_bounded(outcome: Outcome) -> None:
    assert not outcome.timed_out, "the scan did not finish within the bound"
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.code is not None and outcome.code != 99, outcome.stderr


def assert_gap(outcome: Outcome, file: str, reason: str, *, exit_code: int = 2) -> None:
    """A recorded gap on ``file`` whose reason contains ``reason``; the scan completed; with
    exit code 2 the CLI named the file and the reason on stderr, one line each."""
    assert_bounded(outcome)
    assert outcome.code == exit_code, outcome.stderr
    gaps = outcome.report()["gaps"]
    assert isinstance(gaps, list)
    found = [g for g in gaps if g["location"]["file"] == file and reason in g["reason"]]
    assert found, json.dumps(gaps, indent=1)[:3000]
    assert sentinel_scanned(outcome), "the rest of the scan did not complete"
    if exit_code == 2:
        assert all(line.startswith("fnguard: ") for line in outcome.stderr_lines)
        assert any(line.startswith(f"fnguard: {file}") for line in outcome.stderr_lines)
        assert any(reason in line for line in outcome.stderr_lines), outcome.stderr


def assert_error(outcome: Outcome, line: str) -> None:
    """Exit 2 with exactly one line on stderr, ``fnguard: <line>`` (a prefix of it)."""
    assert_bounded(outcome)
    assert outcome.code == 2, outcome.stderr
    assert len(outcome.stderr_lines) == 1, outcome.stderr
    assert outcome.stderr_lines[0].startswith(f"fnguard: {line}"), outcome.stderr
    assert outcome.stdout == ""
