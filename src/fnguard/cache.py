"""fnguard's on-disk cache: content-addressed files and keyed JSON entries.

Lives in ``$FNGUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/fnguard``, else ``~/.cache/fnguard``.
Every write goes to a temporary file in the same folder and is renamed into place, so a
concurrent scan or one interrupted with Ctrl-C never leaves (or reads) a partial entry. An
entry that cannot be read or decoded is treated as absent, never as an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

__all__ = ["Cache", "atomic_write", "default_cache_dir"]


def default_cache_dir() -> Path:
    explicit = os.environ.get("FNGUARD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fnguard"


@contextlib.contextmanager
def _ctrl_c_after() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block is done; it is delivered right after.

    Python raises KeyboardInterrupt between any two bytecodes of the main thread, including
    between creating a temporary file and remembering its name: only a signal held back
    makes "no half-written entry, ever" true. Other threads never receive it.
    """
    holding = threading.current_thread() is threading.main_thread() and hasattr(
        signal, "pthread_sigmask"
    )
    if not holding:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def atomic_write(path: Path, data: bytes, prefix: str = ".partial-") -> None:
    """Write ``path`` whole or not at all (temporary file, then rename), even on Ctrl-C.

    Raises ``OSError`` when the folder cannot be written; no temporary file is left then.
    """
    with _ctrl_c_after():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=prefix)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(temp).replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temp).unlink()
            raise


def _slot(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Cache:
    """One namespace (``"aws-functions"``, ``"code"``) of the cache folder."""

    def __init__(self, namespace: str, root: Path | None = None, max_age_s: float | None = None):
        self.folder = (root or default_cache_dir()) / namespace
        self.max_age_s = max_age_s

    def path_for(self, key: str, suffix: str = "") -> Path:
        return self.folder / f"{_slot(key)}{suffix}"

    def _fresh(self, path: Path) -> bool:
        try:
            age = time.time() - path.stat().st_mtime
        except OSError:
            return False
        return self.max_age_s is None or age <= self.max_age_s

    def get_json(self, key: str) -> Any | None:
        path = self.path_for(key, ".json")
        if not self._fresh(path):
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry.get("value")

    def put_json(self, key: str, value: Any) -> None:
        data = json.dumps({"key": key, "value": value}, separators=(",", ":")).encode()
        atomic_write(self.path_for(key, ".json"), data)

    def get_file(self, key: str, suffix: str = "") -> Path | None:
        path = self.path_for(key, suffix)
        return path if self._fresh(path) else None

    @contextlib.contextmanager
    def writer(self, key: str, suffix: str = "") -> Iterator[BinaryIO]:
        """Write an entry atomically: visible under ``key`` only once complete."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as handle:
                yield handle
            Path(temp).replace(self.path_for(key, suffix))
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temp).unlink()
            raise
