"""Inline suppressions: ``# fnguard:ignore[RULE] reason`` comments, or a Metadata key.

A comment counts for a resource when it sits inside the resource or on the comment lines
directly above its logical ID. JSON has no comments, so templates may instead say
``"Metadata": {"fnguard": {"ignore": [{"rule": "IAM001", "reason": "..."}]}}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Comment", "comments", "metadata_ignores", "resource_comments"]

_IGNORE = re.compile(r"#.*?fnguard:ignore\[([A-Za-z0-9_,\s-]+)\]\s*(.*)")


@dataclass(frozen=True)
class Comment:
    line: int
    rules: tuple[str, ...]
    reason: str


def comments(text: str) -> dict[int, Comment]:
    """``fnguard:ignore`` comments by 1-based line."""
    if "fnguard:ignore" not in text:
        return {}
    out: dict[int, Comment] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
            out[number] = Comment(number, rules, match.group(2).strip())
    return out


def resource_comments(
    found: Mapping[int, Comment], lines: list[str], start: int, end: int
) -> list[Comment]:
    """Comments inside lines ``start..end`` or in the comment block directly above ``start``."""
    out = [c for line, c in found.items() if start <= line <= end]
    line = start - 1
    while line >= 1 and lines[line - 1].lstrip().startswith("#"):
        if line in found:
            out.append(found[line])
        line -= 1
    return sorted(out, key=lambda c: c.line)


def metadata_ignores(metadata: Any) -> list[tuple[str, str]]:
    """``(rule, reason)`` pairs from a resource's ``Metadata.fnguard.ignore``."""
    if not isinstance(metadata, Mapping):
        return []
    section = metadata.get("fnguard")
    entries = section.get("ignore") if isinstance(section, Mapping) else None
    out: list[tuple[str, str]] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("rule"), str):
            out.append((str(entry["rule"]).strip().upper(), str(entry.get("reason", "")).strip()))
        elif isinstance(entry, str):
            out.append((entry.strip().upper(), ""))
    return out
