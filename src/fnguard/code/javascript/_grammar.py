"""Source bytes -> tree-sitter tree, with the grammar the file's extension calls for.

tree-sitter parses JavaScript, TypeScript and TSX with error recovery, keeps every node's
position for flow steps, and never runs the code it reads.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Parser, Tree

__all__ = ["SOURCE_EXTENSIONS", "dialect", "parse"]

# Module extensions Node (and the TypeScript compiler) resolve, in the order tried.
SOURCE_EXTENSIONS: tuple[str, ...] = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx")

_TYPESCRIPT = frozenset({".ts", ".mts", ".cts"})


def dialect(name: str) -> str:
    """'typescript' for TypeScript files, else 'javascript'."""
    suffix = name[name.rfind(".") :].lower()
    return "typescript" if suffix in _TYPESCRIPT or suffix == ".tsx" else "javascript"


@functools.cache
def _parser(kind: str) -> Parser:
    import tree_sitter
    import tree_sitter_javascript
    import tree_sitter_typescript

    if kind == "ts":
        language = tree_sitter_typescript.language_typescript()
    elif kind == "tsx":
        language = tree_sitter_typescript.language_tsx()
    else:
        language = tree_sitter_javascript.language()
    return tree_sitter.Parser(tree_sitter.Language(language))


def parse(source: bytes, name: str) -> Tree:
    """Parse one file; syntax errors become ERROR nodes, never exceptions."""
    suffix = name[name.rfind(".") :].lower()
    kind = "ts" if suffix in _TYPESCRIPT else "tsx" if suffix == ".tsx" else "js"
    return _parser(kind).parse(source)
