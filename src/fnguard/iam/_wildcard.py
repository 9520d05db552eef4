"""IAM wildcard matching: ``*`` any run of characters, ``?`` exactly one; nothing else special.

``fnmatch`` would also treat ``[...]`` as a character class, which IAM does not, so patterns are
compiled here once and cached.
"""

from __future__ import annotations

import functools
import re

__all__ = ["has_wildcard", "matches"]

_VARIABLE = re.compile(r"\$\{[^}]*\}")


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


@functools.lru_cache(maxsize=8192)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts: list[str] = []
    # A policy variable (${aws:username}) is unknown offline: it may stand for anything.
    for i, chunk in enumerate(_VARIABLE.split(pattern)):
        if i:
            parts.append(".*")
        parts.extend(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in chunk)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Does ``value`` match the IAM ``pattern``? A value is taken literally, wildcards and all."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern and "${" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return _compiled(pattern, ignore_case).fullmatch(value) is not None
