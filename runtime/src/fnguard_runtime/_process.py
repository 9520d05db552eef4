"""Process and shell protection: subprocess, os.system, exec, spawn, posix_spawn, fork.

Audit events cover subprocess.Popen, os.system, os.exec, os.posix_spawn, os.fork and
pty.spawn. Two paths raise none: `os.spawn*` on Linux (a Python fork + exec, whose fork
would be denied even for an allowed executable) and `_posixsubprocess.fork_exec` called
directly (multiprocessing). Both are wrapped once, on first use, and the wrappers judge the
executable themselves and mark the call as judged so the inner fork/exec is not re-judged.
"""

from __future__ import annotations

import os
from contextvars import ContextVar

from . import _hook

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._hook import Check, Enforcing
    from ._policy import ProcessPolicy

FEATURE = "process"
_judged: ContextVar[bool] = ContextVar("fnguard_process_judged", default=False)
_wrapped = False


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return os.fsdecode(value)
    if isinstance(value, os.PathLike):
        return _text(os.fspath(value))
    return str(value)


def _command(argv: object) -> str:
    if isinstance(argv, (str, bytes)):
        return _text(argv)[:300]
    try:
        return " ".join(_text(a) for a in argv)[:300]  # type: ignore[attr-defined]
    except TypeError:
        return repr(argv)[:300]


class ProcessGuard:
    """Judges executables against the policy's allow-list."""

    __slots__ = ("_names", "_paths", "allow_fork", "mode")

    def __init__(self, policy: ProcessPolicy) -> None:
        self.mode = policy.mode
        self.allow_fork = policy.allow_fork
        self._paths = frozenset(os.path.realpath(a) for a in policy.allow if "/" in a) | frozenset(
            a for a in policy.allow if "/" in a
        )
        self._names = frozenset(a for a in policy.allow if "/" not in a)

    def allowed(self, executable: object) -> bool:
        """Absolute entries match the real path; bare names match the file name."""
        exe = _text(executable)
        if os.path.basename(exe) in self._names:
            return True
        return "/" in exe and (exe in self._paths or os.path.realpath(exe) in self._paths)

    def judge(self, enforcing: Enforcing, operation: str, executable: object, argv: object) -> None:
        if _judged.get() or self.allowed(executable):
            return
        enforcing.deny(FEATURE, self.mode, operation, _command(argv),
                       f"executable {_text(executable)} is not in process.allow")

    def _popen(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        executable, argv = args[0], args[1]
        if executable is None:
            executable = argv if isinstance(argv, (str, bytes, os.PathLike)) else argv[0]
        self.judge(enforcing, "subprocess.Popen", executable, argv)

    def _system(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        self.judge(enforcing, "os.system", "/bin/sh", ["/bin/sh", "-c", args[0]])

    def _exec(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        self.judge(enforcing, "os.exec", args[0], args[1])

    def _posix_spawn(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        self.judge(enforcing, "os.posix_spawn", args[0], args[1])

    def _pty_spawn(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        argv = args[0]
        self.judge(enforcing, "pty.spawn", argv if isinstance(argv, (str, bytes)) else argv[0], argv)

    def _fork(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        if not self.allow_fork and not _judged.get():
            enforcing.deny(FEATURE, self.mode, "os.fork", "fork()", "process.allow_fork is false")

    def table(self) -> dict[str, Check]:
        """Audit event name -> check, for the hook's dispatch table."""
        install_wrappers()
        return {
            "subprocess.Popen": self._popen,
            "os.system": self._system,
            "os.exec": self._exec,
            "os.posix_spawn": self._posix_spawn,
            "os.spawn": self._posix_spawn,
            "pty.spawn": self._pty_spawn,
            "os.fork": self._fork,
            "os.forkpty": self._fork,
        }


def _current_guard() -> tuple[Enforcing, ProcessGuard] | None:
    enforcing = _hook.active()
    if enforcing is None or _judged.get():
        return None
    guard = getattr(enforcing, "process", None)
    return (enforcing, guard) if isinstance(guard, ProcessGuard) else None


def install_wrappers() -> None:
    """Wrap os._spawnvef and _posixsubprocess.fork_exec, which raise no audit event."""
    global _wrapped
    if _wrapped:
        return
    _wrapped = True
    spawnvef = getattr(os, "_spawnvef", None)
    if spawnvef is not None:

        def _spawnvef(mode: int, file: Any, args: Any, env: Any, func: Any) -> Any:
            found = _current_guard()
            if found is None:
                return spawnvef(mode, file, args, env, func)
            found[1].judge(found[0], "os.spawn", file, args)
            token = _judged.set(True)
            try:
                return spawnvef(mode, file, args, env, func)
            finally:
                _judged.reset(token)

        os._spawnvef = _spawnvef  # type: ignore[attr-defined]
    try:
        import _posixsubprocess
    except ImportError:
        return
    fork_exec = _posixsubprocess.fork_exec

    def _fork_exec(*args: Any, **kwargs: Any) -> Any:
        found = _current_guard()
        if found is not None:
            executables = args[1] if len(args) > 1 else None
            executable = executables[0] if executables else args[0][0]
            found[1].judge(found[0], "_posixsubprocess.fork_exec", executable, args[0])
        return fork_exec(*args, **kwargs)

    _posixsubprocess.fork_exec = _fork_exec
