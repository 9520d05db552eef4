"""JSON templates with positions: the stdlib's C decoder for values, a token walk for places.

cfn-lint's JSON decoder walks the text with a pure-Python scanner to put a position on every
key, mapping and list. Here ``json.loads`` (C) decodes the values, keeping each object's pairs
in order, and one regular expression finds every string and bracket of the (by then known
valid) text: walking the decoded value and those tokens together, in document order, places
each mapping, list and key exactly where cfn-lint places it (including its quirks at the end
of a line), so a finding's line does not depend on which decoder ran. Anything ``json.loads``
refuses, and repeated keys, raise ``UndecidedError``; the caller then asks cfn-lint, whose
value or error stays the rule (it is laxer about some ``\\u`` escapes, for one).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from fnguard.collect.cloudformation._fast_yaml import UndecidedError
from fnguard.collect.cloudformation._nodes import Mark, MarkedDict, MarkedList, MarkedStr

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["decode_json", "load_json"]

# In valid JSON: every string (escapes included) and every bracket outside strings.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]]')


class _Pairs(list[tuple[str, Any]]):
    """An object's pairs as ``json.loads`` read them, in order, repeats kept."""


def load_json(text: str) -> Any:
    """The decoded document: positions on mappings, lists and keys (values are plain)."""
    return decode_json(text)[0]


def decode_json(text: str) -> tuple[Any, int]:
    """The decoded document and how deep its maps and lists nest (the top one is 0, -1 when
    there is none)."""
    try:
        value = json.loads(text, object_pairs_hook=_Pairs)
    except ValueError as exc:
        raise UndecidedError(str(exc)) from None
    walk = _Walk(text)
    placed = walk.place(value)
    return placed, walk.deepest - 1


class _Walk:
    def __init__(self, text: str) -> None:
        self.tokens: Iterator[re.Match[str]] = _TOKENS.finditer(text)
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.back = 1 if len(self.newlines) > 1 else 0  # cfn-lint's end-line offset
        self.level = 0  # maps and lists around the value being placed, itself included
        self.deepest = 0

    def marks(self, start: int, end: int) -> tuple[Mark, Mark]:
        """cfn-lint's ``get_beg_end_mark``: 0-based line of ``start``, and of ``end`` minus one
        when the text has several lines; columns from the newline before (1-based)."""
        lines = self.newlines
        first = bisect_right(lines, start)
        first_column = start - (lines[first - 1] if lines and first else -1)
        upto = bisect_right(lines, end)
        last = upto - self.back
        last_column = end - (lines[last - 1] if lines and upto else -1)
        return Mark(first, first_column), Mark(last, last_column)

    def place(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            next(self.tokens)  # its own token
            return value
        if kind is _Pairs:
            return self._mapping(value)
        if kind is list:
            return self._sequence(value)
        return value  # numbers, booleans, null: no token

    def _enter(self) -> int:
        """One map or list deeper; the index after its opening bracket."""
        self.level += 1
        self.deepest = max(self.deepest, self.level)
        return next(self.tokens).end()

    def _mapping(self, pairs: _Pairs) -> MarkedDict:
        start = self._enter()
        out = MarkedDict()
        tokens, place, lines, back = self.tokens, self.place, self.newlines, self.back
        for key, item in pairs:
            # ``marks(quote, quote + len(key))`` inlined: most of a template is keys
            quote = next(tokens).start()
            end = quote + len(key)
            first = bisect_right(lines, quote)
            upto = bisect_right(lines, end)
            last = upto - back
            marked = MarkedStr(key)
            marked.start_mark = Mark(first, quote - (lines[first - 1] if first else -1))
            marked.end_mark = Mark(last, end - (lines[last - 1] if upto else -1))
            out[marked] = place(item)
        if len(out) != len(pairs):
            raise UndecidedError("a repeated key")
        out.start_mark, out.end_mark = self.marks(start, next(tokens).end())
        self.level -= 1
        return out

    def _sequence(self, items: list[Any]) -> MarkedList:
        start = self._enter()
        place = self.place
        out = MarkedList([place(item) for item in items])
        out.start_mark, out.end_mark = self.marks(start, next(self.tokens).end())
        self.level -= 1
        return out
