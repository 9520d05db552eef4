"""Time ``fnguard scan`` against Checkov on the CloudFormation/SAM and serverless.yml corpora.

The companion of ``bench_scan.py`` (Terraform) for the other AWS formats: on a synthetic corpus
of N functions per format (``gen_cfn_corpus.py``), in one run, it times whole fnguard processes
(``scan <corpus> --format json --output FILE``) and whole Checkov processes (``--framework
cloudformation`` / ``--framework serverless``, restricted to its Lambda checks, read from the
installed package; run under ``unshare -n`` like ``bench_scan.py``), and records each run's peak
resident memory (``ru_maxrss`` of the process and the children it waited for, from ``wait4``).
Checkov takes minutes per run, so its run count is separate (``--checkov-runs``). The two
tools' runs alternate (fnguard, Checkov, fnguard, ...): on a shared machine whose speed drifts
by 10-20% over minutes, blocks of runs would compare different machines.

Usage: ``python benchmarks/bench_cfn_scan.py [--format-set cloudformation,serverless]
[-n 1000] [--runs 5] [--checkov-runs 3] [--skip-checkov]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _installed import compile_fnguard, installed_fnguard
from bench_scan import (
    BENCH_DIR,
    CHECKOV_VENV,
    ROOT,
    TARGET_RATIO,
    VENV_BIN,
    BenchError,
    checkov_env,
    checkov_failed_count,
    ensure_checkov,
    fnguard_counts,
    network_isolation,
)
from gen_cfn_corpus import FORMATS, CfnCorpusSpec, generate, is_current

_CHECK_ID = re.compile(r"""\bid\s*=\s*["'](CKV2?_AWS_\d+)["']""")
_GRAPH_CHECK_ID = re.compile(r'"id"\s*:\s*"(CKV2?_AWS_\d+)"')
_SUPPORTED = re.compile(r"supported_resources\s*=\s*[\(\[](.*?)[\)\]]", re.DOTALL)
_LAMBDA_TYPE = re.compile(r"AWS::(Lambda::\w+|Serverless::Function)")


@dataclass(frozen=True)
class Measured:
    """Wall time (s), CPU time (s: user + system of the process and the children it waited
    for) and peak resident memory (KiB) of repeated runs of one command."""

    label: str
    seconds: tuple[float, ...]
    peak_kib: tuple[int, ...]
    cpu: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_kib) / 1024

    def line(self) -> str:
        spread = f"min {min(self.seconds):.3f}  max {max(self.seconds):.3f}"
        return (
            f"{self.label:<44} median {self.median:8.3f} s   ({spread}, n={len(self.seconds)})"
            f"   cpu {self.cpu_median:.3f} s   peak RSS {self.peak_mib:7.0f} MiB"
        )


def run_measured(
    label: str,
    argv: list[str],
    runs: int,
    *,
    env: dict[str, str] | None = None,
    ok_codes: tuple[int, ...] = (0, 1),
    stdout_path: Path | None = None,
) -> Measured:
    """Run ``argv`` ``runs`` times; wall time around the process, peak RSS from ``wait4``."""
    seconds: list[float] = []
    peaks: list[int] = []
    cpu: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryFile() as err, open(stdout_path or os.devnull, "wb") as out:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=ROOT)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds.append(time.perf_counter() - start)
            proc.returncode = code = os.waitstatus_to_exitcode(status)
            peaks.append(int(usage.ru_maxrss))  # KiB on Linux
            cpu.append(usage.ru_utime + usage.ru_stime)
            if code not in ok_codes:
                err.seek(0)
                tail = err.read().decode(errors="replace").strip().splitlines()[-15:]
                raise BenchError(f"{label}: exit {code}\n  " + "\n  ".join(tail))
    return Measured(label, tuple(seconds), tuple(peaks), tuple(cpu))


