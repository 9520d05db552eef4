"""Reading tree-sitter nodes: source text, constant strings, access paths, exits."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

    from fnguard.code.javascript._values import Flow, Module

__all__ = [
    "CONSTANT",
    "FUNCTIONS",
    "INERT",
    "exits",
    "is_raw",
    "node_key",
    "node_text",
    "path_text",
    "short",
    "string_content",
    "subject",
    "unwrap",
]

TEXT_WIDTH = 60
INERT = frozenset({"number", "true", "false", "null", "undefined"})
CONSTANT = frozenset({"string", "regex", "template_string", *INERT})
# Node types that are functions (declared, expressions, arrows, methods).
FUNCTIONS = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function",
        "generator_function",
        "function_declaration",
        "generator_function_declaration",
        "method_definition",
    }
)
EXITS = frozenset({"return_statement", "throw_statement", "continue_statement", "break_statement"})


def short(node: Node) -> str:
    """An expression's source text on one line, cut to a readable width."""
    text = " ".join((node.text or b"").decode("utf-8", "replace").split())
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 3] + "..."


def node_text(node: Node | None) -> str:
    return "" if node is None else (node.text or b"").decode("utf-8", "replace")


def string_content(node: Node) -> str | None:
    if node.type == "string":
        return node_text(node)[1:-1]
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.children
    ):
        return node_text(node)[1:-1]
    return None


def unwrap(node: Node) -> Node:
    while node.type in ("parenthesized_expression", "as_expression", "non_null_expression"):
        inner = node.named_children
        if not inner:
            break
        node = inner[0]
    return node


def path_text(node: Node) -> str | None:
    """``a.b.c`` for an identifier or a plain member chain (a guard's subject), else None."""
    node = unwrap(node)
    if node.type == "identifier":
        return node_text(node)
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        base = path_text(obj) if obj is not None else None
        return f"{base}.{node_text(prop)}" if base and prop is not None else None
    return None


def is_raw(flow: Flow | None) -> bool:
    return flow is not None and not flow


def node_key(module: Module, node: Node) -> tuple[str, int, int]:
    """A function's identity (tree-sitter hands out a new ``Node`` object per access)."""
    return (module.name, node.start_byte, node.end_byte)


def exits(node: Node | None) -> bool:
    """Whether a statement always leaves the enclosing block (return, throw, continue)."""
    if node is None:
        return False
    if node.type in EXITS:
        return True
    if node.type == "statement_block":
        return any(exits(child) for child in node.named_children)
    if node.type == "if_statement":
        alternative = node.child_by_field_name("alternative")
        body = alternative.named_children[-1] if alternative is not None else None
        return exits(node.child_by_field_name("consequence")) and exits(body)
    return False


def subject(flow: Flow) -> str:
    """What a flow starts from, for the message: ``event.body``, ``process.env``."""
    if not flow:
        return "the event"
    note = flow[0].note
    for prefix in ("assigned to ", "parameter "):
        if note.startswith(prefix):
            return note[len(prefix) :]
    return note.removesuffix(" read")
