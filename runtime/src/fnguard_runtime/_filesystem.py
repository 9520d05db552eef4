"""Filesystem write protection: create, truncate, rename, remove, chmod, chown, link.

Every path is resolved before it is compared with the allow-list: relative paths against
the working directory, `dir_fd` paths through /proc/self/fd/N, and symlinks with realpath
(the target for operations that follow links, the parent folder for those that act on the
entry itself), so a link inside /tmp that points at /etc is judged as /etc. `os.open` with
`dir_fd` raises an audit event without the descriptor, so `os.open` is wrapped to turn such
calls into an absolute /proc/self/fd path first.

realpath costs a system call per path component, so resolutions are cached for the
length of one invocation; the cache is emptied at every invocation start and whenever the
invocation itself creates, renames or removes a link or directory entry (all of which the
hook sees), so a path cannot be swapped for a symlink behind the cache's back.
"""

from __future__ import annotations

import os
import stat
import sys

from . import _hook
from ._policy import Mode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._hook import Check, Enforcing
    from ._policy import FilesystemPolicy

FEATURE = "filesystem"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_wrapped = False
resolved_cache: dict[tuple[str, bool], str] = {}


def _fd_path(fd: int) -> str:
    return f"/proc/self/fd/{fd}"


def resolve(path: Any, dir_fd: Any = None, follow: bool = True) -> str:
    """The real absolute path an operation acts on (descriptors through /proc/self/fd)."""
    if isinstance(path, int):
        return os.path.realpath(_fd_path(path))
    text = os.fsdecode(os.fspath(path))
    if isinstance(dir_fd, int) and dir_fd >= 0 and not text.startswith("/"):
        text = f"{_fd_path(dir_fd)}/{text}"
    if not text.startswith("/") or text.startswith("/proc/"):  # cwd and fd numbers change
        if follow:
            return os.path.realpath(text)
        head, tail = os.path.split(os.path.abspath(text))
        return os.path.join(os.path.realpath(head), tail)
    return _cached_realpath(text, follow)


def _cached_realpath(text: str, follow: bool) -> str:
    """realpath through the invocation's cache: a new name in a folder already resolved costs
    one lstat (to see whether it is a symlink), or none when links are not followed."""
    found = resolved_cache.get((text, follow))
    if found is not None:
        return found
    head, _, tail = text.rpartition("/")
    if tail in ("", ".", ".."):
        real = os.path.realpath(text)
    else:
        real_head = resolved_cache.get((head, True))
        if real_head is None:
            real_head = resolved_cache[(head, True)] = os.path.realpath(head or "/")
        real = f"{real_head}/{tail}" if real_head != "/" else f"/{tail}"
        # access() answers "no such entry" (a new file: the common case) without raising.
        if follow and os.access(real, os.F_OK, follow_symlinks=False):
            try:
                if stat.S_ISLNK(os.lstat(real).st_mode):
                    real = os.path.realpath(real)
            except OSError:  # removed in between: judged by the name, as a new file
                pass
    if len(resolved_cache) > 4096:
        resolved_cache.clear()
    resolved_cache[(text, follow)] = real
    return real


