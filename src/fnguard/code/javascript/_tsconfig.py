"""TypeScript path aliases (``compilerOptions.baseUrl`` / ``paths`` in ``tsconfig.json``).

``import { db } from '@/lib/db'`` names a local file through ``paths``; without them the
import would look like a package and the flow through it would be lost. tsconfig files are
JSON with comments and trailing commas, which is JavaScript object syntax: they are read with
the JavaScript grammar already loaded, never evaluated. ``extends`` is not followed.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnguard.code.javascript._grammar import parse
from fnguard.code.javascript._nodes import node_text, string_content

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["PathAliases", "read_aliases"]


@dataclass(frozen=True)
class PathAliases:
    """A tsconfig's ``baseUrl`` and ``paths``, so that an aliased import (``@/lib/db``) resolves to
    the local file it names instead of passing for a package."""

    base: str  # baseUrl as a folder of the artifact ("" for its root)
    # (text before *, text after *, targets); a pattern without * has None after it
    patterns: tuple[tuple[str, str | None, tuple[str, ...]], ...]
    has_base_url: bool = False

    def candidates(self, spec: str) -> list[str]:
        """Artifact paths (without extension) a bare import may name, most specific first."""
        found: list[str] = []
        for prefix, suffix, targets in sorted(self.patterns, key=lambda p: -len(p[0])):
            if suffix is None:
                if spec == prefix:
                    found.extend(_join(self.base, target) for target in targets)
                continue
            if len(spec) < len(prefix) + len(suffix) or not (
                spec.startswith(prefix) and spec.endswith(suffix)
            ):
                continue
            star = spec[len(prefix) : len(spec) - len(suffix)]
            found.extend(_join(self.base, t.replace("*", star, 1)) for t in targets)
        if self.has_base_url:
            found.append(_join(self.base, spec))
        return [f for f in found if f and not f.startswith("../")]


def _join(base: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)


def _literal(node: Node) -> object:
    """A JSON-like literal as Python data (objects, arrays, strings, numbers, booleans)."""
    if node.type == "parenthesized_expression" and node.named_children:
        return _literal(node.named_children[0])
    if node.type == "object":
        result: dict[str, object] = {}
        for pair in node.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            value = pair.child_by_field_name("value") if pair.type == "pair" else None
            if key is not None and value is not None:
                result[string_content(key) or node_text(key)] = _literal(value)
        return result
    if node.type == "array":
        return [_literal(item) for item in node.named_children if item.type != "comment"]
    if node.type == "string":
        return string_content(node)
    return node_text(node)


def read_aliases(source: bytes, folder: str) -> PathAliases | None:
    """The aliases a ``tsconfig.json`` in ``folder`` declares, or None when it declares none."""
    tree = parse(b"(" + source + b"\n)", "tsconfig.js")
    statement = tree.root_node.named_children[0] if tree.root_node.named_children else None
    expression = statement.named_children[0] if statement and statement.named_children else None
    config = _literal(expression) if expression is not None else None
    options = config.get("compilerOptions") if isinstance(config, dict) else None
    if not isinstance(options, dict):
        return None
    base_url = options.get("baseUrl")
    paths = options.get("paths")
    base = _join(folder, base_url) if isinstance(base_url, str) else folder
    base = "" if base == "." else base
    patterns: list[tuple[str, str | None, tuple[str, ...]]] = []
    if isinstance(paths, dict):
        for pattern, targets in paths.items():
            names = (
                tuple(t for t in targets if isinstance(t, str)) if isinstance(targets, list) else ()
            )
            if not names or pattern.count("*") > 1:
                continue
            prefix, star, suffix = pattern.partition("*")
            patterns.append((prefix, suffix if star else None, names))
    if not patterns and not isinstance(base_url, str):
        return None
    return PathAliases(base, tuple(patterns), isinstance(base_url, str))
