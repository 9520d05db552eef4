"""Root modules collected in forked worker processes: a big tree's parse and evaluation spread
over the machine's cores.

Why processes, and why fork: tree-sitter's parse and the evaluator hold the GIL, so threads do
not help. A forked worker inherits the imported code (no interpreter start-up) and sends back
only the finished ``Inventory`` pieces of its root modules (frozen dataclasses, ~0.05 s to
unpickle per 500 functions), never parse trees: shipping those is what made an earlier
parse-only pool slower than no pool. The calling process works on one shard itself.

Folders are split into one shard per worker. Per worker, over a pair of pipes:

1. each shard loads (parses) its folders and sends the folders they call as local modules;
2. the caller sends back the union: a folder is a root module unless some module calls it,
   which no shard can know alone;
3. each shard evaluates the root modules among its folders (loading the modules they call
   itself) and sends the pieces, the gaps and the files it read.

Any failure (malformed HCL, a crash, a worker that died) makes ``collect_sharded`` return
None; the caller then collects in its own process, which raises the same error for the same
first file as a scan that never forked.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from fnguard import _fork

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from fnguard.model import CollectionGap, Inventory

__all__ = ["ShardResult", "ShardRun", "collect_sharded", "worker_count"]

#: more workers than this would spend more on start-up and unpickling than they save
_MAX_WORKERS = 8


class ShardRun(Protocol):
    """One collection's state (the collector's ``_Run``), in whichever process it runs."""

    gaps: list[CollectionGap]
    sources: list[str]

    def load(self, by_dir: Mapping[str, Sequence[Path]]) -> None: ...

    def called_dirs(self) -> set[str]: ...

    def root_inventory(self, directory: str, *, several: bool) -> Inventory: ...


@dataclass(frozen=True)
class ShardResult:
    """What one shard found: root folder -> its inventory, plus gaps and files read."""

    pieces: dict[str, Inventory]
    gaps: tuple[CollectionGap, ...]
    sources: tuple[str, ...]


class _ShardFailedError(Exception):
    """A worker failed or died: collect sequentially instead."""


class _Channel:
    """One side of a worker's two pipes: tagged, pickled messages each way.

    Plain ``os.pipe`` and ``pickle`` rather than ``multiprocessing.Pipe``: the same framing
    (a pickle knows where it ends) without importing ``multiprocessing`` (~20 ms).
    """

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._reader = os.fdopen(read_fd, "rb")
        self._writer = os.fdopen(write_fd, "wb")

    @classmethod
    def pair(cls) -> tuple[_Channel, _Channel]:
        """(the caller's side, the worker's side)."""
        up_read, up_write = os.pipe()  # worker -> caller
        down_read, down_write = os.pipe()  # caller -> worker
        return cls(up_read, down_write), cls(down_read, up_write)

    def send(self, tag: str, payload: object) -> None:
        pickle.dump((tag, payload), self._writer, pickle.HIGHEST_PROTOCOL)
        self._writer.flush()

    def receive(self, tag: str) -> Any:
        try:
            got, payload = pickle.load(self._reader)  # trusted: our own forked worker
        except (EOFError, OSError, pickle.UnpicklingError) as exc:  # the other side died
            raise _ShardFailedError(tag) from exc
        if got != tag:
            raise _ShardFailedError(tag)
        return payload

    def close(self) -> None:
        for stream in (self._reader, self._writer):
            with contextlib.suppress(OSError):  # a broken pipe while flushing: nothing to say
                stream.close()


def worker_count(by_dir: Mapping[str, Sequence[Path]], min_files: int) -> int:
    """How many processes to use: 1 (no fork) for small scans, one folder or one CPU."""
    files = sum(len(paths) for paths in by_dir.values())
    if files < min_files or len(by_dir) < 2 or not _fork.can_fork():
        return 1
    return max(1, min(_fork.cpu_count(), len(by_dir), _MAX_WORKERS))


def split(by_dir: Mapping[str, Sequence[Path]], count: int) -> list[dict[str, Sequence[Path]]]:
    """Folders over ``count`` shards, biggest first onto the lightest shard (deterministic)."""
    shards: list[dict[str, Sequence[Path]]] = [{} for _ in range(count)]
    loads = [0] * count
    for directory in sorted(by_dir, key=lambda d: -len(by_dir[d])):  # stable: ties in path order
        lightest = loads.index(min(loads))
        shards[lightest][directory] = by_dir[directory]
        loads[lightest] += len(by_dir[directory])
    return shards


def collect_sharded(
    by_dir: Mapping[str, Sequence[Path]], count: int, make_run: Callable[[], ShardRun]
) -> list[ShardResult] | None:
    """Each shard's result (the caller's first), or None if any shard failed."""
    shards = split(by_dir, count)
    order = list(by_dir)
    workers: list[tuple[int, _Channel]] = []
    finished = False
    gc.freeze()  # no collector writes into the pages the workers share (see fnguard._fork)
    try:
        for shard in shards[1:]:
            ours, theirs = _Channel.pair()
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                ours.close()
                for _, earlier in workers:  # other workers' pipes are not this one's business
                    earlier.close()
                _worker(shard, order, make_run, theirs)
            theirs.close()
            workers.append((pid, ours))

        def exchange(calls: set[str]) -> set[str]:
            union = set(calls)
            for _, channel in workers:
                union |= channel.receive("calls")
            for _, channel in workers:
                channel.send("called", union)
            return union

        if workers:
            _fork.run_idle()
        own = run_shard(make_run(), shards[0], order, exchange)
        results = [own, *(channel.receive("done") for _, channel in workers)]
        finished = True
        return results
    except Exception:  # any failure: the sequential path raises it properly
        return None
    finally:
        gc.unfreeze()
        for pid, channel in workers:
            channel.close()
            if not finished:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):  # the host set SIGCHLD to SIG_IGN
                os.waitpid(pid, 0)


def run_shard(
    run: ShardRun,
    shard: Mapping[str, Sequence[Path]],
    order: Sequence[str],
    exchange: Callable[[set[str]], set[str]],
) -> ShardResult:
    """Load the shard's folders, learn which folders are roots, evaluate ours among them."""
    run.load(shard)
    called = exchange(run.called_dirs())
    roots = [d for d in order if d not in called]
    several = len(roots) > 1
    pieces = {d: run.root_inventory(d, several=several) for d in roots if d in shard}
    return ShardResult(pieces, tuple(run.gaps), tuple(run.sources))


def _worker(
    shard: Mapping[str, Sequence[Path]],
    order: Sequence[str],
    make_run: Callable[[], ShardRun],
    channel: _Channel,
) -> NoReturn:
    code = 1
    try:

        def exchange(calls: set[str]) -> set[str]:
            channel.send("calls", calls)
            union: set[str] = channel.receive("called")
            return union

        channel.send("done", run_shard(make_run(), shard, order, exchange))
        code = 0
    except BaseException:  # the caller notices (EOF) and falls back
        code = 1
    finally:
        # Straight out: no atexit handlers, no flushing of stdio buffers copied from the
        # caller (they would be written twice), no teardown of a heap that dies anyway.
        os._exit(code)
