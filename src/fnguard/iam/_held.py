"""Answers kept per the identity of the immutable objects they were computed from.

Rules ask about the same policy documents (an AWS-managed one is attached to a thousand roles)
and the same sequences of policies over and over; an entry holds the objects it is keyed by,
so no id in a key can be reused by another object while the entry lives. Bounded: the oldest
entries go first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

__all__ = ["Held"]

_V = TypeVar("_V")


class Held(Generic[_V]):
    def __init__(self, kept: int = 16384) -> None:
        self._kept = kept
        self._entries: dict[tuple[Hashable, ...], tuple[tuple[object, ...], _V]] = {}

    def get(self, objects: tuple[object, ...], extra: Hashable, compute: Callable[[], _V]) -> _V:
        """The value for these objects (by identity, in order) and ``extra``; computed once."""
        if len(objects) == 1:  # most keys: one document, one policy
            key: tuple[Hashable, ...] = (extra, id(objects[0]))
            found = self._entries.get(key)
            if found is not None and found[0][0] is objects[0]:
                return found[1]
        else:
            key = (extra, *map(id, objects))
            found = self._entries.get(key)
            if found is not None:
                for a, b in zip(found[0], objects, strict=True):  # one id per object in the key
                    if a is not b:
                        break
                else:
                    return found[1]
        value = compute()
        if len(self._entries) >= self._kept:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (objects, value)
        return value
