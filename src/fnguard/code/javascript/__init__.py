"""JavaScript and TypeScript handler analysis (Node.js runtimes), parsed with tree-sitter."""

from __future__ import annotations

from fnguard.code.javascript._analyser import JavaScriptAnalyser

__all__ = ["JavaScriptAnalyser"]
