"""Reading a JSON table shipped in ``fnguard/data``; a broken table is a bug (``RuleError``)."""

from __future__ import annotations

import json
from typing import Any

from fnguard._data import shipped_text
from fnguard.errors import RuleError

__all__ = ["load_data"]


def load_data(name: str) -> dict[str, Any]:
    """The JSON object in ``fnguard/data/<name>``."""
    where = f"fnguard/data/{name}"
    try:
        document = json.loads(shipped_text(name))
    except (OSError, ValueError) as exc:
        raise RuleError(f"{where} is unreadable: {exc}") from None
    if not isinstance(document, dict):
        raise RuleError(f"{where} must hold a JSON object")
    return document
