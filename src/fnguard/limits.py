"""Bounds on what fnguard will read, so a hostile input becomes a reported gap, not a hang.

Every reader consults ``active()``; hitting a bound is a ``CollectionGap`` whose reason names
the limit and the flag that raises it (``limit_message``), never a silent drop. The scan sets
the limits from the configuration with ``use()``; readers deep inside parsers need not carry
them through every call (a context variable, inherited by threads started with a copied
context and by forked shard processes).
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Limits", "active", "flag_name", "limit_message", "use"]

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Defaults fit real projects with room to spare; each is a ``--limit NAME=VALUE`` flag."""

    max_file_bytes: int = 64 * _MIB  # one IaC / config / code file
    max_archive_bytes: int = 2048 * _MIB  # expanded size of one package or image
    max_archive_ratio: int = 250  # expanded / compressed, per member (zip bombs)
    max_archive_members: int = 200_000
    max_nesting_depth: int = 256  # JSON / YAML / HCL / policy nesting
    max_seconds_per_file: float = 120.0


# Flag spelling of each field: max_file_bytes -> "max-file-bytes".
def flag_name(field_name: str) -> str:
    return field_name.replace("_", "-")


def limit_message(field_name: str, value: object, what: str) -> str:
    """The gap reason for a limit hit: what happened, the limit, and how to raise it."""
    return (
        f"{what}: exceeds the {flag_name(field_name)} limit ({value}); "
        f"raise it with --limit {flag_name(field_name)}=N if the input is trusted"
    )


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
