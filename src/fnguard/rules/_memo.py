"""Answers computed once per inventory object (a role, a function) and shared by every rule.

Inventory objects are frozen, so what a rule derives from one cannot go stale; entries are
keyed by the object's identity and dropped with it (a weak reference guards against a
recycled id), so nothing outlives the scan that made it.
"""

from __future__ import annotations

import functools
import weakref
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["per_object"]

_K = TypeVar("_K")
_V = TypeVar("_V")


class _Ref(weakref.ref[_K]):
    """A weak reference that carries its cache key: one object per entry, where a closure per
    entry (with its cell) cost two more (rules memoise per role and per function)."""

    __slots__ = ("key",)
    key: int


def per_object(compute: Callable[[_K], _V]) -> Callable[[_K], _V]:
    """``compute(obj)`` memoised per object (by identity, for the object's lifetime)."""
    cache: dict[int, tuple[weakref.ref[_K], _V]] = {}
    # The entry asked for last: rules ask about one object several times in a row.
    last: list[tuple[weakref.ref[_K], _V] | None] = [None]

    def forget(ref: _Ref[_K]) -> None:
        cache.pop(ref.key, None)
        held = last[0]
        if held is not None and held[0] is ref:
            last[0] = None  # the value goes with its object

    @functools.wraps(compute)
    def cached(obj: _K) -> _V:
        found = last[0]
        if found is not None and found[0]() is obj:
            return found[1]
        key = id(obj)
        found = cache.get(key)
        if found is not None and found[0]() is obj:
            last[0] = found
            return found[1]
        value = compute(obj)
        ref: _Ref[_K] = _Ref(obj, forget)
        ref.key = key
        found = cache[key] = (ref, value)
        last[0] = found
        return value

    return cached
