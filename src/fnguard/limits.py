"""Bounds on what fnguard will read, so a hostile input becomes a reported gap, not a hang.

Every reader consults ``active()``; hitting a bound is a ``CollectionGap`` whose reason names
the limit and the flag that raises it (``limit_message``), never a silent drop. The scan sets
the limits from the configuration with ``use()``; readers deep inside parsers need not carry
them through every call (a context variable, inherited by threads started with a copied
context and by forked shard processes).

A reader that cannot record a gap where it stands (a parser called for one file) raises
``LimitError``: an ``InputError`` naming the file, so the CLI prints one line and exits 2 like
for any unreadable source.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnguard.errors import InputError
from fnguard.model import CollectionGap

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.model import Location

__all__ = [
    "Deadline",
    "LimitError",
    "Limits",
    "active",
    "flag_name",
    "limit_gap",
    "limit_message",
    "parse_limit",
    "use",
]

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Defaults fit real projects with room to spare; each is a ``--limit NAME=VALUE`` flag."""

    max_file_bytes: int = 64 * _MIB  # one IaC / config / code file, and any value computed from it
    max_archive_bytes: int = 2048 * _MIB  # expanded size of one package or image
    max_archive_ratio: int = 250  # expanded / compressed, per member (zip bombs)
    max_archive_members: int = 200_000
    max_nesting_depth: int = 256  # JSON / YAML / HCL / policy nesting
    max_instances: int = 10_000  # resource and module instances one root module expands to
    max_seconds_per_file: float = 120.0


# Flag spelling of each field: max_file_bytes -> "max-file-bytes".
def flag_name(field_name: str) -> str:
    return field_name.replace("_", "-")


def limit_message(field_name: str, value: object, what: str) -> str:
    """The gap reason for a limit hit: what happened, the limit, and how to raise it."""
    value = _shown(field_name, value)
    return (
        f"{what}: exceeds the {flag_name(field_name)} limit ({value}); "
        f"raise it with --limit {flag_name(field_name)}=N if the input is trusted"
    )


class LimitError(InputError):
    """A limit was hit while reading one file; ``limit`` is the ``Limits`` field name."""

    def __init__(self, path: str, line: int, field_name: str, what: str) -> None:
        self.limit = field_name
        value = getattr(active(), field_name)
        super().__init__(path, line, limit_message(field_name, _shown(field_name, value), what))


def limit_gap(where: Location, field_name: str, what: str, resource: str = "") -> CollectionGap:
    """A limit hit as a gap: ``field="file"``, so the scan exits 2 like for an unreadable file."""
    value = _shown(field_name, getattr(active(), field_name))
    return CollectionGap(where, limit_message(field_name, value, what), resource, "file")


_DEFAULT = Limits()
_ACTIVE: contextvars.ContextVar[Limits | None] = contextvars.ContextVar(
    "fnguard_limits", default=None
)


def active() -> Limits:
    return _ACTIVE.get() or _DEFAULT


@contextlib.contextmanager
def use(limits: Limits) -> Iterator[Limits]:
    token = _ACTIVE.set(limits)
    try:
        yield limits
    finally:
        _ACTIVE.reset(token)


class Deadline:
    """``max_seconds_per_file`` from now. ``expired()`` is cheap enough to ask per loop step."""

    __slots__ = ("_end",)

    def __init__(self, seconds: float | None = None) -> None:
        budget = active().max_seconds_per_file if seconds is None else seconds
        self._end = time.monotonic() + budget

    def expired(self) -> bool:
        return time.monotonic() > self._end


# --------------------------------------------------------------------------- values

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 1024, "M": _MIB, "G": 1024 * _MIB, "T": 1024 * 1024 * _MIB}
_SECONDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$", re.IGNORECASE)
_PER_UNIT = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}


def _kinds() -> dict[str, str]:
    return {
        f.name: "seconds" if f.type == "float" else "bytes" if f.name.endswith("_bytes") else "int"
        for f in dataclasses.fields(Limits)
    }


def _shown(field_name: str, value: object) -> str:
    """A limit's value as a user writes it: ``64MB`` rather than 67108864."""
    if field_name.endswith("_bytes") and isinstance(value, int):
        for unit in ("T", "G", "M", "K"):
            if value >= _UNITS[unit] and value % _UNITS[unit] == 0:
                return f"{value // _UNITS[unit]}{unit}B"
        return f"{value}B"
    if field_name == "max_seconds_per_file" and isinstance(value, int | float):
        return f"{value:g}s"
    return str(value)


def parse_limit(name: str, value: object) -> tuple[str, int | float]:
    """``("max-file-bytes", "200MB")`` -> ``("max_file_bytes", 209715200)``.

    Sizes take B/KB/MB/GB/TB (powers of 1024, ``MiB`` too), seconds take s/m/h; every limit is
    positive. Raises ``ValueError`` whose message is the expectation (``expected a size, ...``).
    """
    field_name = name.strip().lower().replace("-", "_")
    kinds = _kinds()
    kind = kinds.get(field_name)
    if kind is None:
        raise ValueError("expected a limit name: one of " + ", ".join(flag_name(k) for k in kinds))
    if isinstance(value, bool):
        raise ValueError(f"expected a positive number, not {value!r}")
    if kind == "seconds":
        seconds = _number(value, _SECONDS, _PER_UNIT, 'expected seconds, e.g. 120 or "2m"')
        return field_name, seconds
    if kind == "bytes":
        expected = 'expected a size, e.g. 67108864 or "64MB"'
        size = int(_number(value, _SIZE, _UNITS, expected))
        if size < 1:
            raise ValueError(f"{expected}, not {value!r}")
        return field_name, size
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        number = int(value)
        if number > 0:
            return field_name, number
    raise ValueError(f"expected a positive whole number, not {value!r}")


def _number(
    value: object, pattern: re.Pattern[str], units: dict[str, float] | dict[str, int], expected: str
) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value)
    elif isinstance(value, str) and (match := pattern.match(value)):
        unit = (match.group(2) or "").upper().replace("I", "").rstrip("B")
        if unit not in {u.upper() for u in units}:
            raise ValueError(f"{expected}, not {value!r}")
        factor = next(f for u, f in units.items() if u.upper() == unit)
        amount = float(match.group(1)) * factor
    else:
        raise ValueError(f"{expected}, not {value!r}")
    if not amount > 0 or amount != amount or amount == float("inf"):
        raise ValueError(f"{expected}, not {value!r}")
    return amount
