"""JavaScript and TypeScript handler analysis (Node.js runtimes), parsed with tree-sitter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard._lazy import exports

if TYPE_CHECKING:
    from fnguard.code.javascript._analyser import JavaScriptAnalyser

__all__ = ["JavaScriptAnalyser"]

# The analyser loads when some handler module is there to read: ``_entry`` answers for the
# rest (a tree whose code is not built).
__getattr__ = exports(__name__, {"JavaScriptAnalyser": "_analyser"})
