"""The benchmark's generated corpora: decoded as cfn-lint decodes them, collected alike forked.

A clean checkout has few large templates; the generator writes realistic ones on demand (SAM
Globals and events, intrinsic functions, the YAML anchors PyYAML writes for shared values,
serverless.yml variables and resources).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from collect_cfn.test_cfn_fast_decode import check_agrees

from fnguard import _fork
from fnguard.collect._batch import collect_each
from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.collect.cloudformation._collector import collect_file
from fnguard.collect.serverless import ServerlessCollector
from fnguard.collect.serverless._collector import collect_service

if TYPE_CHECKING:
    from fnguard.model import Inventory

_GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "gen_cfn_corpus.py"


@pytest.mark.parametrize("fmt", ["cloudformation", "serverless"])
def test_generated_corpus_decodes_and_collects_alike(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["--format", fmt, "-n", "120", "--per-folder", "30", "--out", str(tmp_path)]
    subprocess.run([sys.executable, str(_GENERATOR), *argv], check=True, capture_output=True)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert len(files) == (8 if fmt == "cloudformation" else 4)
    assert all(check_agrees(p.read_text(encoding="utf-8")) for p in files)  # all decided fast

    root = tmp_path.resolve()

    def service(path: Path, rel: str, prefix: str) -> Inventory:
        return collect_service(path, rel, root, prefix)

    one = collect_file if fmt == "cloudformation" else service
    sequential = collect_each(files, tmp_path, one)
    monkeypatch.setattr(_fork.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    collector = CloudFormationCollector() if fmt == "cloudformation" else ServerlessCollector()
    assert collector.collect(files, tmp_path) == sequential
    assert len(sequential.functions) == 120
