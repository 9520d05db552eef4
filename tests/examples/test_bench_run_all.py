"""run_all.py hands bench_cfn_scan.py only the arguments it shares with bench_scan.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_RUN_ALL = Path(__file__).resolve().parents[2] / "benchmarks" / "run_all.py"


def test_shared_arguments_are_passed_on_and_the_terraform_only_ones_are_not() -> None:
    spec = importlib.util.spec_from_file_location("bench_run_all", _RUN_ALL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = ["--skip-checkov", "-n", "50", "--corpus", "x", "--checkov-runs=2"]
    args += ["--version-runs", "3", "--runs", "4", "--dev-venv"]
    assert module.shared_args(args) == [
        "--skip-checkov", "-n", "50", "--checkov-runs=2", "--runs", "4", "--dev-venv",
    ]  # fmt: skip
    assert module.shared_args([]) == []
