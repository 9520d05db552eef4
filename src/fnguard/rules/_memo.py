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


def per_object(compute: Callable[[_K], _V]) -> Callable[[_K], _V]:
    """``compute(obj)`` memoised per object (by identity, for the object's lifetime)."""
    cache: dict[int, tuple[weakref.ref[_K], _V]] = {}

    @functools.wraps(compute)
    def cached(obj: _K) -> _V:
        key = id(obj)
        found = cache.get(key)
        if found is not None and found[0]() is obj:
            return found[1]
        value = compute(obj)

        def forget(_ref: weakref.ref[_K]) -> None:
            cache.pop(key, None)

        cache[key] = (weakref.ref(obj, forget), value)
        return value

    return cached
