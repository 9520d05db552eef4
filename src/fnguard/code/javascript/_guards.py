"""Guards: conditions that make event data acceptable from a point on.

``if (!ALLOWED.includes(cmd)) return``, ``if (!/^[0-9]+$/.test(id)) throw``,
``const { error } = schema.validate(body); if (error) throw error``, ``x !== 'a'`` with an
exit: the subject is clean afterwards (or inside the branch the check passes). A check is an
allow-list lookup, a regular-expression test, an equality with a constant, a schema library
or a validation function by name; an authorisation check (``isAdmin(event)``) is not.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from fnguard.code.javascript import _sinks
from fnguard.code.javascript._nodes import (
    CONSTANT,
    INERT,
    node_text,
    path_text,
    string_content,
    unwrap,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from tree_sitter import Node

    from fnguard.code.javascript._frame import Frame

__all__ = ["Guards"]

_ERROR_NAMES = frozenset({"error", "err", "errors", "invalid", "isInvalid"})


class Guards:
    """Reads conditions; ``origin`` names what an expression resolves to (for schema calls)."""

    def __init__(self, origin: Callable[[Frame, Node], str]) -> None:
        self._origin = origin

    def record_check(self, frame: Frame, target: Node, value_node: Node) -> None:
        """``const ok = validate(body)``: ``ok`` answers whether ``body`` is acceptable."""
        call = unwrap(value_node)
        if call.type == "await_expression" and call.named_children:
            call = unwrap(call.named_children[0])
        subjects = self._check_subjects(frame, call)
        if not subjects:
            return
        if target.type == "identifier":
            frame.checks[node_text(target)] = subjects
        elif target.type == "object_pattern":
            for child in target.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    frame.checks[node_text(child)] = subjects
                elif child.type == "pair_pattern":
                    value = child.child_by_field_name("value")
                    if value is not None and value.type == "identifier":
                        frame.checks[node_text(value)] = subjects

    def _check_subjects(self, frame: Frame, call: Node) -> tuple[str, ...]:
        """The subjects a validating call checks, or () when it is not a check."""
        if call.type != "call_expression":
            return ()
        callee = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if callee is None or args is None:
            return ()
        name = node_text(callee).rsplit(".", 1)[-1]
        qual = self._origin(frame, callee) if callee.type != "member_expression" else ""
        if callee.type == "member_expression":
            obj = callee.child_by_field_name("object")
            base = self._origin(frame, obj) if obj is not None else ""
            qual = f"{base}.{name}" if base else ""
        if not _sinks.is_check_call(qual, name):
            return ()
        return tuple(p for a in args.named_children if (p := path_text(a)) is not None)

    def guard(self, frame: Frame, node: Node) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Subjects known acceptable when the condition is true, and when it is false."""
        node = unwrap(node)
        kind = node.type
        if kind == "unary_expression" and node_text(node.child_by_field_name("operator")) == "!":
            argument = node.child_by_field_name("argument")
            if argument is None:
                return (), ()
            when_true, when_false = self.guard(frame, argument)
            return when_false, when_true
        if kind == "binary_expression":
            return self._binary_guard(frame, node)
        if kind == "call_expression":
            return self._check_subjects(frame, node), ()
        if kind == "identifier":
            checked = frame.checks.get(node_text(node), ())
            return ((), checked) if node_text(node) in _ERROR_NAMES else (checked, ())
        if kind == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node_text(node.child_by_field_name("property"))
            checked = frame.checks.get(node_text(obj), ()) if obj is not None else ()
            if prop in _ERROR_NAMES:
                return (), checked
            if prop in ("success", "valid", "isValid", "ok"):
                return checked, ()
        return (), ()

    def _binary_guard(self, frame: Frame, node: Node) -> tuple[tuple[str, ...], tuple[str, ...]]:
        op = node_text(node.child_by_field_name("operator"))
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return (), ()
        if op == "&&":
            return self.guard(frame, left)[0] + self.guard(frame, right)[0], ()
        if op == "||":
            return (), self.guard(frame, left)[1] + self.guard(frame, right)[1]
        if op not in ("===", "==", "!==", "!="):
            return (), ()
        equal = op in ("===", "==")
        for this, other in ((left, right), (right, left)):
            other_text = node_text(other)
            if other_text in ("false", "true"):
                when_true, when_false = self.guard(frame, this)
                swap = (other_text == "false") == equal
                return (when_false, when_true) if swap else (when_true, when_false)
            if other_text == "-1" and unwrap(this).type == "call_expression":
                subjects = self._check_subjects_index_of(frame, unwrap(this))
                return ((), subjects) if equal else (subjects, ())
            if (other.type in CONSTANT and string_content(other) is not None) or (
                other.type in INERT
            ):
                path = path_text(this)
                if path is not None and unwrap(this).type != "unary_expression":
                    return ((path,), ()) if equal else ((), (path,))
        return (), ()

    def _check_subjects_index_of(self, frame: Frame, call: Node) -> tuple[str, ...]:
        callee = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if callee is None or args is None or not node_text(callee).endswith(".indexOf"):
            return ()
        return tuple(p for a in args.named_children if (p := path_text(a)) is not None)

    def clean(self, frame: Frame, subjects: tuple[str, ...]) -> None:
        for path in subjects:
            if "." in path:
                frame.clean_paths.add(path)
                continue
            found = frame.scope.lookup(path)
            if found is not None:
                frame.scope.names[path] = replace(found, flow=None)
