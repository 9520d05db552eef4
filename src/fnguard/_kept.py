"""``functools.cached_property`` without its lock.

On Python 3.11 every first read of a ``cached_property`` takes a per-class ``RLock`` (3.12
dropped it). The model computes one per finding (severity, fingerprint) and per inventory
lookup, the IAM engine one per statement and policy of every role a scan reads; nothing here
is shared between threads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["kept"]

_T = TypeVar("_T")


class kept(Generic[_T]):  # noqa: N801 - a decorator, named like the one it stands for
    """Computed on first read, then stored in the instance's ``__dict__`` (which shadows
    this non-data descriptor, so later reads are plain attribute reads)."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self._compute = compute
        self._name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> kept[_T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> _T | kept[_T]:
        if obj is None:
            return self
        value = self._compute(obj)
        obj.__dict__[self._name] = value
        return value
