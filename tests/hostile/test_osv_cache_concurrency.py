"""The OSV answer cache under concurrent and interrupted writers: every entry on disk is whole
JSON at every moment, and an interrupted write leaves no temporary file behind."""

from __future__ import annotations

import json
import os
import signal
import time
from typing import TYPE_CHECKING

from hostile.hostile_sandbox import fork_each, fork_holding_sigint

from fnguard.osv._cache import DiskCache
from fnguard.osv._interface import PackageKey

if TYPE_CHECKING:
    from pathlib import Path

KEY = PackageKey("PyPI", "requests", "2.0.0")


def _record(tag: str) -> dict[str, object]:
    return {
        "id": "GHSA-aaaa-bbbb-cccc",
        "modified": "2024-01-01T00:00:00Z",
        "details": tag * 200_000,
    }


def _write_forever(root: Path, tag: str, rounds: int) -> None:
    cache = DiskCache(root)
    for i in range(rounds):
        cache.store_vuln(_record(tag))
        cache.store_query(KEY, [(f"GHSA-{tag}-{i}", "2024-01-01T00:00:00Z")] * 50)


def _entries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_racing_cache_writers_leave_whole_entries(tmp_path: Path) -> None:
    alive = fork_each(("a", "b", "c"), lambda tag: _write_forever(tmp_path, tag, 10))
    checked = 0
    codes: list[int] = []
    while alive:
        for path in _entries(tmp_path):
            if path.name.startswith(".tmp-"):
                continue  # a write in progress
            try:
                text = path.read_text("utf-8")
            except FileNotFoundError:
                continue
            json.loads(text)  # never half an entry
            checked += 1
        for pid in list(alive):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                alive.discard(pid)
                codes.append(os.waitstatus_to_exitcode(status))
    assert codes == [0, 0, 0]
    assert checked > 0
    cache = DiskCache(tmp_path)
    assert cache.vuln("GHSA-aaaa-bbbb-cccc", "") is not None
    assert cache.query(KEY) is not None
    assert not [p for p in _entries(tmp_path) if p.name.startswith(".tmp-")]


def test_an_interrupted_cache_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    for delay in (0.01, 0.02, 0.03, 0.05, 0.08, 0.1):
        pid = fork_holding_sigint()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                _write_forever(tmp_path, "x", 10_000)
            except KeyboardInterrupt:
                code = 130
            finally:
                os._exit(code)
        time.sleep(delay)
        os.kill(pid, signal.SIGINT)
        os.waitpid(pid, 0)
    assert [p.name for p in _entries(tmp_path) if p.name.startswith(".tmp-")] == []
