"""IAM wildcard matching: ``*`` any run of characters, ``?`` exactly one; nothing else special.

``fnmatch`` would also treat ``[...]`` as a character class, which IAM does not, so patterns are
compiled here once and cached.

``${...}`` is one of three things. An IAM policy variable (``${aws:username}``,
``${aws:PrincipalTag/team}``: a ``prefix:key``) is unknown offline and may stand for anything.
The escapes ``${*}``, ``${?}`` and ``${$}`` are the literal characters. Anything else is an
infrastructure reference that survived unresolved into the policy
(``${aws_s3_bucket.out.arn}``): it names one specific resource, so it matches only the same
reference, never an unrelated ARN.
"""

from __future__ import annotations

import functools
import re

__all__ = ["has_wildcard", "is_policy_variable", "matches", "placeholders", "substitute"]

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}
_VARIABLE_NAME = re.compile(r"^\s*[A-Za-z0-9._-]+:[^:\s,]+\s*(,.*)?$")


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def is_policy_variable(inner: str) -> bool:
    """``inner`` (the text between ``${`` and ``}``) is an IAM policy variable: ``prefix:key``
    with one colon, optionally with a default (``aws:username, 'none'``). CloudFormation's
    ``AWS::Region`` has two and is a reference."""
    return "::" not in inner and _VARIABLE_NAME.match(inner) is not None


def placeholders(text: str) -> list[str]:
    """The inner texts of the ``${...}`` in ``text``, in order."""
    return _PLACEHOLDER.findall(text)


def substitute(text: str, variable: str) -> str:
    """``text`` with policy variables replaced by ``variable`` and escapes by their character;
    references are kept as written (a concrete value that a policy naming them may match)."""

    def repl(found: re.Match[str]) -> str:
        inner = found.group(1)
        if inner in _ESCAPES:
            return _ESCAPES[inner]
        return variable if is_policy_variable(inner) else found.group(0)

    return _PLACEHOLDER.sub(repl, text)


def _chunk(text: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


@functools.lru_cache(maxsize=8192)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for found in _PLACEHOLDER.finditer(pattern):
        parts.append(_chunk(pattern[last : found.start()]))
        inner = found.group(1)
        if inner in _ESCAPES:
            parts.append(re.escape(_ESCAPES[inner]))
        elif is_policy_variable(inner):
            parts.append(".*")
        else:
            parts.append(re.escape(found.group(0)))
        last = found.end()
    parts.append(_chunk(pattern[last:]))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Does ``value`` match the IAM ``pattern``? A value is taken literally, wildcards and all."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern and "${" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return _compiled(pattern, ignore_case).fullmatch(value) is not None
