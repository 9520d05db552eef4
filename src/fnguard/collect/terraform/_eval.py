"""Evaluate HCL expressions (tree-sitter nodes) the way ``terraform plan`` would, offline.

Values are plain Python (str, int, float, bool, None, list, dict) plus two markers:

- ``Unknown``: computed at apply time or unresolvable. It keeps the expression text and, when
  it is a computed attribute of a resource in the configuration, that resource's address, so
  ``role = aws_iam_role.r.arn`` still tells the collector *which* role.
- ``Partial``: a string in which some interpolations were unknown; they are rendered as
  ``${expr}`` placeholders. A policy written as a heredoc or ``jsonencode`` with one computed
  ARN stays a readable policy document instead of becoming unknown as a whole.

Nothing here raises for bad values: every failure becomes an ``Unknown``.

Hostile configurations are bounded: regular expressions run on RE2 (Terraform's own syntax,
linear time: no catastrophic backtracking), no computed string or list grows past the
``max-file-bytes`` limit (``"${local.a}${local.a}"`` chains double each step), shared values
are walked once (a list holding the same list twice, 40 levels deep), and evaluation stops at
the scope's deadline (``max-seconds-per-file``) or at Python's recursion bound. Those last two
are reported through the scope's optional ``limit_hit(field, what)`` as a gap naming the limit.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import os
import posixpath
import re
from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fnguard import limits
from fnguard.collect._shared import read_bounded

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from tree_sitter import Node

__all__ = [
    "Evaluator",
    "Lazy",
    "Partial",
    "Scope",
    "Unknown",
    "has_unknown",
    "json_text",
    "node_text",
    "object_elems",
    "plain_item_exprs",
    "references",
]

Value = Any


@dataclass(frozen=True)
class Unknown:
    """A value known only at apply time, or never: it keeps its expression for messages and, for a
    resource's attribute, that resource's address, so that a reference still names the resource."""

    expr: str
    address: str | None = None  # resource/data address when this is one of its attributes
    attr: str | None = None

    def placeholder(self) -> str:
        return "${" + self.expr + "}"


class Partial(str):
    """A string with ``${expr}`` placeholders where interpolated values were unknown."""

    __slots__ = ()


class Lazy:
    """A resource instance, resource group or module call, resolved attribute by attribute.

    ``get`` receives an attribute name, ``"[key]"`` (JSON-quoted key) for an index, or ``"*"``
    for a splat, plus the whole expression text for the ``Unknown`` it may return.

    A plain base class rather than an ``ABC``: ``isinstance`` against an ABC runs
    ``ABCMeta.__instancecheck__`` in Python, and every reference step asks it.
    """

    @abstractmethod
    def get(self, name: str, expr: str) -> Value: ...


class Scope(Protocol):
    """What a module offers an expression: variables, locals, resources, modules, paths."""

    path_module: str  # module folder relative to the scanned root ("." for the root)
    root_dir: Path

    def variable(self, name: str, expr: str) -> Value: ...

    def local(self, name: str, expr: str) -> Value: ...

    def module_call(self, name: str, expr: str) -> Value: ...

    def resource(self, rtype: str, name: str, expr: str) -> Value: ...

    def data(self, rtype: str, name: str, expr: str) -> Value: ...


def object_elems(node: Node) -> Iterator[tuple[Node, Node]]:
    """(key, value) node pairs of an object literal."""
    for elem in node.children:
        if elem.type == "object_elem":
            parts = elem.children
            if len(parts) == 3:  # key, "=" or ":", value: the fields without a name look-up
                yield parts[0], parts[2]
                continue
            key = elem.child_by_field_name("key")
            val = elem.child_by_field_name("val")
            if key is not None and val is not None:
                yield key, val


def node_text(node: Node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def has_unknown(value: Value) -> bool:
    """Whether any part of ``value`` is unknown; each shared list or map is visited once."""
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown | Partial):
            return True
        if isinstance(item, list | dict):
            if id(item) in seen:
                continue
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)
        elif not isinstance(item, str | int | float | bool | type(None)):
            return True
    return False


def _items_cap() -> int:
    """Longest list a computation may build: 64 bytes an item within ``max-file-bytes``."""
    return limits.active().max_file_bytes // 64


def _check_size(value: Value) -> Value:
    """``value`` if within the value limits, else a failure (the caller's ``Unknown``)."""
    if isinstance(value, str):
        if len(value) > limits.active().max_file_bytes:
            raise _FailError("value too large")
    elif isinstance(value, list | dict) and len(value) > _items_cap():
        raise _FailError("value too large")
    return value


def _bounded_size(value: Value, cap: int) -> int:
    """Characters and items in ``value`` as if written out (shared parts counted each time they
    appear, as ``jsonencode`` would write them); each shared list or map is sized once."""
    sizes: dict[int, int] = {}

    def size(item: Value) -> int:
        if isinstance(item, str):
            return len(item) + 2
        if not isinstance(item, list | dict):
            return 8
        known = sizes.get(id(item))
        if known is not None:
            return known
        total = 2 + len(item)
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict):
            total += sum(len(key) for key in item)
        for child in children:
            total += size(child)
            if total > cap:
                break
        sizes[id(item)] = total
        return total

    return size(value)


