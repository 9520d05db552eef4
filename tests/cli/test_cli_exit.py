"""The console script leaves through ``os._exit``: the exit code and every byte written must
still get out, to a pipe and to a file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _fnguard(*args: str, **kw: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "fnguard", *args], capture_output=True, check=False, **kw
    )


def test_findings_exit_code_and_complete_json_through_a_pipe() -> None:
    done = _fnguard("scan", str(EXAMPLES), "--format", "json", "--osv", "off", "--fail-on", "low")
    assert done.returncode == 1
    assert done.stdout.rstrip().endswith(b"}")
    assert b'"rule_id"' in done.stdout


def test_usage_errors_keep_exit_code_2_and_their_message() -> None:
    done = _fnguard("scan", "/nonexistent/fnguard-path")
    assert done.returncode == 2
    assert b"no such file or folder" in done.stderr


def test_report_file_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = _fnguard("scan", str(EXAMPLES), "--osv", "off", "--format", "json", "--output", str(out))
    assert done.returncode in (0, 1), done.stderr
    assert out.read_text().rstrip().endswith("}")
