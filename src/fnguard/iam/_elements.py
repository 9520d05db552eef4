"""Reading policy elements as IAM does: one string or a list of them."""

from __future__ import annotations

from typing import Any

__all__ = ["as_list"]


def as_list(raw: Any) -> tuple[str, ...]:
    """A policy element's values, whether written as one string or a list."""
    if raw is None:
        return ()
    if isinstance(raw, list | tuple):
        return tuple(str(v) for v in raw)
    return (str(raw),)
