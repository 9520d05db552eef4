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

from fnguard.collect.cloudformation._nodes import is_mapping

__all__ = ["Comment", "assign", "comments", "metadata_ignores"]

_IGNORE = re.compile(r"#.*?fnguard:ignore\[([A-Za-z0-9_,\s-]+)\]\s*(.*)")


@dataclass(frozen=True)
class Comment:
    """One ``fnguard:ignore`` comment, found by line before ``assign`` gives it to the resource it
    sits in or above."""

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


def assign(
    found: Mapping[int, Comment], lines: list[str], spans: Mapping[str, tuple[int, int]]
) -> dict[str, list[Comment]]:
    """Comments per resource (``spans``: logical ID -> first and last line).

    A comment in the comment block directly above a resource's logical ID belongs to that
    resource, even if YAML counts the lines as the end of the resource before it. Resources
    with the same span (generated from one ``Fn::ForEach`` fragment) share its comments.
    """
    order = sorted(spans.items(), key=lambda item: item[1][0])
    out: dict[str, list[Comment]] = {}
    for line, comment in sorted(found.items()):
        owner: tuple[int, int] | None = None
        for _, (first, last) in order:
            if first > line:
                # Only a comment on its own line can sit "above"; a trailing one stays put.
                between = lines[line - 1 : first - 1]
                if all(text.lstrip().startswith("#") for text in between):
                    owner = (first, last)
                break
            if line <= last:
                owner = (first, last)
        if owner is not None:
            for logical_id, span in order:
                if span == owner:
                    out.setdefault(logical_id, []).append(comment)
    return out


def metadata_ignores(metadata: Any) -> list[tuple[str, str]]:
    """``(rule, reason)`` pairs from a resource's ``Metadata.fnguard.ignore``."""
    if not is_mapping(metadata):
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
