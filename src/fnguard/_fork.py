"""One piece of CPU-bound work in a forked child while the caller does the rest.

Why fork: the parsers, the evaluator and the rules are pure Python and hold the GIL, so
threads do not help; a forked child inherits everything already built (the inventory, the
imported rules) and sends back only its pickled answer. Why not ``multiprocessing``: its
import alone costs ~20 ms, and a pipe plus ``pickle`` is all this needs.

While a child lives, every object that existed at the fork is frozen out of the garbage
collector in both processes (``gc.freeze``): a collection writes to each object it visits,
which would copy every shared page of the heap into the writer.

The child never reports a failure as a result: any exception, or a child that dies, makes
``Pending.result`` raise ``ForkFailedError`` and the caller does the work itself, so errors
reach the user exactly as from a scan that never forked.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import pickle
import signal
import threading
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "ForkFailedError",
    "Pending",
    "can_fork",
    "cpu_count",
    "run_idle",
    "share",
    "start",
    "while_forked",
]

T = TypeVar("T")


_IDLE: list[Callable[[], object]] = []


def while_forked(task: Callable[[], object]) -> None:
    """Have ``task`` (loading what a later stage needs) run in this process just after the
    next fork, while the child works: the work shared with it then leans to the child.
    Skipped if no fork comes; the later stage then loads what it needs itself."""
    _IDLE.append(task)


def run_idle() -> None:
    """Run the tasks ``while_forked`` registered; a failing one is left to the later stage."""
    while _IDLE:
        task = _IDLE.pop(0)
        with contextlib.suppress(Exception):
            task()


class ForkFailedError(Exception):
    """The child failed or died; the caller should do its work in-process."""


def cpu_count() -> int:
    """The CPUs this process may use (Linux: its affinity mask, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Forking helps only with a second CPU, and is safe only when this thread is alone.

    fork copies only the calling thread: a lock another thread holds (a progress bar's
    console lock, say) would stay locked forever in the child.
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    return cpu_count() > 1


class Pending(Generic[T]):
    """The answer a forked child is working on, and what it sent on the way (``send``)."""

    def __init__(self, pid: int, reader: int) -> None:
        self._pid = pid
        self._reader = reader
        self._buffer = bytearray()
        self._sent: list[object] = []
        self._final: tuple[bool, Any] | None = None
        self._eof = False
        self._done = False
        os.set_blocking(reader, False)

    def received(self) -> list[object]:
        """What the child has sent so far, without waiting for more (each object once)."""
        if not self._done and not self._eof:
            self._pull(wait=False)
        sent, self._sent = self._sent, []
        return sent

    def result(self) -> T:
        """Wait for the child's answer; ``ForkFailedError`` if it has none. What it sent
        before stays for ``received``."""
        try:
            while self._final is None and not self._eof:
                self._pull(wait=True)
        except Exception as exc:  # a broken pipe, a torn pickle: the child has no answer
            raise ForkFailedError(str(exc)) from exc
        finally:
            self.close()
        if self._final is None:
            raise ForkFailedError("the child ended without an answer")
        ok, payload = self._final
        if not ok:
            raise ForkFailedError(str(payload))
        answer: T = payload
        return answer

    def _pull(self, *, wait: bool) -> None:
        """Read what is in the pipe (waiting for something if ``wait``) and take each whole
        message out; a message torn by a dying child is dropped with the rest."""
        if wait:
            os.set_blocking(self._reader, True)
        try:
            chunk = os.read(self._reader, 1 << 20)
        except BlockingIOError:
            return
        finally:
            if wait:
                os.set_blocking(self._reader, False)
        if not chunk:
            self._eof = True
            return
        buffer = self._buffer
        buffer += chunk
        start = 0
        while len(buffer) - start >= _HEAD:
            size = int.from_bytes(buffer[start : start + _HEAD], "little")
            end = start + _HEAD + size
            if len(buffer) < end:
                break
            kind, payload = pickle.loads(buffer[start + _HEAD : end])  # our own child's
            if kind == _SENT:
                self._sent.append(payload)
            else:
                self._final = (kind == _OK, payload)
            start = end
        del buffer[:start]

    def close(self) -> None:
        """Forget the child (killed if still working) and reap it."""
        if self._done:
            return
        self._done = True
        gc.unfreeze()
        with contextlib.suppress(OSError):
            os.close(self._reader)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):  # the host set SIGCHLD to SIG_IGN
            os.waitpid(self._pid, 0)


