"""Run every benchmark: ``make bench``.

Runs ``bench_scan.py`` (fnguard vs Checkov on the synthetic Terraform corpus), then
``bench_cfn_scan.py`` (the same on the CloudFormation/SAM and serverless.yml corpora), then the
benchmarks of the other parts, each with its own peer (``bench_aws_scan.py``: live scan vs Prowler;
``bench_iam.py``: IAM analysis vs Cloudsplaining; ``bench_package.py``: package throughput;
``bench_code.py``: handler analysis vs Bandit and Semgrep), then the
runtime guard's benchmarks under ``benchmarks/runtime/`` when that folder has an entry script: its
``run_all.py`` or ``run.py`` if present, else each ``bench_*.py`` in name order. Each
benchmark runs in its own process with the repository's interpreter; a failing one is reported
and the others still run. Extra arguments are passed to ``bench_scan.py``; those both scan
benchmarks understand (``--skip-checkov``, ``-n``, ``--runs``, ``--checkov-runs``) also go to
``bench_cfn_scan.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNTIME = HERE / "runtime"
OTHERS = ("bench_aws_scan.py", "bench_iam.py", "bench_package.py", "bench_code.py")


def runtime_entry_points() -> list[Path]:
    """The runtime benchmark scripts to run, in order; empty when there are none."""
    if not RUNTIME.is_dir():
        return []
    for name in ("run_all.py", "run.py"):
        if (RUNTIME / name).is_file():
            return [RUNTIME / name]
    return sorted(RUNTIME.glob("bench_*.py"))


_SHARED_FLAGS = frozenset({"--skip-checkov", "--dev-venv"})
_SHARED_OPTIONS = frozenset({"-n", "--functions", "--runs", "--checkov-runs"})


def shared_args(args: list[str]) -> list[str]:
    """The arguments for ``bench_scan.py`` that ``bench_cfn_scan.py`` also takes."""
    out: list[str] = []
    pending = False
    for arg in args:
        name = arg.split("=", 1)[0]
        if pending:
            out.append(arg)
            pending = False
        elif arg in _SHARED_FLAGS:
            out.append(arg)
        elif name in _SHARED_OPTIONS:
            out.append(arg)
            pending = "=" not in arg
    return out


def _run(script: Path, args: list[str]) -> int:
    print(f"\n== {script.relative_to(HERE.parent)} ==", flush=True)
    return subprocess.run([sys.executable, str(script), *args], check=False).returncode


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    failures: list[str] = []
    scans = [(HERE / "bench_scan.py", args), (HERE / "bench_cfn_scan.py", shared_args(args))]
    others = [(HERE / name, []) for name in OTHERS if (HERE / name).is_file()]
    for script, script_args in scans + others + [(e, []) for e in runtime_entry_points()]:
        if _run(script, script_args) != 0:
            failures.append(script.name)
    if not runtime_entry_points():
        print("\n(no runtime benchmarks under benchmarks/runtime/: skipped)")
    if failures:
        print(f"\nfailed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
