"""Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}``) filled in from
the request context.

The escapes ``${*}``, ``${?}`` and ``${$}`` stand for the literal characters. A ``${...}`` that is
not a ``prefix:key`` variable is kept as written (an unresolved infrastructure reference).
A variable with no value in the context and no default is unresolved: the caller decides what
that means (a Resource pattern then matches nothing).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from fnguard.iam._wildcard import is_policy_variable

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["substitute"]

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = frozenset({"*", "?", "$"})
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$")


def _escaped(text: str) -> str:
    """``text`` written so a wildcard matcher takes each ``*``, ``?`` and ``$`` literally."""
    return "".join(f"${{{c}}}" if c in _ESCAPES else c for c in text)


@functools.lru_cache(maxsize=4096)
def _required(text: str) -> tuple[str, ...]:
    """The (lower-case) variables of ``text`` that have no default value."""
    keys = []
    for inner in _PLACEHOLDER.findall(text):
        if inner not in _ESCAPES and is_policy_variable(inner) and not _DEFAULT.match(inner):
            keys.append(inner.strip().lower())
    return tuple(keys)


@functools.lru_cache(maxsize=4096)
def _has_variable(text: str) -> bool:
    """Does ``text`` hold a policy variable (not only escapes and references)?"""
    return any(
        inner not in _ESCAPES and is_policy_variable(inner) for inner in _PLACEHOLDER.findall(text)
    )


def substitute(text: str, context: Mapping[str, tuple[str, ...]], *, pattern: bool) -> str | None:
    """``text`` with its variables replaced; ``None`` if one has no value.

    ``pattern=True`` keeps the result a wildcard pattern (escapes stay escapes, substituted
    values are escaped so a ``*`` in a tag value is not a wildcard); ``pattern=False`` gives
    the plain string (escapes become their characters).
    """
    if "${" not in text or (pattern and not _has_variable(text)):
        return text  # references and escapes only: a pattern keeps them as written
    for key in _required(text):  # the common miss, without running the substitution
        values = context.get(key)
        if values is None or len(values) != 1:
            return None
    unresolved = False

    def repl(found: re.Match[str]) -> str:
        nonlocal unresolved
        inner = found.group(1)
        if inner in _ESCAPES:
            return found.group(0) if pattern else inner
        if not is_policy_variable(inner):
            return found.group(0)
        default = _DEFAULT.match(inner)
        key, fallback = (default.group(1), default.group(2)) if default else (inner.strip(), None)
        values = context.get(key.lower())
        value = values[0] if values is not None and len(values) == 1 else fallback
        if value is None:
            unresolved = True
            return ""
        return _escaped(value) if pattern else value

    result = _PLACEHOLDER.sub(repl, text)
    return None if unresolved else result