class FilesystemGuard:
    """Judges resolved write targets against the allowed roots."""

    __slots__ = ("_roots", "mode")

    def __init__(self, policy: FilesystemPolicy) -> None:
        self.mode = policy.mode
        roots = {os.path.realpath(p) for p in policy.allow_write}
        roots.update(policy.allow_write)
        self._roots = tuple(r.rstrip("/") or "/" for r in sorted(roots))

    def allowed(self, resolved: str) -> bool:
        return any(root == "/" or resolved == root or resolved.startswith(root + "/")
                   for root in self._roots)

    def _judge(self, enforcing: Enforcing, operation: str, path: Any, dir_fd: Any = None,
               follow: bool = True) -> None:
        if path is None:
            return
        try:
            resolved = resolve(path, dir_fd, follow)
        except (TypeError, ValueError):
            return
        if self.allowed(resolved):
            return
        if "/__pycache__/" in resolved:
            # Bytecode caching: importlib ignores the OSError; not worth an audit event.
            if self.mode is Mode.BLOCK:
                raise PermissionError(13, "fnguard: read-only", resolved)
            return
        enforcing.deny(FEATURE, self.mode, operation, resolved,
                       "path is outside filesystem.allow_write")

    def _open(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        if args[2] & _WRITE_FLAGS and not isinstance(args[0], int):
            self._judge(enforcing, "open", args[0])

    def _sqlite(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        """SQLite opens (and creates) its files in C: judge the database path (Python 3.10+)."""
        database = args[0]
        if isinstance(database, bytes):
            database = os.fsdecode(database)
        elif isinstance(database, os.PathLike):
            database = os.fsdecode(os.fspath(database))
        if not isinstance(database, str) or database in ("", ":memory:"):
            return
        if database.startswith("file:"):
            path, _, query = database[5:].partition("?")
            if "mode=ro" in query or "mode=memory" in query or not path:
                return
            database = path[2:] if path.startswith("//") else path
        self._judge(enforcing, "sqlite3.connect", database)

    def _rename(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        resolved_cache.clear()
        self._judge(enforcing, "os.rename", args[0], args[2], follow=False)
        self._judge(enforcing, "os.rename", args[1], args[3], follow=False)

    def _entry(self, operation: str, dir_fd_index: int | None) -> Check:
        def check(enforcing: Enforcing, args: tuple[Any, ...]) -> None:
            resolved_cache.clear()
            dir_fd = args[dir_fd_index] if dir_fd_index is not None else None
            self._judge(enforcing, operation, args[0], dir_fd, follow=False)

        return check

    def _target(self, operation: str, dir_fd_index: int | None) -> Check:
        def check(enforcing: Enforcing, args: tuple[Any, ...]) -> None:
            dir_fd = args[dir_fd_index] if dir_fd_index is not None else None
            self._judge(enforcing, operation, args[0], dir_fd)

        return check

    def _new_link(self, operation: str, dir_fd_index: int) -> Check:
        def check(enforcing: Enforcing, args: tuple[Any, ...]) -> None:
            resolved_cache.clear()
            self._judge(enforcing, operation, args[1], args[dir_fd_index], follow=False)

        return check

    def table(self) -> dict[str, Check]:
        """Audit event name -> check, for the hook's dispatch table."""
        install_wrappers()
        return {
            "open": self._open,
            "os.rename": self._rename,
            "os.remove": self._entry("os.remove", 1),
            "os.rmdir": self._entry("os.rmdir", 1),
            "os.mkdir": self._entry("os.mkdir", 2),
            "os.chmod": self._target("os.chmod", 2),
            "os.chown": self._target("os.chown", 3),
            "os.chflags": self._target("os.chflags", None),
            "os.utime": self._target("os.utime", 3),
            "os.truncate": self._target("os.truncate", None),
            "os.setxattr": self._target("os.setxattr", None),
            "os.removexattr": self._target("os.removexattr", None),
            "os.symlink": self._new_link("os.symlink", 2),
            "os.link": self._new_link("os.link", 3),
            "sqlite3.connect": self._sqlite,
            "os.mkfifo": self._entry("os.mkfifo", 1),
            "os.mknod": self._entry("os.mknod", 1),
        }


def _announce(name: str) -> None:
    """Wrap os.<name>, which raises no audit event, so that it raises `os.<name>`."""
    original = getattr(os, name, None)
    if original is None:
        return

    def announced(path: Any, *args: Any, dir_fd: int | None = None, **kwargs: Any) -> Any:
        sys.audit(f"os.{name}", path, dir_fd)
        return original(path, *args, dir_fd=dir_fd, **kwargs)

    announced.__doc__ = original.__doc__
    setattr(os, name, announced)
    if original in os.supports_dir_fd:
        os.supports_dir_fd.add(announced)


def install_wrappers() -> None:
    """Wrap os.open so a relative path with `dir_fd` reaches the hook as an absolute path,
    and os.mkfifo / os.mknod so that they raise an audit event at all."""
    global _wrapped
    if _wrapped:
        return
    _wrapped = True
    original = os.open

    def _open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if dir_fd is not None and _hook.active() is not None:
            text = os.fsdecode(os.fspath(path))
            if not text.startswith("/"):
                return original(f"{_fd_path(dir_fd)}/{text}", flags, mode)
        return original(path, flags, mode, dir_fd=dir_fd)

    _open.__doc__ = original.__doc__
    os.open = _open
    if original in os.supports_dir_fd:
        os.supports_dir_fd.add(_open)
    if original in os.supports_fd:
        os.supports_fd.add(_open)
    _announce("mkfifo")
    _announce("mknod")