#: a traversal written as plain dotted names (no space, comment, index or splat in it)
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
#: a quoted template of literal text (no escape, no "$" or "%" but in an interpolation) and
#: interpolations of plain references with at least one dot (``${true}`` is a literal)
#: Possessive (``++``, ``*+``): a run of literal text is never split again to retry, so a
#: long string that fails to match (an escape at its end) fails in linear time, not 2**n.
#: The two alternatives start differently ("$" or not), so no match is lost.
_PLAIN_TEMPLATE = re.compile(
    rf'"(?:[^"\\$%\n]++|\$\{{[ \t]*(?!(?:true|false|null)\.){_NAME}(?:\.{_NAME})+[ \t]*\}})*+"'
)
_TEMPLATE_PIECE = re.compile(rf'([^"\\$%\n]+)|\$\{{[ \t]*({_NAME}(?:\.{_NAME})+)[ \t]*\}}')
_KEY_NAME = re.compile(_NAME)
#: nested collections are not copied out as text past this size (each level would copy its
#: whole text again: quadratic on a hostile file nested hundreds of levels deep)
_TEXT_PATH_MAX = 4096
#: a tuple of plain strings (no escape, "$" or "%"), and one such string's content
_PLAIN_STRING = re.compile(r'"([^"\\$%\n]*)"')
_PLAIN_TUPLE = re.compile(r'\[\s*(?:"[^"\\$%\n]*"\s*,\s*)*(?:"[^"\\$%\n]*"\s*,?\s*)?\]')
_NOT_RESOURCES = frozenset({"var", "local", "count", "each", "path", "terraform", "self"})
#: a plain string or template (as ``_PLAIN_TEMPLATE``), or a reference of dotted names (at
#: least one dot; ``true.x`` is not one)
_DOTTED_REF = rf"(?!(?:true|false|null)\.){_NAME}(?:\.{_NAME})+"
_PLAIN_ELEM = re.compile(rf"({_PLAIN_TEMPLATE.pattern})|({_DOTTED_REF})")
_ANY_ELEM = rf"(?:{_PLAIN_TEMPLATE.pattern}|{_DOTTED_REF})"
_ELEM_TUPLE = rf"\[\s*(?:{_ANY_ELEM}\s*,\s*)*(?:{_ANY_ELEM}\s*,?\s*)?\]"
#: one object item written plainly: a bare-name or plain-string key, "=" or ":", and a value
#: that is a plain element (``_PLAIN_ELEM``), true / false / null, digits, or a tuple of
#: plain elements
_OBJECT_ITEM = re.compile(
    rf'(?:({_NAME})|"([^"\\$%\n]*)")[ \t]*[=:][ \t]*'
    rf"(?:{_PLAIN_ELEM.pattern}"
    r"|(true|false|null)(?![\w.-])"
    r"|([0-9]+)(?![\w.])"
    rf"|({_ELEM_TUPLE}))"
)
#: after an item: a comma or a line break (and any blank space), or only blank space before "}"
_OBJECT_GAP = re.compile(r"[ \t\r]*(?:([,\n])[ \t\r\n]*)?")
_OBJECT_OPEN = re.compile(r"\{[ \t\r\n]*")
_NOT_KEYS = frozenset({"null", "for", "if", "in"})


def _plain_object_items(text: str) -> list[re.Match[str]] | None:
    """The items of an object literal written plainly (no comment, escape, heredoc,
    expression or nested collection but a tuple of plain strings), one regular-expression
    match each; None for anything else, which the node walk reads. Every item is checked
    before any is evaluated."""
    opening = _OBJECT_OPEN.match(text)
    if opening is None or not text.endswith("}"):
        return None
    end = len(text) - 1
    pos = opening.end()
    items: list[re.Match[str]] = []
    while pos < end:
        item = _OBJECT_ITEM.match(text, pos)
        if item is None or item.group(1) in _NOT_KEYS:
            return None
        items.append(item)
        gap = _OBJECT_GAP.match(text, item.end())
        pos = gap.end() if gap is not None else item.end()
        if pos < end and (gap is None or gap.group(1) is None):
            return None  # two items with no comma or line break between them
    return items


def plain_item_exprs(text: str) -> list[tuple[str, str, list[str], int]] | None:
    """Per item of an object literal's ``text`` written plainly: key, value text, the
    value's static references (as ``references`` finds them) and the lines before the value;
    None when some item is not plain or holds a tuple (the node walk answers then)."""
    if text.count("{") != text.count("${") + 1:
        return None
    items = _plain_object_items(text)
    if items is None:
        return None
    out: list[tuple[str, str, list[str], int]] = []
    for item in items:
        key, quoted_key, template, dotted, word, _digits, strings = item.groups()
        if strings is not None:
            return None
        refs: list[str] = []
        if template is not None:
            group = 3
            pieces = _TEMPLATE_PIECE.findall(template, 1, len(template) - 1)
            refs = [d for _, d in reversed(pieces) if d and d.split(".")[0] not in _NOT_RESOURCES]
        elif dotted is not None:
            group = 4
            refs = [dotted] if dotted.partition(".")[0] not in _NOT_RESOURCES else []
        else:
            group = 5 if word is not None else 6
        start = item.start(group)
        value = item.group(group)
        out.append(
            (key if key is not None else quoted_key, value, refs, text.count("\n", 0, start))
        )
    return out


