"""Concurrent and interrupted scans leave nothing partial behind.

fnguard keeps no cache or store of its own for IaC scans: several scans of one tree at once
agree and write nothing into it. The one file a scan may replace, the baseline, is written
atomically (``Baseline.write``): writers racing on it and writers killed mid-write leave either
the old file or a whole new one, and no temporary file. A scan interrupted with Ctrl-C exits
130 with one line and writes no report.
"""

from __future__ import annotations

import json
import os
import signal
import time
from types import SimpleNamespace
from typing import TYPE_CHECKING

from hostile.conftest import SENTINEL, write_tree
from hostile.hostile_sandbox import fork_each, fork_holding_sigint, start_cli

from fnguard.baseline import Baseline

if TYPE_CHECKING:
    from pathlib import Path


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def _findings(count: int, tag: str) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            fingerprint=f"{tag}-{i:06d}", rule_id="IAM001", resource=f"r{i}", message="m" * 80
        )
        for i in range(count)
    ]


def test_parallel_scans_of_one_tree_agree_and_write_nothing_into_it(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path / "tree",
        {
            "zz_sentinel/main.tf": SENTINEL,
            "sam/template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: 1\n",
            "sls/serverless.yml": "service: s\nprovider: {name: aws}\n"
            "functions: {f: {handler: h.h}}\n",
        },
    )
    before = _snapshot(tree)
    argv = ["scan", str(tree), "--format", "json", "--no-progress", "--fail-on", "none"]
    started = [start_cli([*argv, "--output", str(tmp_path / f"r{i}.json")]) for i in range(4)]
    outcomes = [run.finish(f"parallel scan {i}") for i, run in enumerate(started)]
    assert [o.code for o in outcomes] == [0, 0, 0, 0], [o.stderr for o in outcomes]
    reports = [json.loads((tmp_path / f"r{i}.json").read_text()) for i in range(4)]
    assert reports[0]["findings"]
    assert all(r["findings"] == reports[0]["findings"] for r in reports)
    assert _snapshot(tree) == before


def _writer(path: Path, tag: str, rounds: int) -> None:
    for _ in range(rounds):
        Baseline.write(path, _findings(2000, tag))


def test_racing_baseline_writers_never_leave_half_a_file(tmp_path: Path) -> None:
    path = tmp_path / "fnguard-baseline.json"
    Baseline.write(path, _findings(2000, "seed"))
    alive = fork_each(("a", "b", "c"), lambda tag: _writer(path, tag, 6))
    loads = 0
    codes: list[int] = []
    while alive:
        baseline = Baseline.load(path)  # raises ConfigError on half a file
        assert len(baseline.fingerprints) == 2000
        assert len({f.split("-")[0] for f in baseline.fingerprints}) == 1
        loads += 1
        for pid in list(alive):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                alive.discard(pid)
                codes.append(os.waitstatus_to_exitcode(status))
    assert codes == [0, 0, 0]
    assert loads > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fnguard-baseline.json"]


def test_a_writer_interrupted_mid_write_leaves_the_old_baseline(tmp_path: Path) -> None:
    path = tmp_path / "fnguard-baseline.json"
    Baseline.write(path, _findings(10, "old"))
    for delay in (0.0, 0.01, 0.02, 0.05):
        pid = fork_holding_sigint()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                _writer(path, "new", 1000)
                code = 0
            except KeyboardInterrupt:
                code = 130
            finally:
                os._exit(code)
        time.sleep(delay)
        os.kill(pid, signal.SIGINT)
        _, status = os.waitpid(pid, 0)
        # 130: interrupted; 0: the write was done before the signal came (a fast machine)
        assert os.waitstatus_to_exitcode(status) in (0, 130)
        prints = Baseline.load(path).fingerprints
        assert len(prints) in (10, 2000)
        assert len({f.split("-")[0] for f in prints}) == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == ["fnguard-baseline.json"]


def test_ctrl_c_during_a_scan_exits_130_and_writes_no_report(tmp_path: Path) -> None:
    bomb = "[for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]"
    tree = write_tree(
        tmp_path / "tree",
        {
            "zz_sentinel/main.tf": SENTINEL,
            "h/main.tf": f"locals {{\n  x = length({bomb})\n}}\n"
            'resource "aws_lambda_function" "f" {\n  memory_size = local.x\n}\n',
            "fnguard.toml": "[limits]\nmax-seconds-per-file = 60\n",
        },
    )
    before = _snapshot(tree)
    report = tmp_path / "report.json"
    run = start_cli(["scan", str(tree), "--output", str(report), "--no-progress"])
    time.sleep(1)  # well inside the 60 s the evaluation may take
    os.kill(run.pid, signal.SIGINT)
    outcome = run.finish("ctrl-c during a scan")
    assert outcome.code == 130, outcome.stderr
    assert outcome.stderr_lines == ["fnguard: interrupted"]
    assert not report.exists()
    assert _snapshot(tree) == before
