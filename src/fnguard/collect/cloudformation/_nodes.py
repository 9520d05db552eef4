"""Decoded values that remember where they were written (what cfn-lint's nodes carry).

The fast decoders build these instead of cfn-lint's ``dict_node`` / ``list_node`` /
``str_node`` so that decoding never imports cfn-lint (~0.45 s); they behave the same way
everywhere fnguard looks: ``start_mark`` / ``end_mark`` (objects with 0-based ``line`` and
``column``), ``get(key, {})`` handing back a positioned mapping, and ``deepcopy`` keeping
positions. Pickling drops the positions (a plain ``dict`` / ``list`` / ``str``): only the
inventory crosses a process boundary, and positions are already turned into lines there.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, TypeGuard

__all__ = ["Mark", "MarkedDict", "MarkedList", "MarkedStr", "is_mapping"]


class Mark:
    """A 0-based line and column (JSON positions; YAML ones come from PyYAML's own marks)."""

    __slots__ = ("column", "line")

    def __init__(self, line: int = 1, column: int = 1) -> None:
        self.line = line
        self.column = column

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mark):
            return NotImplemented
        return (self.line, self.column) == (other.line, other.column)

    def __hash__(self) -> int:
        return hash((self.line, self.column))

    def __repr__(self) -> str:
        return f"Mark(line={self.line}, column={self.column})"


class MarkedDict(dict[Any, Any]):
    """A mapping and its position."""

    __slots__ = ("end_mark", "start_mark")
    start_mark: Any
    end_mark: Any

    def get(self, key: Any, default: Any = None) -> Any:
        """A mapping default comes back positioned where this mapping is (cfn-lint does so)."""
        if default is not None and isinstance(default, dict):
            default = marked_dict(default, self.start_mark, self.end_mark)
        return dict.get(self, key, default)

    def __deepcopy__(self, memo: dict[int, Any]) -> MarkedDict:
        result = marked_dict({}, self.start_mark, self.end_mark)
        memo[id(self)] = result
        for key, value in self.items():
            result[copy.deepcopy(key)] = copy.deepcopy(value, memo)
        return result

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


class MarkedList(list[Any]):
    """A sequence and its position."""

    __slots__ = ("end_mark", "start_mark")
    start_mark: Any
    end_mark: Any

    def __deepcopy__(self, memo: dict[int, Any]) -> MarkedList:
        result = marked_list([], self.start_mark, self.end_mark)
        memo[id(self)] = result
        result.extend(copy.deepcopy(value, memo) for value in self)
        return result

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))


class MarkedStr(str):
    """A string and its position. Slots, not a ``__dict__``: a template has one of these per
    scalar, and a dict of two marks weighs three times the rest (~480 bytes against ~130)."""

    __slots__ = ("end_mark", "start_mark")
    start_mark: Any
    end_mark: Any

    def __deepcopy__(self, memo: dict[int, Any]) -> MarkedStr:
        return marked_str(str(self), self.start_mark, self.end_mark)

    def __reduce__(self) -> tuple[Any, ...]:
        return (str, (str(self),))


def marked_dict(value: dict[Any, Any], start: Any, end: Any) -> MarkedDict:
    out = MarkedDict(value)
    out.start_mark = start
    out.end_mark = end
    return out


def marked_list(value: list[Any], start: Any, end: Any) -> MarkedList:
    out = MarkedList(value)
    out.start_mark = start
    out.end_mark = end
    return out


def marked_str(value: str, start: Any, end: Any) -> MarkedStr:
    out = MarkedStr(value)
    out.start_mark = start
    out.end_mark = end
    return out


# Kinds that are never mappings: ``is_mapping`` answers for them without the abstract class.
_NOT_MAPPINGS = frozenset({str, MarkedStr, list, MarkedList, int, float, bool, type(None)})


def is_mapping(value: object) -> TypeGuard[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``: decoded and resolved values are mostly dicts, strings,
    lists, numbers or None, answered by their class (the abstract-class check costs ~4x as
    much and templates ask it tens of thousands of times)."""
    kind = value.__class__
    if kind is dict or kind is MarkedDict:
        return True
    if kind in _NOT_MAPPINGS:
        return False
    return isinstance(value, Mapping)
