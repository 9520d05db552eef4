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
from dataclasses import dataclass

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
    return "".join("." if c == "?" else re.escape(c) for c in text)


@dataclass(frozen=True)
class _Glob:
    """A pattern cut at its stars into fixed-length pieces (literals and ``?``).

    Matching places the first piece at the start, the last at the end and each middle piece
    at its leftmost fit: linear in the value, where a backtracking regex of several ``.*``
    is polynomial in it (a hostile policy of ``a*a*a*...b`` would hang a scan).
    """

    pieces: tuple[re.Pattern[str], ...]
    lengths: tuple[int, ...]

    def fullmatch(self, value: str) -> bool:
        if len(self.pieces) == 1:
            return self.pieces[0].fullmatch(value) is not None
        first, *middle, last = self.pieces
        end = len(value) - self.lengths[-1]
        if end < self.lengths[0] or first.match(value, 0, self.lengths[0]) is None:
            return False
        if last.fullmatch(value, end) is None:
            return False
        pos = self.lengths[0]
        for piece in middle:
            found = piece.search(value, pos, end)
            if found is None:
                return False
            pos = found.end()
        return True


@dataclass(frozen=True)
class _Stars:
    """A pattern whose only wildcard is ``*`` (placeholders resolved to text or stars): the
    same leftmost-fit placement as ``_Glob``, with string methods instead of compiled regexes
    (most patterns are like this, and compiling a regex per distinct ARN cost more than all
    the matching)."""

    pieces: tuple[str, ...]  # the text before the first star, ..., after the last
    fold: bool  # compare lower-cased (the pattern is stored lower-cased)

    def fullmatch(self, value: str) -> bool:
        if self.fold:
            value = value.lower()
        first, last = self.pieces[0], self.pieces[-1]
        if len(self.pieces) == 1:
            return value == first
        end = len(value) - len(last)
        if end < len(first) or not value.startswith(first) or not value.endswith(last):
            return False
        pos = len(first)
        for piece in self.pieces[1:-1]:
            found = value.find(piece, pos, end)
            if found < 0:
                return False
            pos = found + len(piece)
        return True


def _star_pieces(pattern: str) -> list[str] | None:
    """The literal runs between stars, or None if a ``?`` needs the regex."""
    pieces = [""]

    def text(chunk: str) -> bool:
        if "?" in chunk:
            return False
        first, *more = chunk.split("*")
        pieces[-1] += first
        pieces.extend(more)
        return True

    last = 0
    for found in _PLACEHOLDER.finditer(pattern):
        if not text(pattern[last : found.start()]):
            return None
        inner = found.group(1)
        if inner in _ESCAPES:
            pieces[-1] += _ESCAPES[inner]
        elif is_policy_variable(inner):
            pieces.append("")
        else:
            pieces[-1] += found.group(0)
        last = found.end()
    return pieces if text(pattern[last:]) else None


@functools.lru_cache(maxsize=8192)
def _compiled(pattern: str, ignore_case: bool) -> _Glob | _Stars:
    if not ignore_case or pattern.isascii():
        pieces = _star_pieces(pattern.lower() if ignore_case else pattern)
        if pieces is not None:
            return _Stars(tuple(pieces), ignore_case)
    return _regex(pattern, ignore_case)


@functools.lru_cache(maxsize=8192)
def _regex(pattern: str, ignore_case: bool) -> _Glob:
    pieces: list[str] = [""]
    lengths: list[int] = [0]

    def add(regex: str, length: int) -> None:
        pieces[-1] += regex
        lengths[-1] += length

    def star() -> None:
        pieces.append("")
        lengths.append(0)

    def text(chunk: str) -> None:
        for i, part in enumerate(chunk.split("*")):
            if i:
                star()
            add(_chunk(part), len(part))

    last = 0
    for found in _PLACEHOLDER.finditer(pattern):
        text(pattern[last : found.start()])
        inner = found.group(1)
        if inner in _ESCAPES:
            add(re.escape(_ESCAPES[inner]), 1)
        elif is_policy_variable(inner):
            star()
        else:
            add(re.escape(found.group(0)), len(found.group(0)))
        last = found.end()
    text(pattern[last:])
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    return _Glob(tuple(re.compile(p, flags) for p in pieces), tuple(lengths))


# A pattern holding one of the escapes "${*}", "${?}" or "${$}" does not match its own text
# ("${*}" is one "*"): ``matches`` tests each with ``in`` (no generator: a hot path).


def matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Does ``value`` match the IAM ``pattern``? A value is taken literally, wildcards and all."""
    if pattern == "*":
        return True
    if (
        pattern == value
        and "${*}" not in pattern
        and "${?}" not in pattern
        and "${$}" not in pattern
    ):
        return True  # every wildcard or variable matches its own text (rules ask these often)
    if "*" not in pattern and "?" not in pattern and "${" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    if ignore_case and not value.isascii():  # Unicode case-folding: the regex decides
        return _regex(pattern, ignore_case).fullmatch(value)
    return _compiled(pattern, ignore_case).fullmatch(value)
