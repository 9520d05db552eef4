"""HCL files -> blocks with line numbers, using the tree-sitter HCL grammar.

python-hcl2 (Lark, pure Python) parses about 1 MB/s, far from the 1,000-functions-in-1-s
budget; tree-sitter's C parser is ~15x faster and keeps every node's position, so line numbers
and the exact source text of each expression come for free. Attribute values stay
tree-sitter nodes: ``_eval`` interprets them on demand, so unused attributes cost nothing.

Hostile files meet the limits here: a file over ``max-file-bytes`` or nested deeper than
``max-nesting-depth`` (expressions and blocks inside each other) raises ``LimitError`` naming
the limit and its flag, before the recursive evaluator could see it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard import limits
from fnguard.errors import InputError
from fnguard.model import Location

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

__all__ = ["Block", "HclFile", "parse_hcl"]

_IGNORE_RE = re.compile(r"fnguard:ignore\[([A-Za-z0-9_,\s-]+)\]\s*(.*)")


@dataclass
class Block:
    """One HCL block: ``type "label" "label" { ... }`` with its attributes still unevaluated."""

    type: str
    labels: tuple[str, ...]
    file: str  # path relative to the scanned root
    line: int
    end_line: int
    attrs: dict[str, Node] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    _location: Location | None = field(default=None, init=False, repr=False, compare=False)

    def children(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]

    @property
    def location(self) -> Location:
        """Where the block starts: one (frozen) value for every instance and view of it."""
        found = self._location
        if found is None:
            found = self._location = Location(self.file, self.line)
        return found


@dataclass(frozen=True)
class Ignore:
    """A ``fnguard:ignore[RULES] reason`` comment."""

    line: int
    end_line: int
    rules: tuple[str, ...]
    reason: str


@dataclass
class HclFile:
    """One parsed ``.tf`` or ``.tfvars`` file, its attributes still unevaluated; the files of a
    folder together make a module."""

    path: str
    blocks: list[Block]
    attrs: dict[str, Node]  # top-level attributes (*.tfvars files)
    ignores: list[Ignore]
    # (line, name) of each attribute set twice in one body: Terraform rejects the file; the
    # last value is the one read, and the module reports it (never silently)
    duplicates: list[tuple[int, str]] = field(default_factory=list)


@functools.cache
def _parser() -> Parser:
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def parse_hcl(source: bytes, rel_path: str) -> HclFile:
    """Parse one file. Raises ``InputError`` (file, line, expectation) for malformed HCL and
    ``LimitError`` for a file over the size or nesting limits."""
    bound = limits.active()
    if len(source) > bound.max_file_bytes:
        raise limits.LimitError(rel_path, 0, "max_file_bytes", f"file of {len(source):,} bytes")
    tree = _parser().parse(source)
    root = tree.root_node
    if root.has_error:
        raise _syntax_error(root, rel_path)
    # Nesting needs brackets (or operators, each with a bracketed operand past the first few);
    # counting them is C-fast, so only a file that could be deep is walked.
    depth = bound.max_nesting_depth
    if source.count(b"{") + source.count(b"[") + source.count(b"(") > depth // 2:
        too_deep = _deeper_than(tree, depth)
        if too_deep:
            raise limits.LimitError(
                rel_path, too_deep, "max_nesting_depth", f"HCL nested more than {depth} levels"
            )
    blocks: list[Block] = []
    attrs: dict[str, Node] = {}
    duplicates: list[tuple[int, str]] = []
    for child in root.children:
        if child.type == "body":
            _read_body(child, source, rel_path, blocks, attrs, duplicates)
    # Comments can sit anywhere (inside an object literal too): walk the tree only when a
    # file mentions the marker at all, so the common case costs nothing.
    ignores = _ignores(root) if b"fnguard:ignore" in source else []
    return HclFile(rel_path, blocks, attrs, ignores, duplicates)


def _read_body(
    body: Node,
    source: bytes,
    path: str,
    blocks: list[Block],
    attrs: dict[str, Node],
    duplicates: list[tuple[int, str]],
) -> None:
    # Names are sliced from the source: ``Node.text`` copies through a memoryview (~2x slower).
    for node in body.children:
        kind = node.type
        if kind == "attribute":
            children = node.children  # identifier "=" expression, comments anywhere between
            ident = children[0]
            name = source[ident.start_byte : ident.end_byte].decode("utf-8")
            if name in attrs:
                duplicates.append((node.start_point[0] + 1, name))
            # `a = /* why */ "x"`: a comment inside the attribute is not its value
            attrs[name] = (
                children[2]
                if len(children) == 3
                else next(c for c in reversed(children) if c.type != "comment")
            )
        elif kind == "block":
            blocks.append(_block(node, source, path, duplicates))


def _block(node: Node, source: bytes, path: str, duplicates: list[tuple[int, str]]) -> Block:
    children = node.children  # identifier, labels, "{", body (unless empty), "}"
    labels: list[str] = []
    for label in children[1:]:
        kind = label.type
        if kind == "string_lit":
            labels.append(source[label.start_byte : label.end_byte].decode("utf-8")[1:-1])
        elif kind == "identifier":
            labels.append(source[label.start_byte : label.end_byte].decode("utf-8"))
        else:
            break
    ident = children[0]
    block = Block(
        source[ident.start_byte : ident.end_byte].decode("utf-8"),
        tuple(labels),
        path,
        node.start_point.row + 1,
        node.end_point.row + 1,
    )
    for child in reversed(children):  # the body sits at the end (a comment may follow it)
        if child.type == "body":
            _read_body(child, source, path, block.blocks, block.attrs, duplicates)
            break
    return block


def _ignores(root: Node) -> list[Ignore]:
    found: list[Ignore] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type != "comment":
            stack.extend(node.children)
            continue
        match = _IGNORE_RE.search(_text(node))
        if match is None:
            continue
        rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
        reason = match.group(2).strip()
        if reason.endswith("*/"):
            reason = reason[:-2].strip()
        found.append(Ignore(node.start_point[0] + 1, node.end_point[0] + 1, rules, reason))
    return sorted(found, key=lambda i: i.line)


_NESTING = frozenset({"expression", "block", "operation"})


def _deeper_than(tree: Tree, limit: int) -> int:
    """The line where nesting first exceeds ``limit`` levels, or 0 (an iterative walk)."""
    cursor = tree.walk()
    levels = [False]  # per node on the path: does it count as a level?
    depth = 0
    while True:
        if cursor.goto_first_child():
            counted = cursor.node is not None and cursor.node.type in _NESTING
            depth += counted
            if depth > limit:
                node = cursor.node
                return node.start_point[0] + 1 if node is not None else 1
            levels.append(counted)
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return 0
            depth -= levels.pop()
        depth -= levels.pop()
        counted = cursor.node is not None and cursor.node.type in _NESTING
        depth += counted
        levels.append(counted)


def _text(node: Node) -> str:
    raw = node.text
    return raw.decode("utf-8") if raw is not None else ""


def _syntax_error(root: Node, path: str) -> InputError:
    bad = _first_error(root)
    if bad is None:  # has_error guarantees one; keep a sane message anyway
        return InputError(path, 0, "expected valid HCL")
    line = bad.start_point[0] + 1
    if bad.is_missing:
        token = _MISSING_NAMES.get(bad.type, bad.type)
        if bad.type == "quoted_template_end" and bad.parent is not None:
            line = bad.parent.start_point[0] + 1  # where the unterminated string starts
        return InputError(path, line, f"expected {token!r}")
    snippet = _text(bad).strip().splitlines()
    found = snippet[0][:40] if snippet else "end of file"
    return InputError(path, line, f"expected an attribute, block or expression, found {found!r}")


_MISSING_NAMES = {
    "quoted_template_end": '"',
    "block_end": "}",
    "object_end": "}",
    "tuple_end": "]",
    "template_interpolation_end": "}",
    "template_directive_end": "}",
}


def _first_error(node: Node) -> Node | None:
    if node.is_missing or node.type == "ERROR":
        return node
    for child in node.children:
        if child.has_error or child.is_missing:
            found = _first_error(child)
            if found is not None:
                return found
    return None
