"""Run ``fnguard.cli.main`` on hostile input in a child process with bounded memory and time.

The child is forked from the test process, which has already imported the scanner, its rules
and parsers, so a case costs a fork rather than an interpreter start. In the child,
``RLIMIT_AS`` caps the address space at what the parent maps plus ``memory_mb``: an input that
makes the scanner allocate without bound fails with ``MemoryError`` there instead of taking
the machine down. The parent kills a child still running after ``timeout`` seconds and the case
fails: a hang is a failure, never a slow pass (tests never assert on wall time).

Figures of every run (seconds, memory the child grew by) are kept in ``RUNS`` so that the
suite can report its worst case (``FNGUARD_HOSTILE_REPORT=path`` writes them as JSON).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "RUNS",
    "Outcome",
    "Started",
    "fork_holding_sigint",
    "preload",
    "run_cli",
    "run_in_child",
    "start_cli",
]

MEMORY_MB = 1024
TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Outcome:
    """What one run did: exit code (``None`` if killed), its output, and what it cost."""

    code: int | None
    stdout: str
    stderr: str
    seconds: float
    grew_mb: float  # peak resident memory above the parent's at fork time
    timed_out: bool = False

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def report(self) -> dict[str, object]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]


RUNS: list[tuple[str, Outcome]] = []


def preload() -> None:
    """Import everything a scan uses once, in the parent, so children start warm."""
    from fnguard import cli, scan  # noqa: F401
    from fnguard.collect import default_collectors
    from fnguard.collect.cloudformation import _decode
    from fnguard.collect.terraform import _parse
    from fnguard.report import get_reporter
    from fnguard.rules import all_rules

    all_rules()
    default_collectors()
    _decode.decode("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", "warm.yaml")
    _parse.parse_hcl(b"locals {\n  a = 1\n}\n", "warm.tf")
    for fmt in ("text", "json", "sarif", "junit"):
        get_reporter(fmt, color=False)


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


@dataclass(frozen=True)
class Started:
    """A child started by ``start_cli``; ``finish`` waits for it (killing it past ``timeout``)."""

    pid: int
    result: Path
    started: float
    parent_rss_kb: int

    def finish(self, label: str, timeout: float = TIMEOUT_S) -> Outcome:
        return _wait(self.pid, self.result, self.started, self.parent_rss_kb, label, timeout)


def start_cli(argv: Sequence[str], *, memory_mb: int = MEMORY_MB) -> Started:
    """``fnguard <argv>`` in a bounded child that runs while the caller goes on (several at once,
    or one to interrupt)."""
    result = Path(tempfile.mkstemp(prefix="fnguard-hostile-", suffix=".json")[1])
    parent_rss_kb = _status_kb("VmRSS")
    address_space = (_status_kb("VmSize") + memory_mb * 1024) * 1024
    started = time.monotonic()
    pid = fork_holding_sigint()
    if pid == 0:
        _child(_cli_job(argv), result, address_space)
    return Started(pid, result, started, parent_rss_kb)


def fork_each(tags: Sequence[str], work: Callable[[str], None]) -> set[int]:
    """One child process per tag running ``work(tag)`` (exit 0, or 1 if it raised)."""
    alive: set[int] = set()
    for tag in tags:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                work(tag)
                code = 0
            finally:
                os._exit(code)
        alive.add(pid)
    return alive


def fork_holding_sigint() -> int:
    """``os.fork`` with SIGINT held until the child is inside its own handler (``_child``)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = os.fork()
    if pid != 0:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return pid


def _cli_job(argv: Sequence[str]) -> Callable[[], tuple[int, str, str]]:
    def job() -> tuple[int, str, str]:
        from fnguard.cli import main

        out, err = io.StringIO(), io.StringIO()
        sys.stderr = err
        try:
            code = main(list(argv), stdout=out)
        finally:
            sys.stderr = sys.__stderr__
        return code, out.getvalue(), err.getvalue()

    return job


def _child(job: Callable[[], tuple[int, str, str]], result: Path, address_space: int) -> NoReturn:
    code = 70
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        got = job()
        result.write_text(json.dumps(list(got)))
        code = 0
    except BaseException:  # reported to the parent as the case's failure
        with contextlib.suppress(BaseException):
            result.write_text(json.dumps([99, "", traceback.format_exc()]))
    finally:
        os._exit(code)


def _wait(
    pid: int, result: Path, started: float, parent_rss_kb: int, label: str, timeout: float
) -> Outcome:
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > timeout:
            os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, 0)
            timed_out = True
            break
        time.sleep(0.005)
    seconds = time.monotonic() - started
    grew = max(0.0, (usage.ru_maxrss - parent_rss_kb) / 1024)
    try:
        code, out, err = json.loads(result.read_text())
    except (OSError, ValueError):
        code, out, err = None, "", f"child ended without a result (status {status})"
    with contextlib.suppress(OSError):
        result.unlink()
    outcome = Outcome(None if timed_out else code, out, err, seconds, grew, timed_out)
    RUNS.append((label, outcome))
    return outcome


def run_in_child(
    job: Callable[[], tuple[int, str, str]],
    label: str,
    *,
    memory_mb: int = MEMORY_MB,
    timeout: float = TIMEOUT_S,
) -> Outcome:
    """``job()`` -> (code, stdout, stderr) in a forked child under the memory and time bounds."""
    result = Path(tempfile.mkstemp(prefix="fnguard-hostile-", suffix=".json")[1])
    parent_rss_kb = _status_kb("VmRSS")
    address_space = (_status_kb("VmSize") + memory_mb * 1024) * 1024
    started = time.monotonic()
    pid = fork_holding_sigint()
    if pid == 0:
        _child(job, result, address_space)
    return _wait(pid, result, started, parent_rss_kb, label, timeout)


def run_cli(
    argv: Sequence[str], label: str, *, memory_mb: int = MEMORY_MB, timeout: float = TIMEOUT_S
) -> Outcome:
    """``fnguard <argv>`` through ``fnguard.cli.main`` in a bounded child."""
    return run_in_child(_cli_job(argv), label, memory_mb=memory_mb, timeout=timeout)
