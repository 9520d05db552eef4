"""Deployed code from the account: presigned package URLs fetched into a content cache.

``--download-code`` asks GetFunction (and GetLayerVersion for layers) for each package's
presigned URL and streams it into the cache under its CodeSha256, checking the hash on the
way; a package already in the cache is never fetched again. Each download has a size limit
and a time budget; hitting either, a refused URL or a hash mismatch is a gap on the function
(the package rules then say "unknown"), never a half-written file.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnguard.cache import Cache
from fnguard.errors import CollectError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["CodeSettings", "fetch_package", "open_url"]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class CodeSettings:
    """How ``--download-code`` fetches (a frozen value: units carry it to their threads)."""

    cache_dir: str | None = None  # None: the default cache folder
    max_bytes: int = 512 * 1024 * 1024  # Lambda's largest package from S3 is far below
    timeout_s: float = 120.0  # per package, connection and transfer together


def open_url(url: str, timeout: float) -> Any:
    """Open a presigned URL (kept separate so tests can serve packages from loopback)."""
    if not url.startswith(("https://", "http://")):
        raise CollectError(url, 0, "expected an http(s) package URL")
    return urllib.request.urlopen(url, timeout=timeout)


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def fetch_package(url: str, code_sha256: str, settings: CodeSettings) -> Path:
    """The cached package for ``code_sha256`` (base64, as Lambda reports it), fetched if new.

    Functions sharing a package wait for one download instead of each fetching it.
    """
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(code_sha256, threading.Lock())
    with lock:
        return _fetch(url, code_sha256, settings)


def _fetch(url: str, code_sha256: str, settings: CodeSettings) -> Path:
    from pathlib import Path

    cache = Cache("code", Path(settings.cache_dir) if settings.cache_dir else None)
    key = f"lambda-code|{code_sha256}"
    cached = cache.get_file(key, ".zip")
    if cached is not None:
        return cached
    deadline = time.monotonic() + settings.timeout_s
    digest = hashlib.sha256()
    size = 0
    try:
        with open_url(url, settings.timeout_s) as response, cache.writer(key, ".zip") as out:
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > settings.max_bytes:
                    raise CollectError(
                        url.split("?")[0],
                        0,
                        f"package larger than {settings.max_bytes:,} bytes "
                        "(raise the limit with --code-max-mb)",
                    )
                if time.monotonic() > deadline:
                    raise CollectError(
                        url.split("?")[0],
                        0,
                        f"package download took longer than {settings.timeout_s:g} s "
                        "(raise the budget with --code-timeout)",
                    )
                digest.update(chunk)
                out.write(chunk)
            got = base64.b64encode(digest.digest()).decode()
            if got != code_sha256:
                raise CollectError(
                    url.split("?")[0],
                    0,
                    f"downloaded package hashes to {got}, Lambda reports {code_sha256}",
                )
    except (OSError, urllib.error.URLError) as exc:
        raise CollectError(url.split("?")[0], 0, f"package download failed ({exc})") from exc
    return cache.path_for(key, ".zip")