# A message in the pipe: its length (8 bytes, little-endian), then the pickle of
# ``(kind, payload)``.
_HEAD = 8
_SENT, _OK, _FAILED = 0, 1, 2
_writer: int | None = None  # in a forked child: the pipe to the caller


def _message(kind: int, payload: object) -> None:
    if _writer is None:
        raise RuntimeError("fnguard._fork.send: only a child that start() forked can send")
    data = pickle.dumps((kind, payload), pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(_HEAD, "little") + data)
    while view:
        view = view[os.write(_writer, view) :]


def send(payload: object) -> None:
    """In a child ``start`` made: hand ``payload`` to the caller now (``Pending.received``),
    pickled here and while the child works on, rather than all at the end."""
    _message(_SENT, payload)


def _widen(pipe: int) -> None:
    """Let a child write its whole answer (up to 1 MiB) and exit while the caller is still
    busy, instead of waiting in 64 KiB steps for the caller to read (Linux only)."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):  # elsewhere, or over the system's limit
        pass


def start(work: Callable[[], T]) -> Pending[T]:
    """Run ``work`` in a forked child. The caller checks ``can_fork`` first."""
    reader, writer = os.pipe()
    _widen(writer)
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        gc.unfreeze()
        os.close(reader)
        os.close(writer)
        raise
    if pid == 0:  # the child: never returns
        global _writer
        os.close(reader)
        _writer = writer
        code = 1
        try:
            try:
                answer = work()
            except BaseException as exc:  # reported, then redone by the caller
                _message(_FAILED, f"{type(exc).__name__}: {exc}")
            else:
                _message(_OK, answer)
            code = 0
        finally:
            # Straight out: no atexit handlers, no flushing of stdio buffers copied from the
            # caller (they would be written twice), no teardown of a heap that dies anyway.
            os._exit(code)
    os.close(writer)
    return Pending(pid, reader)


def share(count: int, work: Callable[[int], T], done: Callable[[int], None]) -> list[T]:
    """``[work(0), ..., work(count - 1)]``, shared with one forked child: the child works from
    the front of the list, this process from the back, each taking the next item the other
    has not, until they meet.

    ``done(n)`` is told as items finish. The child sends each answer as it has it (pickled
    while this process works on, not all at the end) and this process takes in what has come
    between its own items. An item that raises, in either process, and the items of a child
    that fails or dies before sending them, are done again here in index order once the rest
    is done: the first failing item raises its own error, exactly as if the list had been
    worked through in order without a fork.
    """
    if count < 2:  # nothing to share
        alone: list[T] = []
        for i in range(count):
            alone.append(work(i))
            done(1)
        return alone
    taken = mmap.mmap(-1, count)  # shared with the child: 1 = someone has it

    def claim(i: int) -> bool:
        # Without a lock both sides may claim the item where they meet: it is then done
        # twice, with the same answer. Nothing is ever done by neither.
        if taken[i]:
            return False
        taken[i] = 1
        return True

    def theirs() -> None:
        for i in range(count):
            if claim(i):
                try:
                    answer = work(i)
                except Exception:  # redone by the caller, in order
                    continue
                send((i, answer))

    ours: dict[int, T] = {}

    def take(sent: list[Any]) -> None:
        fresh = 0
        for i, answer in sent:
            if i not in ours:
                ours[i] = answer
                fresh += 1
        if fresh:
            done(fresh)

    try:
        try:
            pending: Pending[None] | None = start(theirs)
        except OSError:  # no process to spare (EAGAIN, ENOMEM): all of it here
            pending = None
        try:
            if pending is not None:
                run_idle()
            for i in reversed(range(count)):
                if claim(i):
                    try:
                        ours[i] = work(i)
                    except Exception:  # redone below, in order, where it raises
                        continue
                    done(1)
                    if pending is not None:
                        take(pending.received())
            if pending is not None:
                with contextlib.suppress(ForkFailedError):
                    pending.result()
                take(pending.received())
        finally:
            if pending is not None:
                pending.close()
    finally:
        taken.close()
    for i in range(count):
        if i not in ours:
            ours[i] = work(i)
            done(1)
    return [ours[i] for i in range(count)]
