"""Forked shards: the same inventory (and the same errors) as a collection in one process."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from fnguard.collect.terraform import TerraformCollector, _shards
from fnguard.errors import InputError

if TYPE_CHECKING:
    from fnguard.model import Inventory

_FUNCTION = """
variable "name" {{
  default = "{name}"
}}

resource "aws_iam_role" "main" {{
  name               = var.name
  assume_role_policy = jsonencode({{ Statement = [{{
    Effect = "Allow", Action = "sts:AssumeRole",
    Principal = {{ Service = "lambda.amazonaws.com" }}
  }}] }})
}}

resource "aws_lambda_function" "main" {{
  function_name = var.name
  role          = aws_iam_role.main.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  environment {{
    variables = {{ TOKEN = "{token}" }}
  }}
}}
"""

_CALLER = """
module "{call}" {{
  source = "{source}"
  name   = "{name}"
}}
"""


def _write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)


def _tree(root: Path) -> None:
    """Roots that call a shared module, a root calling a folder another shard loads, a
    module called from a module, tfvars, and an unreadable file."""
    for index in range(4):
        svc = f"svc-{index}"
        _write(root, f"{svc}/main.tf", _FUNCTION.format(name=svc, token=f"tok{index}Xy9"))
        _write(
            root,
            f"{svc}/calls.tf",
            _CALLER.format(call="fn", source="../modules/fn", name=f"{svc}-m"),
        )
    _write(root, "svc-1/terraform.tfvars", 'name = "from-tfvars"\n')
    _write(root, "svc-2/extra.tf", _CALLER.format(call="lib", source="../lib", name="lib-fn"))
    _write(root, "svc-3/broken.tf", b'resource "x" "y" { a = "\xff" }\n')
    _write(root, "modules/fn/main.tf", _FUNCTION.format(name="${var.name}", token="t"))
    _write(root, "lib/main.tf", _FUNCTION.format(name="${var.name}", token="l"))
    _write(
        root, "lib/nested.tf", _CALLER.format(call="inner", source="../modules/fn", name="inner")
    )


def _collect(root: Path, *, parallel: bool) -> Inventory:
    collector = TerraformCollector(parallel_min_files=1 if parallel else 10**9)
    paths = sorted(p for p in root.rglob("*") if p.is_file() and collector.claims(p))
    return collector.collect(paths, root)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the workers forked (the tests run on machines with one CPU too)."""
    monkeypatch.setattr(_shards.os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    calls: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        calls.append(1)
        return real_fork()

    monkeypatch.setattr(_shards.os, "fork", fork)
    return calls


def test_sharded_inventory_equals_sequential(tmp_path: Path, forks: list[int]) -> None:
    _tree(tmp_path)
    sequential = _collect(tmp_path, parallel=False)
    assert forks == []
    sharded = _collect(tmp_path, parallel=True)
    assert len(forks) == 2  # three shards: this process and two workers
    assert sharded == sequential
    assert [f.address for f in sharded.functions] == [
        "svc-0:aws_lambda_function.main",
        "svc-0:module.fn.aws_lambda_function.main",
        "svc-1:aws_lambda_function.main",
        "svc-1:module.fn.aws_lambda_function.main",
        "svc-2:aws_lambda_function.main",
        "svc-2:module.fn.aws_lambda_function.main",
        "svc-2:module.lib.aws_lambda_function.main",
        "svc-2:module.lib.module.inner.aws_lambda_function.main",
        "svc-3:aws_lambda_function.main",
        "svc-3:module.fn.aws_lambda_function.main",
    ]
    assert sharded.sources.count("modules/fn/main.tf") == 1  # read by several shards
    assert [g.location.file for g in sharded.gaps] == ["svc-3/broken.tf"]


@pytest.mark.parametrize("bad", [["svc-2/main.tf"], ["svc-1/main.tf", "svc-3/main.tf"]])
def test_malformed_hcl_in_a_shard_is_the_sequential_error(
    tmp_path: Path, forks: list[int], bad: list[str]
) -> None:
    _tree(tmp_path)
    for rel in bad:
        _write(tmp_path, rel, 'resource "aws_lambda_function" "f" {\n  timeout = 3\n')
    with pytest.raises(InputError) as sequential:
        _collect(tmp_path, parallel=False)
    with pytest.raises(InputError) as sharded:
        _collect(tmp_path, parallel=True)
    assert forks
    assert str(sharded.value) == str(sequential.value) == f"{bad[0]}:3: expected '}}'"


def test_a_worker_that_dies_costs_time_not_results(
    tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    caller = os.getpid()
    real_run_shard = _shards.run_shard

    def run_shard(*args: Any) -> _shards.ShardResult:
        if os.getpid() != caller:
            os._exit(3)
        return real_run_shard(*args)

    monkeypatch.setattr(_shards, "run_shard", run_shard)
    sharded = _collect(tmp_path, parallel=True)
    assert forks
    monkeypatch.undo()
    assert sharded == _collect(tmp_path, parallel=False)


def test_small_scans_and_single_folders_stay_in_process(forks: list[int]) -> None:
    one = {"a": [Path("a/x.tf")] * 500}
    two = {"a": [Path("a/x.tf")] * 5, "b": [Path("b/y.tf")] * 5}
    assert _shards.worker_count(one, 10) == 1
    assert _shards.worker_count(two, 100) == 1
    assert _shards.worker_count(two, 10) == 2


def test_no_fork_while_another_thread_runs(forks: list[int]) -> None:
    by_dir = {"a": [Path("a/x.tf")] * 5, "b": [Path("b/y.tf")] * 5}
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _shards.worker_count(by_dir, 1) == 1
    finally:
        stop.set()
        other.join()
    assert _shards.worker_count(by_dir, 1) == 2


def test_split_puts_the_biggest_folders_on_the_lightest_shard() -> None:
    sizes = {"a": 1, "b": 5, "c": 3, "d": 3, "e": 2}
    by_dir = {d: [Path(d)] * n for d, n in sizes.items()}
    shards = _shards.split(by_dir, 2)
    assert [sorted(s) for s in shards] == [["b", "e"], ["a", "c", "d"]]