def references(node: Node) -> list[str]:
    """Traversals in ``node`` that name a resource, data source or module (static scan)."""
    if node.type == "expression":
        text = node_text(node)
        if _DOTTED.fullmatch(text) is not None and node.child_count == text.count(".") + 1:
            # A plain ``a.b.c``: the variable, then one ".name" step per name.
            root, dot, _ = text.partition(".")
            return [text] if dot and root not in _NOT_RESOURCES else []
        if _PLAIN_TEMPLATE.fullmatch(text) is not None:
            # "${a.b}-${c.d}": its dotted interpolations, last first as the walk below meets them
            pieces = _TEMPLATE_PIECE.findall(text, 1, len(text) - 1)
            return [d for _, d in reversed(pieces) if d and d.split(".")[0] not in _NOT_RESOURCES]
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        children = current.children
        for i, child in enumerate(children):
            if child.type == "variable_expr":
                parts = [node_text(child)]
                for step in children[i + 1 :]:
                    if step.type != "get_attr":
                        break
                    parts.append(node_text(step)[1:].strip())
                # A bare name (an object key, a for variable) never names a resource.
                if len(parts) > 1 and parts[0] not in _NOT_RESOURCES:
                    found.append(".".join(parts))
            else:
                stack.append(child)
    return found


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{", re.S)


def _unescape(text: str, quoted: bool = True) -> str:
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text

    def repl(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        if not quoted:
            return whole
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, whole)

    return _ESCAPE_RE.sub(repl, text)


class _FailError(Exception):
    """Internal: a value cannot be computed offline; caught and turned into ``Unknown``."""


class Evaluator:
    """Evaluates nodes in one module scope with optional bindings (count, each, for vars)."""

    def __init__(self, scope: Scope, bindings: Mapping[str, Value] | None = None) -> None:
        self.scope = scope
        self.bindings: Mapping[str, Value] = bindings or {}
        self._deadline: limits.Deadline | None = getattr(scope, "deadline", None)

    def with_bindings(self, extra: Mapping[str, Value]) -> Evaluator:
        return Evaluator(self.scope, {**self.bindings, **extra})

    # ------------------------------------------------------------------ entry point

    def eval(self, node: Node) -> Value:
        """``node``'s value (``_guarded`` for a node, without the extra call: most evaluations
        start here)."""
        deadline = self._deadline
        if deadline is not None and deadline.expired():
            self._limit_hit("max_seconds_per_file", "evaluating the module took too long")
            return Unknown(node_text(node))
        try:
            return self._node(node)
        except RecursionError:
            self._limit_hit("max_nesting_depth", "expressions nested too deeply to evaluate")
            return Unknown(node_text(node))
        except Exception:
            return Unknown(node_text(node))

    def _guarded(self, node: Node | None, dotted: str = "") -> Value:
        """``node``'s value, or (no node) that of the plain reference ``dotted``, as ``eval``
        gives it: never raising, within the deadline and the recursion bound."""
        if self._deadline is not None and self._deadline.expired():
            self._limit_hit("max_seconds_per_file", "evaluating the module took too long")
            return Unknown(dotted if node is None else node_text(node))
        try:
            if node is None:
                return self._dotted(dotted.split("."), dotted)
            return self._node(node)
        except RecursionError:
            self._limit_hit("max_nesting_depth", "expressions nested too deeply to evaluate")
            return Unknown(dotted if node is None else node_text(node))
        except Exception:
            # Any failure to compute (1 / 0, a bad regex, a cycle) is "unknown"; the collector
            # records it as a gap naming the resource and field, so nothing is lost silently.
            return Unknown(dotted if node is None else node_text(node))

    def _limit_hit(self, field_name: str, what: str) -> None:
        report = getattr(self.scope, "limit_hit", None)
        if report is not None:
            report(field_name, what)

    def _tick(self) -> None:
        """Called per loop step of a ``for`` / splat: stop once the deadline has passed."""
        if self._deadline is not None and self._deadline.expired():
            raise _FailError("deadline")

    # ------------------------------------------------------------------ nodes

    def _node(self, node: Node) -> Value:
        kind = node.type
        if kind == "expression":
            children = node.children
            first = children[0]
            first_kind = first.type
            if first_kind == "variable_expr":
                return self._traversal(children, node)
            if len(children) == 1:  # the common case: one term, no traversal steps
                if first_kind == "literal_value":
                    literal = first.children[0]
                    if literal.type == "string_lit":  # the most common literal
                        return _unescape(node_text(literal)[1:-1])
                    return self._literal(first)
                if first_kind == "collection_value":  # a tuple or an object
                    inner = first.children[0]
                    inner_kind = inner.type
                    if inner_kind == "tuple":
                        return self._tuple(inner)
                    if inner_kind == "object":
                        return self._object(inner)
                    return self._node(inner)
                if first_kind == "template_expr":
                    return self._template_expr(first)
                return self._node(first)
            return self._sequence(children, node)
        handler = _HANDLERS.get(kind)
        if handler is None:
            raise _FailError(kind)
        return handler(self, node)

    def _sequence(self, nodes: list[Node], whole: Node) -> Value:
        """A term followed by traversal steps (``x.y[0].*.z``)."""
        first = nodes[0]
        if first.type == "(":
            value = self._node(nodes[1])
            steps = nodes[3:]
        elif first.type == "variable_expr":
            return self._traversal(nodes, whole)
        else:
            value = self._node(first)
            steps = nodes[1:]
        return self._apply_steps(value, steps, whole)

    def _traversal(self, nodes: list[Node], whole: Node) -> Value:
        expr = node_text(whole)
        if _DOTTED.fullmatch(expr) is not None:
            names = expr.split(".")
            if len(names) == len(nodes):  # the variable, then one ".name" step per name
                return self._dotted(names, expr)
        root = node_text(nodes[0])
        steps = nodes[1:]
        if root in self.bindings:
            return self._apply_steps(self.bindings[root], steps, whole, expr)
        name = _attr_name(steps[0]) if steps else None
        data_name = _attr_name(steps[1]) if root == "data" and len(steps) > 1 else None
        value, used = self._root_value(root, name, data_name, expr)
        return self._apply_steps(value, steps[used:], whole, expr) if used else value

    def _dotted(self, names: list[str], expr: str) -> Value:
        """``a.b.c`` written plainly (most references): names from the text, not the nodes."""
        root = names[0]
        if root in self.bindings:
            return _get_names(self.bindings[root], names, 1, expr)
        name = names[1] if len(names) > 1 else None
        data_name = names[2] if root == "data" and len(names) > 2 else None
        value, used = self._root_value(root, name, data_name, expr)
        if not used:
            return value
        if used + 2 == len(names) and isinstance(value, Lazy):
            return value.get(names[-1], expr)  # one attribute of a resource: most references
        return _get_names(value, names, used + 1, expr)

    def _root_value(
        self, root: str, name: str | None, data_name: str | None, expr: str
    ) -> tuple[Value, int]:
        """What a traversal's first name(s) designate, and how many ``.name`` steps that took
        (0: the value is final, no step applies)."""
        if root in ("var", "local", "module", "path", "terraform"):
            if name is None:
                raise _FailError(expr)
            if root == "var":
                return self.scope.variable(name, expr), 1
            if root == "local":
                return self.scope.local(name, expr), 1
            if root == "module":
                return self.scope.module_call(name, expr), 1
            if root == "path":
                return self._path(name), 1
            return ("default" if name == "workspace" else Unknown(expr)), 1
        if root == "data":
            if name is None or data_name is None:
                raise _FailError(expr)
            return self.scope.data(name, data_name, expr), 2
        if root in ("count", "each", "self"):
            return Unknown(expr), 0
        if name is None:
            raise _FailError(expr)
        return self.scope.resource(root, name, expr), 1

    def _path(self, name: str) -> str:
        if name == "module":
            return self.scope.path_module
        return "."  # path.root and path.cwd: the scanned root

    def _apply_steps(
        self, value: Value, steps: list[Node], whole: Node, expr: str | None = None
    ) -> Value:
        if not steps:
            return value
        if expr is None:
            expr = node_text(whole)
        for i, step in enumerate(steps):
            if isinstance(value, Unknown):
                return Unknown(expr, value.address, value.attr)
            kind = step.type
            if kind == "get_attr":
                children = step.children  # "." then the identifier
                value = _get(value, node_text(children[-1]) if children else "", expr)
            elif kind == "index":
                value = _index(value, self._index_key(step), expr)
            elif kind == "splat":
                rest = [s for s in steps[i + 1 :]]
                return self._splat(value, step, rest, whole)
            else:
                raise _FailError(expr)
        return value

    def _index_key(self, step: Node) -> Value:
        inner = step.child(0)
        if inner.type == "legacy_index":
            return int(node_text(inner)[1:])
        for child in inner.children:
            if child.type == "expression":
                return self._node(child)
        raise _FailError(node_text(step))

    def _splat(self, value: Value, step: Node, rest: list[Node], whole: Node) -> Value:
        splat = step.child(0)
        inner = [c for c in splat.children if c.type in ("get_attr", "index")]
        if isinstance(value, Lazy):
            value = _get(value, "*", node_text(whole))
        if isinstance(value, Unknown):
            return Unknown(node_text(whole), value.address)
        if value is None:
            items: list[Value] = []
        elif isinstance(value, list):
            items = value
        elif isinstance(value, dict):
            items = list(value.values())
        else:
            items = [value]
        out = []
        for item in items:
            self._tick()
            out.append(self._apply_steps(item, inner, whole))
        return self._apply_steps(out, rest, whole) if rest else out

    # ------------------------------------------------------------------ literals

    def _literal(self, node: Node) -> Value:
        child = node.children[0]
        kind = child.type
        if kind == "string_lit":  # the most common literal
            return _unescape(node_text(child)[1:-1])
        if kind == "numeric_lit":
            text = node_text(child)
            number = float(text)
            return (
                int(number)
                if number.is_integer() and "." not in text and "e" not in text.lower()
                else number
            )
        if kind == "bool_lit":
            return node_text(child) == "true"
        if kind == "null_lit":
            return None
        raise _FailError(kind)

    def _string_lit(self, node: Node) -> str:
        text = node_text(node)
        return _unescape(text[1:-1])

    def _template_expr(self, node: Node) -> Value:
        inner = node.children[0]
        if inner.type == "heredoc_template":
            return self._heredoc(inner)
        return self._quoted(inner)

    def _quoted(self, node: Node) -> Value:
        raw = node.text or b""
        text = raw.decode("utf-8", "replace")
        if _PLAIN_TEMPLATE.fullmatch(text) is not None:
            return self._plain_template(text, node)
        base = node.start_byte
        parts: list[Value] = []
        pos = 1  # after the opening quote
        for child in node.children:
            kind = child.type
            if kind in ("template_interpolation", "template_directive"):
                start, end = child.start_byte - base, child.end_byte - base
                if start > pos:
                    parts.append(_unescape(raw[pos:start].decode("utf-8", "replace")))
                parts.append(self._interpolation(child))
                pos = end
        end_quote = len(raw) - 1
        if end_quote > pos:
            parts.append(_unescape(raw[pos:end_quote].decode("utf-8", "replace")))
        return _join_template(parts, node)

    def _plain_template(self, text: str, node: Node | str) -> Value:
        """ "${local.prefix}-fn": literal text (no escape, no "$" or "%") and plain dotted
        references, read from the text instead of the tree, with eval's guard for each."""
        return _join_template(
            [
                self._guarded(None, dotted) if dotted else literal
                for literal, dotted in _TEMPLATE_PIECE.findall(text, 1, len(text) - 1)
            ],
            node,
        )

    def _heredoc(self, node: Node) -> Value:
        raw = (node.text or b"").decode("utf-8", "replace")
        base = node.start_byte
        trim = raw.startswith("<<-")
        body_start = raw.index("\n") + 1
        idents = [c for c in node.children if c.type == "heredoc_identifier"]
        closing = idents[-1]
        body_end = raw.rfind("\n", 0, closing.start_byte - base) + 1
        body_end = max(body_end, body_start)
        # Interpolations become sentinels so that trimming works on the literal text only.
        values: list[Value] = []
        pieces: list[str] = []
        pos = body_start
        encoded = node.text or b""
        for child in node.children:
            if child.type in ("template_interpolation", "template_directive"):
                start = len(encoded[: child.start_byte - base].decode("utf-8", "replace"))
                end = len(encoded[: child.end_byte - base].decode("utf-8", "replace"))
                pieces.append(raw[pos:start])
                pieces.append(f"\x00{len(values)}\x00")
                values.append(self._interpolation(child))
                pos = end
        pieces.append(raw[pos:body_end])
        body = "".join(pieces)
        if trim:
            body = _dedent(body)
        body = _unescape(body, quoted=False)
        parts: list[Value] = []
        for i, chunk in enumerate(body.split("\x00")):
            if i % 2 == 0:
                if chunk:
                    parts.append(chunk)
            else:
                parts.append(values[int(chunk)])
        return _join_template(parts, node) if parts else ""

    def _interpolation(self, node: Node) -> Value:
        if node.type == "template_directive":
            return Unknown(node_text(node))
        for child in node.children:
            if child.type == "expression":
                return self.eval(child)
        raise _FailError(node_text(node))

    # ------------------------------------------------------------------ collections

    def _collection(self, node: Node) -> Value:
        return self._node(node.child(0))

    def _tuple(self, node: Node) -> Value:
        if node.end_byte - node.start_byte <= _TEXT_PATH_MAX:
            text = node_text(node)
            if _PLAIN_TUPLE.fullmatch(text) is not None:  # ["a", "b"]: plain strings only
                return _PLAIN_STRING.findall(text)
        return [self._node(c) for c in node.children if c.type == "expression"]

    def _object(self, node: Node) -> Value:
        if node.end_byte - node.start_byte <= _TEXT_PATH_MAX:
            text = node_text(node)
            # a nested object (or a "{" in a string) is for the walk: no need to look further
            if text.count("{") == text.count("${") + 1:
                items = _plain_object_items(text)
                if items is not None:
                    return self._plain_object(items)
        return {self._object_key(key): self._node(val) for key, val in object_elems(node)}

    def _plain_object(self, items: list[re.Match[str]]) -> dict[str, Value]:
        """An object of plain items (see ``_plain_object_items``), evaluated in order as the
        node walk evaluates them: each value as its node would give it."""
        out: dict[str, Value] = {}
        for item in items:
            key, quoted_key, template, dotted, word, digits, strings = item.groups()
            value: Value
            if template is not None:
                value = (
                    template[1:-1]
                    if "$" not in template
                    else self._plain_template(template, template)
                )
            elif dotted is not None:
                value = self._dotted(dotted.split("."), dotted)
            elif word is not None:
                value = None if word == "null" else word == "true"
            elif digits is not None:
                number = float(digits)  # as ``_literal`` reads a number
                value = int(number) if number.is_integer() else number
            elif _PLAIN_TUPLE.fullmatch(strings) is not None:  # as ``_tuple`` reads it
                value = _PLAIN_STRING.findall(strings)
            else:
                value = [self._plain_elem(elem) for elem in _PLAIN_ELEM.finditer(strings)]
            out[key if key is not None else quoted_key] = value
        return out

    def _plain_elem(self, elem: re.Match[str]) -> Value:
        """A tuple element matched by ``_PLAIN_ELEM``, as its node would give it."""
        template, dotted = elem.groups()
        if template is None:
            return self._dotted(dotted.split("."), dotted)
        return template[1:-1] if "$" not in template else self._plain_template(template, template)

    def _object_key(self, node: Node) -> str:
        if node.end_byte - node.start_byte <= _TEXT_PATH_MAX:
            text = node_text(node)
            if _KEY_NAME.fullmatch(text) is not None and text != "null":
                return text  # a bare name (true and false read as their text too)
            plain = _PLAIN_STRING.fullmatch(text)
            if plain is not None:
                return plain.group(1)
        children = node.children
        if len(children) == 1 and children[0].type == "variable_expr":
            return node_text(children[0])
        key = self._node(node)
        if isinstance(key, Unknown):
            return key.placeholder()
        if isinstance(key, bool):
            return "true" if key else "false"
        if isinstance(key, str | int | float):
            return str(key)
        raise _FailError(node_text(node))

    def _for(self, node: Node) -> Value:
        inner = node.child(0)
        intro = next(c for c in inner.children if c.type == "for_intro")
        idents = [node_text(c) for c in intro.children if c.type == "identifier"]
        source = self._node(next(c for c in intro.children if c.type == "expression"))
        if isinstance(source, Unknown) or not isinstance(source, list | dict):
            return Unknown(node_text(node))
        exprs = [c for c in inner.children if c.type == "expression"]
        cond = next((c for c in inner.children if c.type == "for_cond"), None)
        grouped = any(c.type == "ellipsis" for c in inner.children)
        pairs = list(source.items()) if isinstance(source, dict) else list(enumerate(source))
        is_object = inner.type == "for_object_expr"
        out_list: list[Value] = []
        out_dict: dict[str, Value] = {}
        for key, item in pairs:
            self._tick()
            bound = {idents[0]: key, idents[1]: item} if len(idents) == 2 else {idents[0]: item}
            sub = self.with_bindings(bound)
            if cond is not None:
                keep = sub._node(next(c for c in cond.children if c.type == "expression"))
                if isinstance(keep, Unknown):
                    return Unknown(node_text(node))
                if not keep:
                    continue
            if is_object:
                k = sub._node(exprs[0])
                if isinstance(k, Unknown):
                    return Unknown(node_text(node))
                v = sub._node(exprs[1])
                if grouped:
                    out_dict.setdefault(str(k), []).append(v)
                else:
                    out_dict[str(k)] = v
            else:
                out_list.append(sub._node(exprs[0]))
        return out_dict if is_object else out_list

    # ------------------------------------------------------------------ operators

    def _conditional(self, node: Node) -> Value:
        parts = [c for c in node.children if c.type == "expression"]
        cond = self._node(parts[0])
        if isinstance(cond, Unknown):
            return Unknown(node_text(node))
        return self._node(parts[1] if cond else parts[2])

    def _operation(self, node: Node) -> Value:
        return self._node(node.child(0))

    def _unary(self, node: Node) -> Value:
        children = node.children
        op = node_text(children[0])
        value = self._sequence(children[1:], node)
        if isinstance(value, Unknown):
            return Unknown(node_text(node))
        if op == "!":
            return not value
        return -value

    def _binary(self, node: Node) -> Value:
        children = node.children
        split = next(
            i for i, c in enumerate(children) if i > 0 and not c.is_named and c.type in _BINARY_OPS
        )
        op = children[split].type
        left = self._sequence(children[:split], node)
        if op in ("&&", "||") and not isinstance(left, Unknown):
            if op == "&&" and not left:
                return False
            if op == "||" and left:
                return True
        right = self._sequence(children[split + 1 :], node)
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return Unknown(node_text(node))
        return _BINARY_OPS[op](left, right)

    # ------------------------------------------------------------------ functions

    def _call(self, node: Node) -> Value:
        children = node.children
        name = node_text(children[0])
        arg_nodes: list[Node] = []
        expand = False
        for child in children:
            if child.type == "function_arguments":
                arg_nodes = [c for c in child.children if c.type == "expression"]
                expand = any(c.type == "ellipsis" for c in child.children)
        if name in ("try", "can"):
            return self._try(name, arg_nodes)
        args = [self._node(a) for a in arg_nodes]
        if expand and args:
            last = args.pop()
            if isinstance(last, Unknown) or not isinstance(last, list):
                return Unknown(node_text(node))
            args.extend(last)
        if name in _FILE_FUNCS:
            return _check_size(_FILE_FUNCS[name](self, args, node))
        if name == "jsonencode":
            return _jsonencode(args[0])
        func = _FUNCS.get(name)
        if func is None or any(has_unknown(a) for a in args):
            return Unknown(node_text(node))
        return _check_size(func(*args))

    def _try(self, name: str, arg_nodes: list[Node]) -> Value:
        for arg in arg_nodes:
            value = self.eval(arg)
            if not isinstance(value, Unknown):
                return True if name == "can" else value
        return Unknown(node_text(arg_nodes[0])) if arg_nodes else None

    # ------------------------------------------------------------------ files

    def resolve_path(self, value: str) -> Path:
        """A path as Terraform reads it (relative to the working directory = the root module)."""
        path = Path(value)
        return path if path.is_absolute() else self.scope.root_dir / path

    def read_path(self, value: str) -> bytes:
        """``resolve_path(value).read_bytes()``. A plain relative POSIX path is joined as text:
        two ``Path`` objects per call cost more than the open (which mostly fails: archives
        are built by ``terraform apply``). A trailing "/" (which ``Path`` drops) or an
        absolute or empty path takes ``resolve_path``."""
        if os.sep == "/" and value and value[0] != "/" and value[-1] != "/":
            full = os.path.join(self.scope.root_dir, value)  # noqa: PTH118 - see above
            with open(full, "rb") as handle:  # noqa: PTH123 - see above
                return handle.read()
        return self.resolve_path(value).read_bytes()


def _attr_name(step: Node) -> str | None:
    if step.type != "get_attr":
        return None
    children = step.children  # "." then the identifier
    return node_text(children[-1]) if children else None


def _get_names(value: Value, names: list[str], start: int, expr: str) -> Value:
    """``_apply_steps`` for plain ``.name`` steps: ``names[start:]`` applied in turn."""
    for i in range(start, len(names)):
        if isinstance(value, Unknown):
            return Unknown(expr, value.address, value.attr)
        value = _get(value, names[i], expr)
    return value


def _get(value: Value, name: str, expr: str) -> Value:
    if isinstance(value, Lazy):  # a resource, data source or module: the most common step
        return value.get(name, expr)
    if isinstance(value, dict):
        if name in value:
            return value[name]
        raise _FailError(expr)
    raise _FailError(expr)


def _index(value: Value, key: Value, expr: str) -> Value:
    if isinstance(key, Unknown):
        address = getattr(value, "address", None)
        return Unknown(expr, address if isinstance(address, str) else None)
    if isinstance(value, list):
        return value[int(key)]
    if isinstance(value, dict):
        return value[key if isinstance(key, str) else str(key)]
    if isinstance(value, Lazy):
        return value.get(f"[{json.dumps(key)}]", expr)
    raise _FailError(expr)


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines)


