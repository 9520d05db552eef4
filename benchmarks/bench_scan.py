"""Time ``fnguard scan`` against Checkov's Lambda checks on the same corpus, in the same run.

Every figure is whole-process wall time (interpreter start-up, imports, parsing, rules,
report writing), the median of several runs, measured with ``time.perf_counter`` around
``subprocess.run``, with fnguard byte-compiled first as a pip install leaves it (see
``_installed.py``). Both tools write JSON to a file, so no terminal rendering is timed, and both
tools' counts are printed so a reader sees that each did real work.

Checkov is installed on first use into its own venv (``.bench/venv-checkov``), restricted to
the checks that target ``aws_lambda_*`` resources (found in the installed package, not typed
here), and run with its downloads and update checks off inside a network namespace that has
only loopback (``unshare -n``), so the figure is the scan, not the network.

Usage: ``python benchmarks/bench_scan.py [-n 1000] [--runs 5] [--checkov-runs 5]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _installed import compile_fnguard, installed_fnguard  # noqa: E402
from gen_terraform_corpus import CorpusSpec, generate, is_current  # noqa: E402

BENCH_DIR = ROOT / ".bench"
VENV_BIN = ROOT / ".venv" / "bin"
CHECKOV_VENV = BENCH_DIR / "venv-checkov"

TARGET_RATIO = 20.0
TARGET_SCAN_S = 1.0
TARGET_SCAN_FUNCTIONS = 1000
TARGET_VERSION_S = 0.150

_CHECK_ID = re.compile(r"""\bid\s*=\s*["'](CKV2?_AWS_\d+)["']""")
_GRAPH_CHECK_ID = re.compile(r'"id"\s*:\s*"(CKV2?_AWS_\d+)"')
_LAMBDA_RESOURCE = re.compile(r"""["']aws_lambda_[a-z_]+["']""")


@dataclass(frozen=True)
class Timing:
    """Wall times of repeated runs of one command, in seconds, and the CPU time (user +
    system, the process and the children it waited for) of each: on a shared machine the
    CPU time shows whether a slow run did more work or only waited for a core."""

    label: str
    samples: tuple[float, ...]
    cpu: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def line(self) -> str:
        spread = f"min {min(self.samples):.3f}  max {max(self.samples):.3f}"
        return (
            f"{self.label:<40} median {self.median:8.3f} s   ({spread}, n={len(self.samples)})"
            f"   cpu {self.cpu_median:.3f} s"
        )


class BenchError(Exception):
    """A tool under measurement failed; the benchmark cannot give a figure for it."""


def _time_command(
    label: str,
    argv: list[str],
    runs: int,
    *,
    env: dict[str, str] | None = None,
    stdout_path: Path | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> Timing:
    samples: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(stdout_path.open("wb")) if stdout_path else None
            err = stack.enter_context(tempfile.TemporaryFile())
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv,
                stdout=out if out is not None else subprocess.DEVNULL,
                stderr=err,
                env=env,
                cwd=ROOT,
            )
            _, status, usage = os.wait4(proc.pid, 0)  # usage includes its reaped children
            samples.append(time.perf_counter() - start)
            cpu.append(usage.ru_utime + usage.ru_stime)
            proc.returncode = code = os.waitstatus_to_exitcode(status)
            if code not in ok_codes:
                err.seek(0)
                tail = err.read().decode(errors="replace").strip().splitlines()[-15:]
                raise BenchError(f"{label}: exit {code}\n  " + "\n  ".join(tail))
    return Timing(label, tuple(samples), tuple(cpu))


# --------------------------------------------------------------------------- checkov


def ensure_checkov(venv: Path) -> Path:
    """Return the checkov executable, creating its venv with pip on first use."""
    exe = venv / "bin" / "checkov"
    if exe.exists():
        return exe
    print(f"installing checkov into {venv} (first run only; takes a few minutes) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "checkov"], check=True)
    return exe


def checkov_lambda_check_ids(venv: Path) -> tuple[str, ...]:
    """IDs of the installed Checkov's Terraform checks that target ``aws_lambda_*`` resources.

    Resource checks are the Python files under ``checkov/terraform/checks/resource/aws`` whose
    ``supported_resources`` name an ``aws_lambda_*`` type; graph checks are the JSON/YAML
    definitions under ``graph_checks/aws`` named after Lambda.
    """
    packages = sorted(venv.glob("lib/python*/site-packages/checkov"))
    if not packages:
        raise BenchError(f"no checkov package under {venv}")
    checks = packages[-1] / "terraform" / "checks"
    ids: set[str] = set()
    for path in sorted((checks / "resource" / "aws").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        supported = text.split("supported_resources", 1)[-1].split("\n", 1)[0]
        match = _CHECK_ID.search(text)
        if match and _LAMBDA_RESOURCE.search(supported):
            ids.add(match.group(1))
    for path in sorted((checks / "graph_checks" / "aws").glob("Lambda*")):
        text = path.read_text(encoding="utf-8")
        graph_match = _GRAPH_CHECK_ID.search(text) or re.search(r"id:\s*(CKV2?_AWS_\d+)", text)
        if graph_match:
            ids.add(graph_match.group(1))
    if not ids:
        raise BenchError(f"found no Lambda checks in {checks}")
    return tuple(sorted(ids, key=lambda i: (i.split("_")[0], int(i.rsplit("_", 1)[1]))))


def network_isolation() -> list[str]:
    """The command prefix that runs a process with loopback only, or [] with a warning."""
    unshare = shutil.which("unshare")
    if unshare:
        probe = subprocess.run([unshare, "-n", "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [unshare, "-n"]
    print(
        "WARNING: 'unshare -n' is not available here (needs root or user namespaces); "
        "Checkov runs with network access, its downloads disabled by flags and environment."
    )
    return []


def checkov_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_API", "PRISMA"))}
    env.update(
        {
            "BC_SKIP_MAPPING": "TRUE",
            "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
            "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
            "BC_SKIP_DOWNLOAD": "true",
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


def checkov_failed_count(report: Path) -> tuple[int, int]:
    """(failed checks, resources) from Checkov's JSON (one object, or a list per framework)."""
    data = json.loads(report.read_text(encoding="utf-8"))
    runs = data if isinstance(data, list) else [data]
    failed = sum(int(r.get("summary", {}).get("failed", 0)) for r in runs)
    resources = sum(int(r.get("summary", {}).get("resource_count", 0)) for r in runs)
    return failed, resources


# --------------------------------------------------------------------------- fnguard


def fnguard_counts(report: Path) -> tuple[int, int]:
    """(findings, functions) from fnguard's JSON report."""
    data = json.loads(report.read_text(encoding="utf-8"))
    summary = data.get("summary", {})
    return int(summary.get("findings", len(data.get("findings", [])))), int(
        summary.get("functions", 0)
    )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time fnguard scan against Checkov.")
    parser.add_argument("-n", "--functions", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=None, help="default: .bench/corpus-N")
    parser.add_argument("--runs", type=int, default=5, help="fnguard scan runs")
    parser.add_argument("--checkov-runs", type=int, default=5)
    parser.add_argument("--version-runs", type=int, default=20)
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results-scan.json")
    parser.add_argument(
        "--dev-venv",
        action="store_true",
        help="time the development venv's editable fnguard, not a pip install of its own",
    )
    args = parser.parse_args(argv)

    corpus: Path = args.corpus or BENCH_DIR / f"corpus-{args.functions}"
    spec = CorpusSpec(functions=args.functions)
    if not is_current(corpus, spec):
        count = generate(corpus, spec)
        print(f"generated {corpus} ({args.functions} functions, {count} files)")
    if args.dev_venv:
        compile_fnguard()  # as a pip install leaves it (see _installed.py)
        bin_dir = VENV_BIN
    else:
        bin_dir = installed_fnguard()
    fnguard = bin_dir / "fnguard"
    python = bin_dir / "python"
    if not fnguard.exists():
        print(f"error: {fnguard} not found; run 'make test' first")
        return 2
    BENCH_DIR.mkdir(exist_ok=True)
    results: dict[str, object] = {"functions": args.functions, "corpus": str(corpus)}
    try:
        print(f"corpus: {corpus} ({args.functions} functions)\n")
        fn_report = BENCH_DIR / "fnguard-scan.json"
        scan = _time_command(
            "fnguard scan --format json",
            [str(fnguard), "scan", str(corpus), "--format", "json"],
            args.runs,
            stdout_path=fn_report,
            ok_codes=(0, 1),
        )
        findings, functions = fnguard_counts(fn_report)
        print(scan.line())
        print(f"  fnguard: {findings} findings on {functions} functions")
        results.update(
            fnguard_scan_s=scan.median, fnguard_cpu_s=scan.cpu_median, fnguard_findings=findings
        )

        version = _time_command("fnguard --version", [str(fnguard), "--version"], args.version_runs)
        bare = _time_command("python -c pass (reference)", [str(python), "-c", "pass"], 20)
        print(version.line())
        print(bare.line())
        results.update(fnguard_version_s=version.median, python_bare_s=bare.median)

        ratio: float | None = None
        if not args.skip_checkov:
            exe = ensure_checkov(CHECKOV_VENV)
            ids = checkov_lambda_check_ids(CHECKOV_VENV)
            prefix = network_isolation()
            print(f"\ncheckov Lambda checks ({len(ids)}): {','.join(ids)}")
            ck_report = BENCH_DIR / "checkov-scan.json"
            ck_argv = [
                *prefix,
                str(exe),
                "-d",
                str(corpus),
                "--framework",
                "terraform",
                "--check",
                ",".join(ids),
                "--quiet",
                "--compact",
                "-o",
                "json",
                "--skip-download",
            ]
            checkov = _time_command(
                "checkov (Lambda checks) -o json",
                ck_argv,
                args.checkov_runs,
                env=checkov_env(),
                stdout_path=ck_report,
                ok_codes=(0, 1),
            )
            failed, resources = checkov_failed_count(ck_report)
            print(checkov.line())
            print(f"  checkov: {failed} failed checks on {resources} resources")
            ratio = checkov.median / scan.median
            results.update(
                checkov_scan_s=checkov.median,
                checkov_cpu_s=checkov.cpu_median,
                checkov_failed=failed,
                ratio=ratio,
                check_ids=ids,
            )
    except BenchError as exc:
        print(f"error: {exc}")
        return 1

    print("\ntargets")
    if ratio is not None:
        print(
            f"  {_verdict(ratio >= TARGET_RATIO)}  fnguard >= {TARGET_RATIO:.0f}x faster "
            f"than Checkov: {ratio:.1f}x"
        )
    else:
        print("  ----  fnguard vs Checkov ratio: skipped (--skip-checkov)")
    if args.functions == TARGET_SCAN_FUNCTIONS:
        print(
            f"  {_verdict(scan.median < TARGET_SCAN_S)}  {TARGET_SCAN_FUNCTIONS} functions "
            f"< {TARGET_SCAN_S:.0f} s: {scan.median:.3f} s"
        )
    print(
        f"  {_verdict(version.median < TARGET_VERSION_S)}  fnguard --version "
        f"< {TARGET_VERSION_S * 1000:.0f} ms: {version.median * 1000:.0f} ms "
        f"(bare interpreter {bare.median * 1000:.0f} ms)"
    )
    args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
