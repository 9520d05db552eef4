"""JSON templates with positions, strings unescaped by the stdlib's C scanner.

cfn-lint's JSON decoder walks the text with a pure-Python string scanner to put a position on
every key, mapping and list. This walks the same grammar, lets ``json.decoder.scanstring``
(C) unescape strings, and places positions exactly as cfn-lint computes them (including its
quirks at the end of a line), so a finding's line does not depend on which decoder ran. Any
input it does not accept (broken JSON, repeated keys, escapes the C scanner is stricter
about) raises ``UndecidedError``; the caller then asks cfn-lint, whose value or error stays
the rule.
"""

from __future__ import annotations

import bisect
import json.decoder
import json.scanner
import re
from typing import TYPE_CHECKING, Any

from fnguard.collect.cloudformation._fast_yaml import UndecidedError
from fnguard.collect.cloudformation._nodes import Mark, marked_dict, marked_list, marked_str

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["decode_json", "load_json"]

# JSON's four whitespace characters, as json.decoder has them; ``*`` always matches.
_WHITESPACE: Callable[[str, int], re.Match[str]] = re.compile(r"[ \t\n\r]*").match  # type: ignore[assignment]
_NUMBER = json.scanner.NUMBER_RE.match
# The stdlib's string scanner (C when available); typeshed does not list it.
_SCANSTRING: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def load_json(text: str) -> Any:
    """The decoded document: positions on mappings, lists and keys (values are plain)."""
    return decode_json(text)[0]


def decode_json(text: str) -> tuple[Any, int]:
    """The decoded document and how deep its maps and lists nest (the top one is 0, -1 when
    there is none)."""
    parser = _Parser(text)
    value, end = parser.value(_WHITESPACE(text, 0).end())
    if _WHITESPACE(text, end).end() != len(text):
        raise UndecidedError("extra data")
    return value, parser.deepest - 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [i for i, char in enumerate(text) if char == "\n"]
        self.several_lines = len(self.newlines) > 1
        self.level = 0  # maps and lists around the value being read, itself included
        self.deepest = 0

    def marks(self, start: int, end: int) -> tuple[Mark, Mark]:
        """cfn-lint's ``get_beg_end_mark``: 0-based line of ``start``, and of ``end`` minus one
        when the text has several lines; columns from the newline before (1-based)."""
        lines = self.newlines
        first = bisect.bisect_right(lines, start)
        first_column = start - (lines[first - 1] if lines and first else -1)
        upto = bisect.bisect_right(lines, end)
        last = upto - (1 if self.several_lines else 0)
        last_column = end - (lines[last - 1] if lines and upto else -1)
        return Mark(first, first_column), Mark(last, last_column)

    def value(self, i: int) -> tuple[Any, int]:
        text = self.text
        char = text[i : i + 1]
        if char == '"':
            return _SCANSTRING(text, i + 1, True)
        if char in ("{", "["):
            self.level += 1
            self.deepest = max(self.deepest, self.level)
            found = self.mapping(i + 1) if char == "{" else self.sequence(i + 1)
            self.level -= 1
            return found
        if char == "n" and text.startswith("null", i):
            return None, i + 4
        if char == "t" and text.startswith("true", i):
            return True, i + 4
        if char == "f" and text.startswith("false", i):
            return False, i + 5
        number = _NUMBER(text, i)
        if number is not None:
            integer, fraction, exponent = number.groups()
            if fraction or exponent:
                return float(integer + (fraction or "") + (exponent or "")), number.end()
            return int(integer), number.end()
        for name, constant in _CONSTANTS.items():
            if text.startswith(name, i):
                return constant, i + len(name)
        raise UndecidedError(f"no value at {i}")

    def mapping(self, start: int) -> tuple[Any, int]:
        text = self.text
        out: dict[Any, Any] = {}
        pairs = 0
        i = _WHITESPACE(text, start).end()
        if text[i : i + 1] == "}":
            return marked_dict(out, *self.marks(start, i + 1)), i + 1
        while True:
            if text[i : i + 1] != '"':
                raise UndecidedError(f"no key at {i}")
            quote = i
            key, i = _SCANSTRING(text, i + 1, True)
            i = _WHITESPACE(text, i).end()
            if text[i : i + 1] != ":":
                raise UndecidedError(f"no colon at {i}")
            value, i = self.value(_WHITESPACE(text, i + 1).end())
            out[marked_str(key, *self.marks(quote, quote + len(key)))] = value
            pairs += 1
            closed, i = self.after_item(i, "}")
            if closed:
                break
        if len(out) != pairs:
            raise UndecidedError("a repeated key")
        return marked_dict(out, *self.marks(start, i)), i

    def sequence(self, start: int) -> tuple[Any, int]:
        text = self.text
        items: list[Any] = []
        i = _WHITESPACE(text, start).end()
        if text[i : i + 1] == "]":
            return marked_list(items, *self.marks(start, i + 1)), i + 1
        while True:
            value, i = self.value(i)
            items.append(value)
            closed, i = self.after_item(i, "]")
            if closed:
                break
        return marked_list(items, *self.marks(start, i)), i

    def after_item(self, i: int, closing: str) -> tuple[bool, int]:
        """Past an item and its separator: whether ``closing`` ended the collection, and
        the index after it or of the next item."""
        i = _WHITESPACE(self.text, i).end()
        char = self.text[i : i + 1]
        if char == closing:
            return True, i + 1
        if char != ",":
            raise UndecidedError(f"no comma at {i}")
        return False, _WHITESPACE(self.text, i + 1).end()