def _join_template(parts: list[Value], node: Node | str) -> Value:
    """The template's value; ``node`` (or its text) names it in an ``Unknown``."""
    if len(parts) == 1 and not isinstance(parts[0], str):
        return parts[0]  # "${x}" keeps x's type, as in Terraform
    out: list[str] = []
    partial = False
    for part in parts:
        if type(part) is str:  # literal text and known strings: most parts
            out.append(part)
        elif isinstance(part, Unknown):
            out.append(part.placeholder())
            partial = True
        elif isinstance(part, Partial):
            out.append(part)
            partial = True
        elif isinstance(part, bool):
            out.append("true" if part else "false")
        elif isinstance(part, str | int | float):
            out.append(_num_str(part) if not isinstance(part, str) else part)
        elif part is None:
            continue
        else:
            return Unknown(node if isinstance(node, str) else node_text(node))
    text = _check_size("".join(out))
    return Partial(text) if partial else text


def _num_str(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def json_text(value: Value) -> str:
    """``jsonencode(value)``: compact JSON with ``${expr}`` placeholders, a ``Partial`` when
    some part is unknown (one walk both converts and notices)."""
    try:
        plain, unknown = _json_plain(value, None)
    except Exception:  # anything unusual: the general walk below decides, as it always did
        return _json_text_walk(value)
    text = _dumps(plain)
    return Partial(text) if unknown else text


#: ``json.dumps(value, separators=(",", ":"))``'s encoder, made once instead of per call
_JSON = json.JSONEncoder(separators=(",", ":"))


def _dumps(plain: Value) -> str:
    """``json.dumps(plain, separators=(",", ":"))`` (the same frames above the C encoder, so
    the same recursion bound)."""
    return _JSON.encode(plain)


class _OverCapError(Exception):
    """Internal: the fast walk found a value past the size cap (the general walks decide)."""


def _json_plain(value: Value, cap: int | None) -> tuple[Value, bool]:
    """The common case of ``_bounded_size`` then ``json_text`` in one walk: ``value`` with
    unknown parts as placeholders, and whether there were any, sized as ``_bounded_size``
    sizes it (shared parts counted where they appear) against ``cap`` (None: no cap).

    Only exact ``str``/``dict``/``list``/scalar types and ``Unknown``/``Partial`` are taken;
    anything else raises, and so does a value past ``cap``, so the caller falls back to the
    general walks. The walk nests its frames as ``json_text``'s does (a comprehension per
    collection), so it reaches Python's recursion bound no later than those walks would.
    """
    total = 0
    unknown = False

    def walk(item: Value) -> Value:
        nonlocal total, unknown
        kind = type(item)
        if kind is str:
            total += len(item) + 2
        elif kind is dict:
            total += 2 + len(item) + sum(len(key) for key in item)
            if cap is not None and total > cap:
                raise _OverCapError
            return {key: walk(child) for key, child in item.items()}
        elif kind is list:
            total += 2 + len(item)
            if cap is not None and total > cap:
                raise _OverCapError
            return [walk(child) for child in item]
        elif kind is Unknown:
            total += 8
            unknown = True
            item = item.placeholder()
        elif kind is Partial:
            total += len(item) + 2
            unknown = True
        elif kind is int or kind is float or kind is bool or item is None:
            total += 8
        else:
            raise _FailError("not plain JSON")
        if cap is not None and total > cap:
            raise _OverCapError
        return item

    plain = walk(value)
    return plain, unknown


def _json_text_walk(value: Value) -> str:
    """``json_text`` for any value: the general walk (subclasses, non-JSON parts, errors)."""
    unknown = False

    def plain(item: Value) -> Value:
        nonlocal unknown
        if isinstance(item, Unknown):
            unknown = True
            return item.placeholder()
        if isinstance(item, list):
            return [plain(v) for v in item]
        if isinstance(item, dict):
            return {k: plain(v) for k, v in item.items()}
        if isinstance(item, str | int | float | bool) or item is None:
            if isinstance(item, Partial):
                unknown = True
            return item
        raise _FailError("not JSON")

    text = json.dumps(plain(value), separators=(",", ":"))
    return Partial(text) if unknown else text


def _jsonencode(value: Value) -> Value:
    cap = limits.active().max_file_bytes
    try:
        plain, unknown = _json_plain(value, cap)
    except Exception:  # too large, not JSON, too deep: the general walks decide, as before
        if _bounded_size(value, cap) > cap:
            raise _FailError("value too large") from None
        return _json_text_walk(value)
    text = _dumps(plain)
    return Partial(text) if unknown else text


def _tostring(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _num_str(value)
    if isinstance(value, str):
        return value
    raise _FailError("tostring")


def _format(fmt: str, *args: Value) -> str:
    out: list[str] = []
    arg_iter = iter(args)
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        match = re.match(r"%([-+ 0#]*\d*(?:\.\d+)?)([sdqvftxXbeEgGo%])", fmt[i:])
        if match is None:
            raise _FailError("format")
        flags, verb = match.groups()
        if any(len(n) > 4 for n in re.findall(r"\d+", flags)):  # %099999999d: a huge pad
            raise _FailError("format width")
        i += match.end()
        if verb == "%":
            out.append("%")
            continue
        arg = next(arg_iter)
        if verb in ("s", "v"):
            out.append(("%" + flags + "s") % _tostring(arg))
        elif verb == "q":
            out.append(json.dumps(_tostring(arg)))
        elif verb == "t":
            out.append("true" if arg else "false")
        else:
            out.append(("%" + flags + verb) % (arg if verb not in "dxXbo" else int(arg)))
    return "".join(out)


def _lookup(mapping: Value, key: Value, *default: Value) -> Value:
    if isinstance(mapping, dict) and key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise _FailError("lookup")


def _merge(*maps: Value) -> Value:
    out: dict[str, Value] = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            raise _FailError("merge")
        out.update(m)
    return out


def _concat(*lists: Value) -> Value:
    out: list[Value] = []
    for item in lists:
        if not isinstance(item, list):
            raise _FailError("concat")
        out.extend(item)
    return out


def _flatten(value: Value) -> list[Value]:
    cap = _items_cap()
    if _bounded_size(value, cap) > cap:
        raise _FailError("flatten")
    out: list[Value] = []
    for item in value:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _distinct(value: Value) -> list[Value]:
    """First occurrences in order: hashed when every item is a scalar (linear, not quadratic)."""
    if all(isinstance(i, str | int | float | bool | type(None)) for i in value):
        return list(dict.fromkeys(value))
    out: list[Value] = []
    for item in value:
        if item not in out:
            out.append(item)
    return out


def _join(sep: Value, items: Value) -> str:
    texts = [_tostring(i) for i in items]
    if sum(map(len, texts)) + len(sep) * len(texts) > limits.active().max_file_bytes:
        raise _FailError("join")
    return str(sep).join(texts)


def _yamlencode(value: Value) -> str:
    cap = limits.active().max_file_bytes
    if _bounded_size(value, cap) > cap:
        raise _FailError("yamlencode")
    return json.dumps(value)


def _element(value: Value, index: Value) -> Value:
    return value[int(index) % len(value)]


def _coalesce(*values: Value) -> Value:
    for v in values:
        if v is not None and v != "":
            return v
    raise _FailError("coalesce")


def _length(value: Value) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise _FailError("length")


def _tonumber(value: Value) -> Value:
    if isinstance(value, bool):
        raise _FailError("tonumber")
    if isinstance(value, int | float):
        return value
    number = float(value)
    return int(number) if number.is_integer() and "." not in str(value) else number


def _tobool(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise _FailError("tobool")


def _range(*args: Value) -> list[int]:
    steps = range(*(int(a) for a in args))
    if len(steps) > _items_cap():
        raise _FailError("range")
    return list(steps)


def _regex_replace(text: str, old: str, new: str) -> str:
    cap = limits.active().max_file_bytes
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        if len(text) + (len(text) + 1) * len(new) > cap:
            raise _FailError("replace")  # every position could match
        return str(_re2(old[1:-1]).sub(re.sub(r"\$\{?(\d+)\}?", r"\\\1", new), text))
    if old and len(text) + text.count(old) * len(new) > cap:
        raise _FailError("replace")
    return text.replace(old, new)


@functools.lru_cache(maxsize=256)
def _re2(pattern: str) -> Any:
    """A compiled RE2 pattern (Terraform's regex syntax, matched in linear time).

    Errors are raised, not logged: RE2 would otherwise print them on the user's terminal.
    """
    import re2  # type: ignore[import-untyped]

    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


_FUNCS: dict[str, Callable[..., Value]] = {
    "merge": _merge,
    "concat": _concat,
    "format": _format,
    "lookup": _lookup,
    "jsondecode": json.loads,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tolist": list,
    "toset": _distinct,
    "tomap": dict,
    "length": _length,
    "upper": str.upper,
    "lower": str.lower,
    "title": str.title,
    "trimspace": str.strip,
    "trimprefix": lambda s, p: s[len(p) :] if s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[: -len(p)] if p and s.endswith(p) else s,
    "trim": lambda s, chars: s.strip(chars),
    "startswith": str.startswith,
    "endswith": str.endswith,
    "replace": _regex_replace,
    "join": _join,
    "split": lambda sep, s: s.split(sep),
    "substr": lambda s, off, n: s[int(off) :] if int(n) < 0 else s[int(off) : int(off) + int(n)],
    "element": _element,
    "coalesce": _coalesce,
    "coalescelist": lambda *ls: next(x for x in ls if x),
    "compact": lambda items: [i for i in items if i not in (None, "")],
    "flatten": _flatten,
    "distinct": _distinct,
    "keys": lambda m: sorted(m),
    "values": lambda m: [m[k] for k in sorted(m)],
    "contains": lambda items, v: v in items,
    "zipmap": lambda ks, vs: dict(zip(ks, vs, strict=True)),
    "range": _range,
    "min": min,
    "max": max,
    "abs": abs,
    "ceil": math.ceil,
    "floor": math.floor,
    "sort": lambda items: sorted(items),
    "reverse": lambda items: list(reversed(items)),
    "slice": lambda items, a, b: items[int(a) : int(b)],
    "one": lambda items: items[0] if items else None,
    "basename": posixpath.basename,
    "dirname": posixpath.dirname,
    "abspath": lambda p: p,
    "base64encode": lambda s: base64.b64encode(s.encode()).decode(),
    "base64decode": lambda s: base64.b64decode(s).decode(),
    "sha256": lambda s: hashlib.sha256(s.encode()).hexdigest(),
    "base64sha256": lambda s: base64.b64encode(hashlib.sha256(s.encode()).digest()).decode(),
    "md5": lambda s: hashlib.md5(s.encode(), usedforsecurity=False).hexdigest(),
    "urlencode": lambda s: __import__("urllib.parse").parse.quote(s, safe=""),
    "yamlencode": _yamlencode,
    "regex": lambda pattern, s: _regex(pattern, s),
    "regexall": lambda pattern, s: _regexall(pattern, s),
    "can_regex": lambda pattern, s: _re2(pattern).search(s) is not None,
}


def _regexall(pattern: str, text: str) -> list[Value]:
    compiled = _re2(pattern)
    out: list[Value] = []
    for match in compiled.finditer(text):
        if match.groupdict():
            out.append(match.groupdict())
        elif match.groups():
            out.append(list(match.groups()))
        else:
            out.append(match.group(0))
        if len(out) > _items_cap():
            raise _FailError("regexall")
    return out


def _regex(pattern: str, text: str) -> Value:
    match = _re2(pattern).search(text)
    if match is None:
        raise _FailError("regex")
    if match.groupdict():
        return match.groupdict()
    if match.groups():
        return list(match.groups())
    return match.group(0)


def _read_file(ev: Evaluator, args: list[Value], node: Node) -> bytes:
    if not args or not isinstance(args[0], str) or isinstance(args[0], Partial):
        raise _FailError(node_text(node))
    try:
        return read_bounded(ev.resolve_path(args[0]))
    except (OSError, limits.LimitError):
        raise _FailError(node_text(node)) from None


def _fn_file(ev: Evaluator, args: list[Value], node: Node) -> Value:
    return _read_file(ev, args, node).decode("utf-8")


def _fn_fileexists(ev: Evaluator, args: list[Value], node: Node) -> Value:
    if not args or not isinstance(args[0], str) or isinstance(args[0], Partial):
        return Unknown(node_text(node))
    return ev.resolve_path(args[0]).is_file()


def _fn_filebase64sha256(ev: Evaluator, args: list[Value], node: Node) -> Value:
    digest = hashlib.sha256(_read_file(ev, args, node)).digest()
    return base64.b64encode(digest).decode()


def _fn_filesha256(ev: Evaluator, args: list[Value], node: Node) -> Value:
    return hashlib.sha256(_read_file(ev, args, node)).hexdigest()


def _fn_filemd5(ev: Evaluator, args: list[Value], node: Node) -> Value:
    return hashlib.md5(_read_file(ev, args, node), usedforsecurity=False).hexdigest()


_TEMPLATE_VAR = re.compile(r"(?<!\$)\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


def _fn_templatefile(ev: Evaluator, args: list[Value], node: Node) -> Value:
    """Templates with plain ``${name}`` placeholders; directives make the result unknown."""
    text = _read_file(ev, args[:1], node).decode("utf-8")
    variables = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    if "%{" in text.replace("%%{", ""):
        return Unknown(node_text(node))
    unknown = False

    def repl(match: re.Match[str]) -> str:
        nonlocal unknown
        value = variables.get(match.group(1), Unknown(match.group(1)))
        if isinstance(value, (Unknown, Partial)):
            unknown = True
            return value.placeholder() if isinstance(value, Unknown) else str(value)
        return _tostring(value)

    body = _TEMPLATE_VAR.sub(repl, text)
    if "${" in body.replace("$${", "") and not unknown:
        return Unknown(node_text(node))  # expressions beyond plain names
    body = body.replace("$${", "${")
    return Partial(body) if unknown else body


_FILE_FUNCS: dict[str, Callable[[Evaluator, list[Value], Node], Value]] = {
    "file": _fn_file,
    "fileexists": _fn_fileexists,
    "filebase64sha256": _fn_filebase64sha256,
    "filesha256": _fn_filesha256,
    "filemd5": _fn_filemd5,
    "templatefile": _fn_templatefile,
}


def _eq(a: Value, b: Value) -> bool:
    return bool(a == b)


def _arith(op: Callable[[Value, Value], Value]) -> Callable[[Value, Value], Value]:
    """Terraform's arithmetic takes numbers only (Python's would repeat a string or list)."""

    def apply(a: Value, b: Value) -> Value:
        for operand in (a, b):
            if isinstance(operand, bool) or not isinstance(operand, int | float):
                raise _FailError("arithmetic on a non-number")
        return op(a, b)

    return apply


_BINARY_OPS: dict[str, Callable[[Value, Value], Value]] = {
    "==": _eq,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "+": _arith(lambda a, b: a + b),
    "-": _arith(lambda a, b: a - b),
    "*": _arith(lambda a, b: a * b),
    "/": _arith(lambda a, b: a / b),
    "%": _arith(lambda a, b: a % b),
    "&&": lambda a, b: bool(a and b),
    "||": lambda a, b: bool(a or b),
}

_HANDLERS: dict[str, Callable[[Evaluator, Node], Value]] = {
    "literal_value": Evaluator._literal,
    "string_lit": Evaluator._string_lit,
    "template_expr": Evaluator._template_expr,
    "collection_value": Evaluator._collection,
    "tuple": Evaluator._tuple,
    "object": Evaluator._object,
    "for_expr": Evaluator._for,
    "conditional": Evaluator._conditional,
    "operation": Evaluator._operation,
    "unary_operation": Evaluator._unary,
    "binary_operation": Evaluator._binary,
    "function_call": Evaluator._call,
    "variable_expr": lambda ev, node: ev._traversal([node], node),
}
