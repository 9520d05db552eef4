"""Fixtures for the runtime guard tests: real handlers in subprocesses, a moto server.

tests/ is put on sys.path so the shared `moto_server` module imports the same way from
every test folder, without making tests/ a package.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
RUNTIME_SRC = REPO / "runtime" / "src"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
if str(RUNTIME_SRC) not in sys.path:
    sys.path.insert(0, str(RUNTIME_SRC))

from moto_server import AWS_TEST_ENV, moto_server  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

RESULT_MARK = "@@RESULT@@"

PRELUDE = f'''
import json as _json, sys as _sys

def _report(value):
    _sys.__stdout__.write("{RESULT_MARK}" + _json.dumps(value, default=repr) + "\\n")
    _sys.__stdout__.flush()

def attempt(fn):
    """Run fn; 'ok' (or its JSON-able value) or the exception's class name."""
    try:
        value = fn()
    except Exception as exc:
        return type(exc).__name__
    return "ok" if value is None else value
'''


@dataclass
class Run:
    """What a handler subprocess did: its exit code, output and audit events."""

    returncode: int
    stdout: str
    stderr: str
    result: Any = None
    events: list[dict[str, Any]] = field(default_factory=list)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]

    def denied(self, operation: str) -> list[dict[str, Any]]:
        return [e for e in self.events
                if e.get("type") in ("blocked", "alerted") and e.get("operation") == operation]


def parse_output(stdout: str) -> tuple[Any, list[dict[str, Any]]]:
    result: Any = None
    events: list[dict[str, Any]] = []
    for line in stdout.splitlines():
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK):])
        elif line.startswith('{"fnguard":'):
            events.append(json.loads(line))
    return result, events


def run_handler(code: str, tmp_path: Path, env: dict[str, str] | None = None,
                timeout: float = 60, python: str = sys.executable) -> Run:
    """Run `code` (a script that calls `_report(value)`) in a fresh interpreter."""
    script = tmp_path / f"handler_{abs(hash(code))}.py"
    script.write_text(PRELUDE + textwrap.dedent(code))
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FNGUARD_")}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(RUNTIME_SRC),
                                                          full_env.get("PYTHONPATH")]))
    full_env["NO_PROXY"] = full_env["no_proxy"] = "127.0.0.1,localhost"
    full_env.update(env or {})
    done = subprocess.run([python, str(script)], capture_output=True, text=True,
                          env=full_env, cwd=tmp_path, timeout=timeout)
    result, events = parse_output(done.stdout)
    return Run(done.returncode, done.stdout, done.stderr, result, events)


def python39() -> str | None:
    """A working python3.9: on PATH (a pyenv shim may exist but refuse), or a pyenv build."""
    candidates = [shutil.which("python3.9")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.9*/bin/python3.9")))
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return candidate
    return None


@pytest.fixture
def run(tmp_path: Path) -> Any:
    """`run(code, env=None)` runs a handler script in a subprocess and returns a Run."""

    def runner(code: str, env: dict[str, str] | None = None) -> Run:
        return run_handler(code, tmp_path, env)

    return runner


@pytest.fixture(scope="session")
def python39_path() -> str | None:
    """The path of a working python3.9, or None."""
    return python39()


@pytest.fixture(params=["current", "3.9"])
def run_any_python(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Like `run`, once with this interpreter and once with Python 3.9 (skipped if absent)."""
    python = sys.executable
    if request.param == "3.9":
        found = python39()
        if found is None:
            pytest.skip("no working python3.9 here")
        python = found

    def runner(code: str, env: dict[str, str] | None = None) -> Run:
        return run_handler(code, tmp_path, env, python=python)

    return runner


@pytest.fixture(autouse=True)
def _leave_the_test_process_as_found() -> Iterator[None]:
    """In-process guards wrap stdout/stderr, the log-record factory and the secret registry;
    undo that after each test so that tests in other folders see a plain process (the audit
    hook itself stays, inert outside guarded handlers)."""
    import logging

    factory, stdout, stderr = logging.getLogRecordFactory(), sys.stdout, sys.stderr
    yield
    logging.setLogRecordFactory(factory)
    sys.stdout, sys.stderr = stdout, stderr
    from fnguard_runtime import _masking

    _masking.REGISTRY.literals = ()
    _masking._factory_installed = False


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One moto server process for the whole session."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def aws_env(moto_endpoint: str) -> dict[str, str]:
    """Environment for a handler subprocess whose boto3 talks to the moto server."""
    return {**AWS_TEST_ENV, "AWS_ENDPOINT_URL": moto_endpoint,
            "NO_PROXY": "127.0.0.1,localhost"}
