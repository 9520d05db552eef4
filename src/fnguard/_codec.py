"""Inventory objects to JSON and back, driven by the dataclasses' own type hints.

Caches and stores keep what fnguard collected as plain JSON (never pickle: a cache file is
data, and loading it must not run code). Decoding is strict: a value that does not fit the
declared type raises ``ValueError``, and the caller treats the entry as absent.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

__all__ = ["decode", "encode"]

_T = TypeVar("_T")


def encode(value: Any) -> Any:
    """A JSON-ready form of a dataclass tree (enums by value, tuples as lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(kind: type[_T], data: Any) -> _T:
    """Rebuild an object of ``kind`` (a dataclass) from ``encode``'s output."""
    result: _T = _decode(kind, data)
    return result


def _decode(hint: Any, data: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _decode(arg, data)
            except (ValueError, TypeError) as exc:
                errors.append(str(exc))
        raise ValueError("; ".join(errors) or f"no member of {hint} fits {data!r}")
    if origin is tuple:
        if not isinstance(data, list):
            raise ValueError(f"expected a list for {hint}, got {type(data).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in data)
        if len(args) != len(data):
            raise ValueError(f"expected {len(args)} items for {hint}")
        return tuple(_decode(a, item) for a, item in zip(args, data, strict=True))
    if origin in (dict, Mapping) or hint in (dict, Mapping) or origin is typing.Mapping:
        if not isinstance(data, dict):
            raise ValueError(f"expected an object for {hint}")
        value_hint = args[1] if args else Any
        return {str(k): _decode(value_hint, v) for k, v in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(data, dict):
            raise ValueError(f"expected an object for {hint.__name__}")
        hints = _hints(hint)
        kwargs = {
            f.name: _decode(hints[f.name], data[f.name])
            for f in dataclasses.fields(hint)
            if f.init and f.name in data
        }
        return hint(**kwargs)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(data)
    if hint in (str, int, float, bool):
        if hint is float and isinstance(data, int) and not isinstance(data, bool):
            return float(data)
        if type(data) is not hint:
            raise ValueError(f"expected {hint.__name__}, got {type(data).__name__}")
        return data
    if hint is type(None) and data is None:
        return None
    raise TypeError(f"cannot decode {hint!r}")
