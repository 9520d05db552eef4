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


def test_a_reader_that_stops_early_does_not_change_the_exit_code() -> None:
    # `fnguard scan | head -1`: the rest of the report has nowhere to go, but the findings
    # are what they are
    argv = ["scan", str(EXAMPLES), "--format", "json", "--osv", "off", "--fail-on", "low"]
    scan = subprocess.Popen(
        [sys.executable, "-m", "fnguard", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert scan.stdout is not None
    first = scan.stdout.readline()
    scan.stdout.close()  # the reader goes away
    _, err = scan.communicate()
    assert first == b"{\n"
    assert scan.returncode == 1, err
    assert b"Traceback" not in err


def test_a_closed_stdout_in_process_keeps_the_findings_exit_code() -> None:
    import io

    from fnguard.cli import main

    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    code = main(
        ["scan", str(EXAMPLES), "--format", "json", "--osv", "off", "--fail-on", "low"],
        stdout=Gone(),
    )
    assert code == 1
