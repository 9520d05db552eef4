"""What a live scan does besides reading configuration: caching and fetching code."""

from __future__ import annotations

from dataclasses import dataclass

from fnguard.collect.aws._code import CodeSettings

__all__ = ["CodeSettings", "LiveSettings"]


@dataclass(frozen=True)
class LiveSettings:
    """A frozen value, so units can carry it to whatever executor runs them."""

    cache_dir: str | None = None  # None: the default cache folder
    # Reuse a function's per-function answers (policy, URL, concurrency, ...) from an earlier
    # scan when its RevisionId, LastModified and CodeSha256 are unchanged and the entry is
    # younger than ``cache_ttl_s`` (changes that bump none of the three, such as reserved
    # concurrency, are picked up once the entry expires; --refresh ignores the cache).
    incremental: bool = False
    cache_ttl_s: float = 24 * 3600.0
    code: CodeSettings | None = None  # set by --download-code
    # Ask every function its on-failure destination, even where no rule would read it: set
    # when the functions' code is analysed from elsewhere (``--artifact NAME=PATH``), since
    # IAM007 counts a destination among Lambda's own needs (see ``_deferred``).
    every_answer: bool = False
