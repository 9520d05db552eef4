"""Packaging promises: standard library only, cheap, Python 3.9+, nothing heavy loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RUNTIME_SRC = Path(__file__).resolve().parents[2] / "runtime" / "src"


def _modules_after_import(python: str) -> set[str]:
    code = ("import sys; before = set(sys.modules); import fnguard_runtime; "
            "after = sorted(set(sys.modules) - before); import json; print(json.dumps(after))")
    env = {**os.environ, "PYTHONPATH": str(RUNTIME_SRC)}
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env,
                          check=True)
    return set(json.loads(done.stdout))


def test_import_loads_no_boto3_botocore_scanner_or_heavy_module() -> None:
    loaded = _modules_after_import(sys.executable)
    assert "fnguard_runtime" in loaded
    forbidden = {"boto3", "botocore", "fnguard", "json", "re", "socket", "sqlite3", "ipaddress",
                 "logging", "dataclasses", "typing", "inspect", "signal", "threading"}
    assert not loaded & forbidden, loaded & forbidden
    assert not any(m.startswith(("boto3.", "botocore.", "fnguard.")) for m in loaded)


def test_importable_on_python39(python39_path: str | None) -> None:
    python = python39_path
    if python is None:
        pytest.skip("no working python3.9 here")
    loaded = _modules_after_import(python)
    assert "fnguard_runtime._guard" in loaded
    env = {**os.environ, "PYTHONPATH": str(RUNTIME_SRC)}
    code = ("from fnguard_runtime import guard\n"
            "@guard()\n"
            "def handler(event, context):\n"
            "    return open('/tmp/fnguard-py39', 'w') and 'ok'\n"
            "print(handler({}, None))\n"
            "try:\n"
            "    guard()(lambda e, c: open('/fnguard-py39-denied', 'w'))({}, None)\n"
            "except PermissionError as exc:\n"
            "    print(type(exc).__name__)\n")
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if not line.startswith("{")]
    assert lines == ["ok", "GuardViolation"]


def test_public_api_is_explicit() -> None:
    import fnguard_runtime

    for name in fnguard_runtime.__all__:
        assert getattr(fnguard_runtime, name) is not None, name
    assert (RUNTIME_SRC / "fnguard_runtime" / "py.typed").exists()