def checkov_lambda_check_ids(venv: Path, fmt: str) -> tuple[str, ...]:
    """IDs of the installed Checkov's Lambda checks for one framework.

    CloudFormation: resource checks whose ``supported_resources`` name an ``AWS::Lambda::*`` or
    ``AWS::Serverless::Function`` type, plus the graph checks filtering on those types.
    serverless: the framework's function checks, plus the CloudFormation ones (its runner
    applies them to the ``resources:`` section).
    """
    packages = sorted(venv.glob("lib/python*/site-packages/checkov"))
    if not packages:
        raise BenchError(f"no checkov package under {venv}")
    cfn = packages[-1] / "cloudformation" / "checks"
    ids: set[str] = set()
    for path in sorted((cfn / "resource" / "aws").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        supported = _SUPPORTED.search(text)
        match = _CHECK_ID.search(text)
        if match and supported and _LAMBDA_TYPE.search(supported.group(1)):
            ids.add(match.group(1))
    for path in sorted((cfn / "graph_checks").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        graph_match = _GRAPH_CHECK_ID.search(text)
        if graph_match and '"AWS::Lambda::Function"' in text:
            ids.add(graph_match.group(1))
    if fmt == "serverless":
        for path in sorted(
            (packages[-1] / "serverless" / "checks" / "function" / "aws").glob("*.py")
        ):
            match = _CHECK_ID.search(path.read_text(encoding="utf-8"))
            if match:
                ids.add(match.group(1))
    if not ids:
        raise BenchError(f"found no Lambda checks for {fmt} in {packages[-1]}")
    return tuple(sorted(ids, key=lambda i: (i.split("_")[0], int(i.rsplit("_", 1)[1]))))


def _ensure_corpus(fmt: str, functions: int) -> Path:
    corpus = BENCH_DIR / f"corpus-{fmt}-{functions}"
    spec = CfnCorpusSpec(fmt=fmt, functions=functions)
    if not is_current(corpus, spec):
        count = generate(corpus, spec)
        print(f"generated {corpus} ({functions} functions, {count} files)")
    return corpus


def _interleaved(jobs: list[tuple[str, list[str], int, dict[str, Any]]]) -> list[Measured]:
    """Each job's runs taken in turn (a, b, a, b, ...): on a shared machine whose speed
    drifts, both tools meet the same conditions, which two blocks of runs would not give."""
    seconds: list[list[float]] = [[] for _ in jobs]
    peaks: list[list[int]] = [[] for _ in jobs]
    cpu: list[list[float]] = [[] for _ in jobs]
    for turn in range(max(runs for _, _, runs, _ in jobs)):
        for k, (label, argv, runs, options) in enumerate(jobs):
            if turn < runs:
                one = run_measured(label, argv, 1, **options)
                seconds[k].extend(one.seconds)
                peaks[k].extend(one.peak_kib)
                cpu[k].extend(one.cpu)
    return [
        Measured(label, tuple(seconds[k]), tuple(peaks[k]), tuple(cpu[k]))
        for k, (label, _, _, _) in enumerate(jobs)
    ]


def bench_format(fmt: str, args: argparse.Namespace) -> dict[str, object]:
    """Both tools on one format's corpus, runs interleaved; prints and returns the figures."""
    corpus = _ensure_corpus(fmt, args.functions)
    print(f"\n-- {fmt}: {corpus} ({args.functions} functions)")
    fn_report = BENCH_DIR / f"fnguard-scan-{fmt}.json"
    fn_argv = [
        str(args.fnguard_bin / "fnguard"),
        *("scan", str(corpus), "--format", "json", "--output", str(fn_report)),
    ]
    jobs: list[tuple[str, list[str], int, dict[str, Any]]] = [
        (f"fnguard scan ({fmt})", fn_argv, args.runs, {})
    ]
    ck_report = BENCH_DIR / f"checkov-scan-{fmt}.json"
    ids: tuple[str, ...] = ()
    if not args.skip_checkov:
        exe = ensure_checkov(CHECKOV_VENV)
        ids = checkov_lambda_check_ids(CHECKOV_VENV, fmt)
        print(f"  checkov Lambda checks ({len(ids)}): {','.join(ids)}")
        ck_argv = [
            *network_isolation(),
            str(exe),
            *("-d", str(corpus), "--framework", fmt, "--check", ",".join(ids)),
            *("--quiet", "--compact", "-o", "json", "--skip-download"),
        ]
        options: dict[str, Any] = {"env": checkov_env(), "stdout_path": ck_report}
        jobs.append(
            (f"checkov --framework {fmt} (Lambda checks)", ck_argv, args.checkov_runs, options)
        )
    measured = _interleaved(jobs)
    scan = measured[0]
    findings, functions = fnguard_counts(fn_report)
    print(scan.line())
    print(f"  fnguard: {findings} findings on {functions} functions")
    result: dict[str, object] = {
        "corpus": str(corpus),
        "fnguard_scan_s": scan.median,
        "fnguard_samples_s": scan.seconds,
        "fnguard_cpu_s": scan.cpu_median,
        "fnguard_peak_mib": scan.peak_mib,
        "fnguard_findings": findings,
        "fnguard_functions": functions,
    }
    if args.skip_checkov:
        return result
    checkov = measured[1]
    failed, resources = checkov_failed_count(ck_report)
    print(checkov.line())
    print(f"  checkov: {failed} failed checks on {resources} resources")
    ratio = checkov.median / scan.median
    result.update(
        checkov_scan_s=checkov.median,
        checkov_samples_s=checkov.seconds,
        checkov_cpu_s=checkov.cpu_median,
        checkov_peak_mib=checkov.peak_mib,
        checkov_failed=failed,
        checkov_resources=resources,
        check_ids=ids,
        ratio=ratio,
        memory_ratio=checkov.peak_mib / scan.peak_mib,
    )
    return result


def _format_set(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"formats are {', '.join(FORMATS)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="fnguard vs Checkov on CloudFormation/SAM and serverless.yml."
    )
    parser.add_argument("--format-set", type=_format_set, default=FORMATS, help="comma-separated")
    parser.add_argument("-n", "--functions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="fnguard scan runs")
    parser.add_argument("--checkov-runs", type=int, default=3)
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results-cfn-scan.json")
    parser.add_argument(
        "--dev-venv",
        action="store_true",
        help="time the development venv's editable fnguard, not a pip install of its own",
    )
    args = parser.parse_args(argv)
    if args.dev_venv:
        compile_fnguard()  # as a pip install leaves it (see _installed.py)
        args.fnguard_bin = VENV_BIN
    else:
        args.fnguard_bin = installed_fnguard()
    if not (args.fnguard_bin / "fnguard").exists():
        print(f"error: {args.fnguard_bin / 'fnguard'} not found; run 'make test' first")
        return 2
    BENCH_DIR.mkdir(exist_ok=True)
    results: dict[str, dict[str, object]] = {}
    try:
        for fmt in args.format_set:
            results[fmt] = bench_format(fmt, args)
    except BenchError as exc:
        print(f"error: {exc}")
        return 1

    print(f"\ntargets (fnguard >= {TARGET_RATIO:.0f}x faster than Checkov, ratio of medians)")
    for fmt, figures in results.items():
        ratio = figures.get("ratio")
        if not isinstance(ratio, float):
            print(f"  ----  {fmt}: skipped (--skip-checkov)")
            continue
        verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
        print(
            f"  {verdict}  {fmt}: {ratio:.1f}x faster; peak RSS fnguard "
            f"{figures['fnguard_peak_mib']:.0f} MiB, Checkov {figures['checkov_peak_mib']:.0f} MiB "
            f"({figures['memory_ratio']:.1f}x)"
        )
    args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
