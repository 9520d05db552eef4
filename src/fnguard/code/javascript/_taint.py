"""The taint engine: walks the handler and the local functions it calls, abstractly.

Every expression evaluates to a ``Value``: which event data and which secrets it carries (each
with the steps that brought them), and what it is (a library function by qualified name, a
local function, an object with known properties). Statements update one flat scope per
function call; both branches of an ``if`` are walked and joined, loop bodies twice. A call to
a local function walks its body with the arguments bound, so flows cross files and come back
through returns; a callback given to a library call is walked with the receiver's data
(``items.map(x => ...)``). Guards that exit (``if (!ALLOWED.includes(x)) return``) clean
their subject for the rest of the function (see ``_guards``).
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from fnguard.code.javascript import _sinks
from fnguard.code.javascript._frame import Frame
from fnguard.code.javascript._guards import Guards
from fnguard.code.javascript._nodes import (
    FUNCTIONS,
    INERT,
    exits,
    is_raw,
    node_key,
    node_text,
    path_text,
    short,
    string_content,
    subject,
    unwrap,
)
from fnguard.code.javascript._values import (
    CLEAN,
    PLACEHOLDER,
    RAW,
    Flow,
    FuncRef,
    Module,
    Scope,
    Value,
    extend,
    is_secret_name,
    merge,
    stepped,
    union,
)
from fnguard.limits import active
from fnguard.model import CodeIssue, FlowStep, Location

if TYPE_CHECKING:
    from collections.abc import Callable

    from tree_sitter import Node

__all__ = ["Engine"]

# How deep local calls nest, and how many function bodies one handler may cost.
_MAX_DEPTH = 10
_MAX_WALKS = 5_000

_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "spread_element",
        "yield_expression",
    }
)
_PROMISIFY = frozenset({"util.promisify", "bluebird.promisify", "pify"})
_REGISTRARS = frozenset(
    {"@google-cloud/functions-framework.http", "@google-cloud/functions-framework.cloudEvent"}
)
_MAPPING = frozenset({"map", "flatMap", "then"})
_ROUTES = frozenset({"get", "post", "put", "patch", "delete", "all", "use", "options", "head"})
_GLOBAL_OBJECTS = frozenset({"globalThis", "global", "window", "self"})
_AWS_SECRET_ENV = frozenset({"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
# The same wording as the Python analyser's, so a finding reads alike in both languages.
_MESSAGES = {
    "INJ001": "event data reaches an operating-system command",
    "INJ002": "event data reaches code evaluation or unsafe deserialisation",
    "INJ003": "event data reaches query text",
    "INJ004": "event data reaches a file path",
    "INJ005": "event data decides where an outbound request goes",
}


# Text before event data that fixes where a URL goes: a scheme and host, or a clean value
# (a base URL from a constant or the environment), followed by a path separator; or a
# relative path (``/orders/...`` under a client's base URL).
_HOST_THEN_PATH = re.compile(
    rf"^(?:(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#{PLACEHOLDER}]+|{PLACEHOLDER}[^/?#]*)[/?#]|/(?!/))"
)


def _library_secret(origin: str) -> bool:
    """``aws-sdk.config.credentials``: a property of a library object named as a secret (not
    a call's result, whose fields are already judged by name)."""
    if not origin or origin.endswith("()") or "." not in origin:
        return False
    return is_secret_name(origin.rsplit(".", 1)[-1])


def _concat(parts: list[Value]) -> Value:
    """A string built from parts (a template, ``+``): its data, and how much of it is fixed."""
    if not parts:
        return CLEAN
    joined = union(parts)
    prefix = ""
    for part in parts:
        if part.flow is not None:
            fixed = bool(_HOST_THEN_PATH.match(prefix)) or (not prefix and part.fixed_host)
            return replace(joined, fixed_host=fixed)
        prefix += part.text if part.text is not None else PLACEHOLDER
    return replace(joined, text=prefix)


class Engine:
    """Taint analysis of one function's handler code (one instance per handler)."""

    def __init__(
        self,
        function: str,
        load: Callable[[Engine, str, str], Module | None],
        yaml_major: int | None,
    ) -> None:
        self._function = function
        self._load = load
        self._yaml_major = yaml_major
        self._issues: dict[tuple[str, Location, str], CodeIssue] = {}
        self._stack: list[tuple[str, int, int]] = []
        self._walks = 0
        self.walked: set[tuple[str, int, int]] = set()
        self._plain_results: dict[tuple[str, int, int], Value] = {}
        self._unvalidated: CodeIssue | None = None
        self._guards = Guards(lambda frame, node: self.eval(frame, node).origin)
        self.schema_validated = False
        # Why walking stopped early: "budget" (walks) or "time" (max-seconds-per-file).
        self.truncated: str | None = None
        self._deadline = time.monotonic() + active().max_seconds_per_file

    @property
    def issues(self) -> tuple[CodeIssue, ...]:
        return tuple(self._issues.values())

    # ----------------------------------------------------------------------- modules

    def run_module(self, module: Module) -> None:
        """Walk a file's top level: its bindings, its exports, what it logs at start-up."""
        frame = Frame(module, module.scope, 0, top=True)
        self._hoist(frame, module.root)
        deferred: list[Node] = []
        for statement in module.root.named_children:
            if (
                statement.type == "export_statement"
                and statement.child_by_field_name("source") is None
                and not statement.child_by_field_name("declaration")
            ):
                deferred.append(statement)
                continue
            self._statement(frame, statement)
        for statement in deferred:
            self._export(frame, statement)
        for name, getter in module.getters:  # bundlers' __export(target, { name: () => x })
            if name not in module.exports:
                self._set_export(frame, name, self.value(frame, getter), getter)

    def call_handler(self, func: FuncRef) -> None:
        """Walk the handler with the event as its first parameter."""
        self.call(func, [Value(flow=RAW)], None, func.name, 0)

    def walk_unreached(self, func: FuncRef) -> None:
        """Walk a function the handler never called (what it logs still reaches the log)."""
        if node_key(func.module, func.node) not in self.walked:
            self.call(func, [], None, func.name, 0)

    # ----------------------------------------------------------------------- calls

    def call(
        self,
        func: FuncRef,
        args: list[Value],
        caller: Location | None,
        name: str,
        depth: int,
        this: Value | None = None,
    ) -> Value:
        key = node_key(func.module, func.node)
        if self.truncated is None and self._walks >= _MAX_WALKS:
            self.truncated = "budget"
        if self.truncated is None and time.monotonic() > self._deadline:
            self.truncated = "time"
        if depth > _MAX_DEPTH or key in self._stack or self.truncated is not None:
            return union(args) if args else CLEAN
        # A top-level function called with no data is walked once: what it returns and
        # reports cannot differ (a nested one may close over variables tainted since).
        carries = func.closure.parent is not None or any(
            a.flow is not None or a.secret is not None for a in args
        )
        if not carries and key in self._plain_results:
            return self._plain_results[key]
        result = self._walk(func, key, args, caller, name, depth, this)
        if not carries:
            self._plain_results[key] = result
        if caller is not None:
            result = stepped(result, caller, f"returned from {name}()")
        return result

    def _walk(
        self,
        func: FuncRef,
        key: tuple[str, int, int],
        args: list[Value],
        caller: Location | None,
        name: str,
        depth: int,
        this: Value | None,
    ) -> Value:
        self._walks += 1
        self.walked.add(key)
        frame = Frame(func.module, Scope(func.closure), depth + 1)
        if this is not None and func.node.type == "method_definition":
            frame.scope.names["this"] = this
        self._bind_parameters(frame, func.node, args, caller, name)
        body = func.node.child_by_field_name("body")
        self._stack.append(key)
        try:
            if body is None:
                result = CLEAN
            elif body.type == "statement_block":
                self._block(frame, body)
                result = CLEAN
                for returned in frame.returns:
                    result = merge(result, returned) if result is not CLEAN else returned
            else:
                result = self.value(frame, body)
        finally:
            self._stack.pop()
        return result

    def _bind_parameters(
        self, frame: Frame, node: Node, args: list[Value], caller: Location | None, name: str
    ) -> None:
        params = node.child_by_field_name("parameters")
        single = node.child_by_field_name("parameter")
        patterns = [single] if single is not None else params.named_children if params else []
        patterns = [p for p in patterns if p.type != "comment"]
        for index, pattern in enumerate(patterns):
            target, default = pattern, None
            if pattern.type in ("required_parameter", "optional_parameter"):
                target = pattern.child_by_field_name("pattern") or pattern
                default = pattern.child_by_field_name("value")
            if target.type == "this":
                continue
            if target.type == "rest_pattern":
                value = union(args[index:]) if args[index:] else CLEAN
            else:
                value = args[index] if index < len(args) else CLEAN
            if default is not None:
                value = merge(value, self.value(frame, default))
            if caller is not None and (value.flow is not None or value.secret is not None):
                value = stepped(value, caller, f"passed to {name}() as {short(target)}")
            if target.type == "identifier":
                base = node_text(target)
            else:
                base = "event" if index == 0 else f"argument {index + 1}"
            self._bind_pattern(frame, target, value, "parameter", base)

    # ----------------------------------------------------------------------- statements

    def _hoist(self, frame: Frame, block: Node) -> None:
        for statement in block.named_children:
            node = statement
            if node.type == "export_statement":
                node = statement.child_by_field_name("declaration") or statement
            if node.type in ("function_declaration", "generator_function_declaration"):
                name = node_text(node.child_by_field_name("name"))
                frame.scope.names[name] = Value(func=FuncRef(node, frame.module, frame.scope, name))

    def _block(self, frame: Frame, block: Node) -> None:
        self._hoist(frame, block)
        for statement in block.named_children:
            self._statement(frame, statement)

    def _statement(self, frame: Frame, node: Node) -> None:
        kind = node.type
        if kind == "expression_statement":
            for child in node.named_children:
                self._expression_statement(frame, child)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                if declarator.type == "variable_declarator":
                    self._declarator(frame, declarator)
        elif kind == "return_statement":
            for child in node.named_children:
                frame.returns.append(self.value(frame, child))
        elif kind == "throw_statement":
            for child in node.named_children:
                self.value(frame, child)
        elif kind == "if_statement":
            self._if(frame, node)
        elif kind in ("for_statement", "for_in_statement", "while_statement", "do_statement"):
            self._loop(frame, node)
        elif kind == "statement_block":
            self._block(frame, node)
        elif kind == "try_statement":
            for part in ("body", "handler", "finalizer"):
                part_node = node.child_by_field_name(part)
                if part_node is None:
                    continue
                body = part_node.child_by_field_name("body") if part != "body" else part_node
                if body is not None:
                    self._block(frame, body)
        elif kind == "switch_statement":
            self._switch(frame, node)
        elif kind == "labeled_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                self._statement(frame, body)
        elif kind == "import_statement":
            self._import(frame, node)
        elif kind == "export_statement":
            self._export(frame, node)
        elif kind == "class_declaration":
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                frame.scope.names[node_text(name_node)] = self._class(frame, node)

    def _expression_statement(self, frame: Frame, node: Node) -> None:
        self.value(frame, node)
        # assert(ALLOWED.includes(x)) / assert.ok(valid): the subject is checked from here on.
        if node.type == "call_expression":
            callee = node_text(node.child_by_field_name("function"))
            args = node.child_by_field_name("arguments")
            if callee in ("assert", "assert.ok", "assert.strict", "console.assert") and args:
                first = args.named_children[0] if args.named_children else None
                if first is not None and callee != "console.assert":
                    when_true, _ = self._guards.guard(frame, first)
                    self._guards.clean(frame, when_true)

    def _declarator(self, frame: Frame, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        if name_node is None:
            return
        if value_node is None:
            value = CLEAN
        elif value_node.type == "identifier":  # an alias keeps the event unread
            value = self.eval(frame, value_node)
        else:
            value = self.value(frame, value_node)
        if value_node is not None and value_node.type in INERT:
            value = replace(value, inert=True)
        if value_node is not None:
            self._guards.record_check(frame, name_node, value_node)
        base = "" if name_node.type == "identifier" else short(value_node or name_node)
        self._bind_pattern(frame, name_node, value, "assigned to", base)

    def _if(self, frame: Frame, node: Node) -> None:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        when_true: tuple[str, ...] = ()
        when_false: tuple[str, ...] = ()
        if condition is not None:
            self.value(frame, condition)
            when_true, when_false = self._guards.guard(frame, condition)
        then_frame = frame.fork()
        self._guards.clean(then_frame, when_true)
        if consequence is not None:
            self._statement(then_frame, consequence)
        else_frame = frame.fork()
        self._guards.clean(else_frame, when_false)
        else_body = alternative.named_children[-1] if alternative is not None else None
        if else_body is not None:
            self._statement(else_frame, else_body)
        then_exits, else_exits = exits(consequence), exits(else_body)
        if then_exits and not else_exits:
            frame.adopt(else_frame)
        elif else_exits and not then_exits:
            frame.adopt(then_frame)
        else:
            frame.join(then_frame, else_frame)

    def _loop(self, frame: Frame, node: Node) -> None:
        before = frame.fork()
        kind = node.type
        if kind == "for_in_statement":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            items = self.value(frame, right) if right is not None else CLEAN
            if left is not None:
                self._bind_pattern(frame, left, items, "assigned to", short(right or left))
        elif kind == "for_statement":
            init = node.child_by_field_name("initializer")
            if init is not None and init.type.endswith(("declaration", "statement")):
                self._statement(frame, init)
            elif init is not None:
                self.value(frame, init)
        body = node.child_by_field_name("body")
        for _ in range(2):
            condition = node.child_by_field_name("condition")
            if condition is not None and condition.type != ";":
                self.value(frame, condition)
            if body is not None:
                self._statement(frame, body)
            increment = node.child_by_field_name("increment")
            if increment is not None:
                self.value(frame, increment)
        frame.join(before, frame.fork())

    def _switch(self, frame: Frame, node: Node) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.value(frame, value)
        body = node.child_by_field_name("body")
        branches = [frame.fork()]
        for case in body.named_children if body is not None else []:
            branch = frame.fork()
            for child in case.children_by_field_name("body"):
                self._statement(branch, child)
            branches.append(branch)
        frame.join(*branches)

    # ----------------------------------------------------------------------- guards

    # ----------------------------------------------------------------------- bindings

    def _bind_pattern(
        self, frame: Frame, pattern: Node, value: Value, note: str, base: str
    ) -> None:
        kind = pattern.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            self._bind_name(frame, pattern, node_text(pattern), value, note)
        elif kind == "object_pattern":
            for child in pattern.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    key = node_text(child)
                    part = self._part(frame, value, key, child, f"{base}.{key}")
                    self._bind_pattern(frame, child, part, note, f"{base}.{key}")
                elif child.type == "object_assignment_pattern":
                    left = child.child_by_field_name("left")
                    right = child.child_by_field_name("right")
                    if left is None:
                        continue
                    key = node_text(left)
                    part = self._part(frame, value, key, left, f"{base}.{key}")
                    if right is not None:
                        part = merge(part, self.value(frame, right))
                    self._bind_pattern(frame, left, part, note, f"{base}.{key}")
                elif child.type == "pair_pattern":
                    key_node = child.child_by_field_name("key")
                    target = child.child_by_field_name("value")
                    if key_node is None or target is None:
                        continue
                    key = string_content(key_node) or node_text(key_node)
                    part = self._part(frame, value, key, key_node, f"{base}.{key}")
                    self._bind_pattern(frame, target, part, note, f"{base}.{key}")
                elif child.type == "rest_pattern":
                    self._bind_pattern(frame, child, value, note, base)
        elif kind == "array_pattern":
            for index, child in enumerate(pattern.named_children):
                part = self._part(frame, value, None, child, f"{base}[{index}]")
                self._bind_pattern(frame, child, part, note, f"{base}[{index}]")
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = pattern.child_by_field_name("left")
            right = pattern.child_by_field_name("right")
            if right is not None:
                value = merge(value, self.value(frame, right))
            if left is not None:
                self._bind_pattern(frame, left, value, note, base)
        elif kind == "rest_pattern":
            for child in pattern.named_children:
                self._bind_pattern(frame, child, value, note, base)
        elif kind in ("member_expression", "subscript_expression"):
            self._assign_member(frame, pattern, value)

    def _part(self, frame: Frame, value: Value, key: str | None, node: Node, text: str) -> Value:
        """One destructured part: ``{ body } = event`` reads ``event.body``."""
        return self._seal(frame, self._member(frame, value, key, node, text), node, text)

    def _bind_name(self, frame: Frame, node: Node, name: str, value: Value, note: str) -> None:
        if is_raw(value.flow):  # an alias of the event itself
            frame.scope.names[name] = value
            return
        location = frame.location(node)
        step = f"{note} {name}"
        secret = extend(value.secret, location, step)
        if (
            secret is None
            and is_secret_name(name)
            and not value.inert
            and (not value.origin or value.origin.endswith("()"))
            and value.func is None
            and value.members is None
        ):
            secret = (FlowStep(location, step),)
        frame.scope.names[name] = replace(
            value, flow=extend(value.flow, location, step), secret=secret
        )

    def _assign(self, frame: Frame, target: Node, value: Value) -> None:
        target = unwrap(target)
        if target.type == "identifier":
            self._bind_name(frame, target, node_text(target), value, "assigned to")
        elif target.type in ("member_expression", "subscript_expression"):
            self._assign_member(frame, target, value)
        elif target.type in ("object_pattern", "array_pattern"):
            self._bind_pattern(frame, target, value, "assigned to", short(target))

    def _assign_member(self, frame: Frame, target: Node, value: Value) -> None:
        path = path_text(target) or ""
        obj = target.child_by_field_name("object")
        prop = target.child_by_field_name("property") or target.child_by_field_name("index")
        key = (string_content(prop) if prop is not None else None) or node_text(prop)
        if path.startswith(("exports.", "module.exports.")) and path.count(".") == (
            1 if path.startswith("exports.") else 2
        ):
            self._set_export(frame, key, value, target)
            return
        if path == "module.exports":
            if value.members is not None:
                frame.module.exports.update(value.members)
            self._set_export(frame, "default", value, target)
            return
        root = obj
        while root is not None and root.type in ("member_expression", "subscript_expression"):
            root = root.child_by_field_name("object")
        if root is None or root.type != "identifier":
            return
        name = node_text(root)
        seen = frame.scope.lookup(name)
        if seen is None or seen.origin:
            return
        value = self._seal(frame, value, target, short(target))
        location = frame.location(target)
        step = f"assigned to {short(target)}"
        members = seen.members
        if members is not None and obj is not None and obj.start_byte == root.start_byte:
            members = {**members, key: value}
        joined = union((seen, value))
        frame.scope.names[name] = replace(
            seen,
            flow=extend(joined.flow, location, step) if value.flow is not None else seen.flow,
            secret=extend(joined.secret, location, step) if value.secret else seen.secret,
            members=members,
            safe=joined.safe,
        )

    # ----------------------------------------------------------------------- imports, exports

    def _import(self, frame: Frame, node: Node) -> None:
        for part in node.named_children:
            if part.type == "import_require_clause":  # TypeScript: import cp = require('x')
                required = part.child_by_field_name("source")
                spec = string_content(required) if required is not None else None
                name = next((c for c in part.named_children if c.type == "identifier"), None)
                if spec is not None and name is not None:
                    loaded = self._load(self, frame.module.name, spec)
                    frame.scope.names[node_text(name)] = self._namespace_of(loaded, spec)
                return
        source = node.child_by_field_name("source")
        spec = string_content(source) if source is not None else None
        if spec is None:
            return
        loaded = self._load(self, frame.module.name, spec)
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None:
            return
        for child in clause.named_children:
            if child.type == "identifier":  # default import
                frame.scope.names[node_text(child)] = self._default_of(loaded, spec)
            elif child.type == "namespace_import":
                for name in child.named_children:
                    frame.scope.names[node_text(name)] = self._namespace_of(loaded, spec)
            elif child.type == "named_imports":
                for specifier in child.named_children:
                    if specifier.type != "import_specifier":
                        continue
                    imported = node_text(specifier.child_by_field_name("name"))
                    alias = specifier.child_by_field_name("alias")
                    local = node_text(alias) if alias is not None else imported
                    frame.scope.names[local] = self._export_of(loaded, spec, imported)

    def _namespace_of(self, loaded: Module | None, spec: str) -> Value:
        if loaded is not None:
            return Value(members=loaded.exports)
        return Value(origin=_sinks.module_name(spec))

    def _default_of(self, loaded: Module | None, spec: str) -> Value:
        if loaded is not None:
            return loaded.exports.get("default") or Value(members=loaded.exports)
        return Value(origin=_sinks.module_name(spec))

    def _export_of(self, loaded: Module | None, spec: str, name: str) -> Value:
        if loaded is not None:
            return loaded.exports.get(name, CLEAN)
        return Value(origin=f"{_sinks.module_name(spec)}.{name}")

    def _export(self, frame: Frame, node: Node) -> None:
        exports = frame.module.exports
        declaration = node.child_by_field_name("declaration")
        if declaration is not None:
            self._statement(frame, declaration)
            for name in self._declared_names(declaration):
                self._set_export(frame, name, frame.scope.lookup(name) or CLEAN, declaration)
            return
        value = node.child_by_field_name("value")
        if value is not None:
            self._set_export(frame, "default", self.value(frame, value), node)
            return
        source = node.child_by_field_name("source")
        spec = string_content(source) if source is not None else None
        loaded = self._load(self, frame.module.name, spec) if spec is not None else None
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is None and spec is None:
            # TypeScript's ``export = handler``: the module object itself.
            assigned = [c for c in node.named_children if c.type not in ("comment", "decorator")]
            if assigned:
                whole = self.value(frame, assigned[-1])
                if whole.members is not None:
                    exports.update(whole.members)
                self._set_export(frame, "default", whole, node)
            return
        if clause is None:
            if loaded is not None:  # export * from './x'
                exports.update({k: v for k, v in loaded.exports.items() if k != "default"})
            return
        for specifier in clause.named_children:
            if specifier.type != "export_specifier":
                continue
            name = node_text(specifier.child_by_field_name("name"))
            alias = specifier.child_by_field_name("alias")
            exported = node_text(alias) if alias is not None else name
            if spec is None:
                exports[exported] = frame.scope.lookup(name) or CLEAN
            else:
                exports[exported] = self._export_of(loaded, spec, name)

    @staticmethod
    def _set_export(frame: Frame, name: str, value: Value, node: Node) -> None:
        frame.module.exports[name] = value
        frame.module.export_lines[name] = node.start_point[0] + 1

    @staticmethod
    def _declared_names(declaration: Node) -> list[str]:
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            return [
                node_text(d.child_by_field_name("name"))
                for d in declaration.named_children
                if d.type == "variable_declarator"
                and (n := d.child_by_field_name("name")) is not None
                and n.type == "identifier"
            ]
        name = declaration.child_by_field_name("name")
        return [node_text(name)] if name is not None else []

    # ----------------------------------------------------------------------- expressions

    def value(self, frame: Frame, node: Node) -> Value:
        """The node's value, with the event read recorded if this is where it is first used."""
        return self._seal(frame, self.eval(frame, node), node)

    def _seal(self, frame: Frame, value: Value, node: Node, text: str | None = None) -> Value:
        if is_raw(value.flow):
            shown = short(node) if text is None else text
            return replace(value, flow=(FlowStep(frame.location(node), f"{shown} read"),))
        return value

    def eval(self, frame: Frame, node: Node) -> Value:
        kind = node.type
        if kind == "identifier":
            return self._identifier(frame, node)
        if kind in ("member_expression", "subscript_expression"):
            return self._member_expression(frame, node)
        if kind == "call_expression":
            return self._call(frame, node, is_new=False)
        if kind == "new_expression":
            return self._call(frame, node, is_new=True)
        if kind in _WRAPPERS:  # the event is read by the expression inside
            children = node.named_children
            return self.value(frame, children[0]) if children else CLEAN
        if kind == "type_assertion":
            children = node.named_children
            return self.value(frame, children[-1]) if children else CLEAN
        if kind == "template_string":
            parts = [
                self.value(frame, c.named_children[0])
                if c.type == "template_substitution" and c.named_children
                else Value(text=node_text(c))
                for c in node.named_children
                if c.type in ("template_substitution", "string_fragment", "escape_sequence")
            ]
            return _concat(parts)
        if kind in INERT:
            return Value(inert=True)
        if kind == "string":
            return Value(text=string_content(node))
        if kind == "regex":
            return CLEAN
        if kind == "binary_expression":
            return self._binary(frame, node)
        if kind == "unary_expression":
            argument = node.child_by_field_name("argument")
            if argument is not None:
                self.value(frame, argument)
            return Value(inert=True)
        if kind == "update_expression":
            return Value(inert=True)
        if kind == "ternary_expression":
            condition = node.child_by_field_name("condition")
            if condition is not None:
                self.value(frame, condition)
            branches = [
                self.value(frame, n)
                for n in (
                    node.child_by_field_name("consequence"),
                    node.child_by_field_name("alternative"),
                )
                if n is not None
            ]
            return merge(branches[0], branches[-1]) if branches else CLEAN
        if kind == "assignment_expression":
            right = node.child_by_field_name("right")
            left = node.child_by_field_name("left")
            value = self.value(frame, right) if right is not None else CLEAN
            if right is not None and right.type in INERT:
                value = replace(value, inert=True)
            if left is not None:
                self._assign(frame, left, value)
            return value
        if kind == "augmented_assignment_expression":
            right = node.child_by_field_name("right")
            left = node.child_by_field_name("left")
            parts = [self.value(frame, n) for n in (left, right) if n is not None]
            value = union(parts)
            if left is not None:
                self._assign(frame, left, value)
            return value
        if kind == "sequence_expression":
            result = CLEAN
            for child in node.named_children:
                result = self.value(frame, child)
            return result
        if kind == "object":
            return self._object(frame, node)
        if kind == "array":
            parts = [self.value(frame, c) for c in node.named_children if c.type != "comment"]
            return union(parts) if parts else CLEAN
        if kind == "this":
            return frame.scope.lookup("this") or CLEAN
        if kind == "class":
            return self._class(frame, node)
        if kind in FUNCTIONS:
            name_node = node.child_by_field_name("name")
            return Value(
                func=FuncRef(node, frame.module, frame.scope, node_text(name_node) or "<anonymous>")
            )
        return CLEAN

    def _class(self, frame: Frame, node: Node) -> Value:
        """A local class: its methods and function-valued fields, by name."""
        members: dict[str, Value] = {}
        body = node.child_by_field_name("body")
        owner = node_text(node.child_by_field_name("name")) or "<class>"
        # Methods see ``this`` as an instance with these members, even when called unbound.
        scope = Scope(frame.scope, {"this": Value(members=members)})
        for child in body.named_children if body is not None else []:
            if child.type == "method_definition":
                name = node_text(child.child_by_field_name("name"))
                func = FuncRef(child, frame.module, scope, f"{owner}.{name}")
                members[name] = Value(func=func)
            elif child.type in ("field_definition", "public_field_definition"):
                key = child.child_by_field_name("property") or child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                if key is not None and value is not None:
                    members[node_text(key)] = self.value(frame, value)
        return Value(members=members)

    def _identifier(self, frame: Frame, node: Node) -> Value:
        name = node_text(node)
        if name == "undefined":
            return Value(inert=True)
        found = frame.scope.lookup(name)
        if found is not None:
            return found
        return Value(origin=name)

    def _member_expression(self, frame: Frame, node: Node) -> Value:
        obj_node = node.child_by_field_name("object")
        obj = self.eval(frame, obj_node) if obj_node is not None else CLEAN
        if node.type == "member_expression":
            prop_node = node.child_by_field_name("property")
            key: str | None = node_text(prop_node)
        else:
            index = node.child_by_field_name("index")
            key = string_content(index) if index is not None else None
            if key is None and index is not None:
                self.value(frame, index)
        path = path_text(node) if frame.clean_paths else None
        if path is not None and any(
            path == c or path.startswith(c + ".") for c in frame.clean_paths
        ):
            return replace(self._member(frame, obj, key, node), flow=None)
        return self._member(frame, obj, key, node)

    def _member(
        self, frame: Frame, obj: Value, key: str | None, node: Node, text: str | None = None
    ) -> Value:
        """``obj.key`` (``key`` None: an element or a computed property)."""
        if obj.members is not None and key is not None and key in obj.members:
            return obj.members[key]
        location = frame.location(node)
        if obj.origin == "process.env" and key is None:
            return Value(origin="process.env[]")  # which variable is unknown: not a secret
        if obj.origin and key is not None:
            if obj.origin in _GLOBAL_OBJECTS:
                return Value(origin=key)
            if key == "default" or (key == "promises" and "." not in obj.origin):
                return obj
            origin = f"{obj.origin}.{key}"
            if origin == "process.env":
                return Value(origin=origin, secret=(FlowStep(location, "process.env read"),))
            if obj.origin == "process.env":
                named = key in _AWS_SECRET_ENV or is_secret_name(key)
                steps = (FlowStep(location, f"{text or short(node)} read"),) if named else None
                return Value(origin=origin, secret=steps)
            # A call's result is data: its secret-named fields are secrets (out.Credentials).
            named = obj.origin.endswith("()") and is_secret_name(key)
            found = (FlowStep(location, f"{text or short(node)} read"),) if named else None
            return replace(obj, origin=origin, members=None, func=None, secret=found)
        secret: Flow | None = None
        if key is None or key.isdigit():  # an element of a secret is secret (token.split()[1])
            secret = obj.secret
        elif is_secret_name(key):
            secret = (FlowStep(location, f"{text or short(node)} read"),)
        return Value(flow=obj.flow, secret=secret, safe=obj.safe, inert=False)

    def _binary(self, frame: Frame, node: Node) -> Value:
        op = node_text(node.child_by_field_name("operator"))
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        values = [self.value(frame, n) for n in (left, right) if n is not None]
        if op == "+":
            return _concat(values)
        if op in ("&&", "||", "??") and values:
            return merge(values[0], values[-1])
        return Value(inert=True)

    def _object(self, frame: Frame, node: Node) -> Value:
        """An object literal: its known members, and its data as what the members hold (a
        later ``password: 'XXXXX'`` replaces the spread-in password)."""
        members: dict[str, Value] = {}
        opaque: list[Value] = []  # computed keys and spreads of unknown shape
        for child in node.named_children:
            if child.type == "pair":
                key_node = child.child_by_field_name("key")
                value_node = child.child_by_field_name("value")
                if value_node is None:
                    continue
                value = self.value(frame, value_node)
                if key_node is not None and key_node.type != "computed_property_name":
                    members[string_content(key_node) or node_text(key_node)] = value
                else:
                    opaque.append(value)
            elif child.type == "shorthand_property_identifier":
                value = self._seal(frame, self._identifier(frame, child), child, node_text(child))
                members[node_text(child)] = value
            elif child.type == "spread_element":
                value = self.value(frame, child)
                if value.members is None:
                    opaque.append(value)
                    continue
                members.update(value.members)
                held = union(list(value.members.values()))
                if (value.flow is not None and held.flow is None) or (
                    value.secret is not None and held.secret is None
                ):
                    opaque.append(value)  # data beyond its known members
            elif child.type == "method_definition":
                name = node_text(child.child_by_field_name("name"))
                members[name] = Value(func=FuncRef(child, frame.module, frame.scope, name))
        parts = [*members.values(), *opaque]
        joined = union(parts) if parts else CLEAN
        return replace(joined, members=members, inert=False)

    # ----------------------------------------------------------------------- calls

    def _call(self, frame: Frame, node: Node, *, is_new: bool) -> Value:
        callee = node.child_by_field_name("constructor" if is_new else "function")
        args_node = node.child_by_field_name("arguments")
        if callee is None:
            return CLEAN
        receiver: Value | None = None
        receiver_text = ""
        method = ""
        if callee.type == "import":
            fn_value = Value(origin="import")
        elif callee.type == "member_expression":
            obj = callee.child_by_field_name("object")
            method = node_text(callee.child_by_field_name("property"))
            receiver = self.value(frame, obj) if obj is not None else CLEAN
            receiver_text = node_text(obj)
            fn_value = self._member(frame, receiver, method, callee)
        else:
            fn_value = self.eval(frame, callee)
        qual = fn_value.origin
        if args_node is None:
            args: list[Node] = []
        elif args_node.type == "template_string":
            args = [args_node]
        else:
            args = [a for a in args_node.named_children if a.type != "comment"]
        values = [Value(inert=True) if a.type in INERT else self.value(frame, a) for a in args]

        if qual in ("require", "import"):
            return self._require(frame, node, args, values)
        if frame.top and node_text(callee) == "__export" and len(args) == 2:
            self._bundled_exports(frame, args[1])
        if qual in _PROMISIFY:
            return values[0] if values else CLEAN

        site = _sinks.CallSite(
            qual=qual,
            method=method,
            receiver=receiver_text,
            args=args,
            values=values,
            evaluate=lambda n: self.value(frame, n),
            yaml_major=self._yaml_major,
            js_types=frame.module.js_types,
            is_new=is_new,
        )
        for hit in _sinks.sink_hits(site):
            if hit.value.flow is not None:
                self._report(frame, node, hit.rule, hit.sink, hit.value.flow)
                self._note_unvalidated(frame, node, hit.sink, hit.value.flow)
        if _sinks.is_validation(qual):
            self.schema_validated = True
        external = _sinks.external_call(site)
        if external is not None:
            used = next((v.flow for v in values if v.flow is not None and not v.inert), None)
            if used is not None:
                self._note_unvalidated(frame, node, external, used)
        written = _sinks.write_outside_tmp(site)
        if written is not None:
            self._write(frame, node, qual, *written)
        if _sinks.is_logger(qual, method, receiver_text):
            for arg, value in zip(args, values, strict=True):
                secret = value.secret
                if secret is None and _library_secret(value.origin):
                    # AWS.config.credentials: a library's secret-named property, logged.
                    secret = (FlowStep(frame.location(arg), f"{short(arg)} read"),)
                if secret is not None:
                    self._report(frame, node, "SEC004", qual or node_text(callee), secret)
                    break

        safe = _sinks.sanitised(qual)
        if safe == _sinks.ALL_RULES:
            return Value(inert=True)
        if fn_value.func is not None:
            caller = frame.location(node)
            name = short(callee)
            return self.call(fn_value.func, values, caller, name, frame.depth, receiver)
        if is_new and fn_value.members is not None and not fn_value.origin:
            return Value(members=fn_value.members)  # an instance of a local class
        if qual in _REGISTRARS and args and values[1:]:
            # functions.http('name', fn): Cloud Functions' entry point named by the call.
            entry = string_content(args[0])
            if entry is not None:
                self._set_export(frame, entry, values[1], node)
        parts = [*values, *([receiver] if receiver is not None else [])]
        result = union(parts) if parts else CLEAN
        returned = self._callbacks(frame, qual, values, receiver)
        if method in _MAPPING and values:
            # items.map(f): the callback's results, not the items.
            if returned:
                result = union(returned)
            elif _sinks.sanitised(values[0].origin) == _sinks.ALL_RULES:
                result = Value(inert=True)
        func = next((v.func for v in values if v.func is not None), None)
        if func is None and receiver is not None:
            func = receiver.func
        secret = None if _sinks.clears_secret(qual, node_text(callee)) else result.secret
        return Value(
            flow=result.flow,
            secret=secret,
            origin=f"{qual}()" if qual else "",
            func=func,
            safe=result.safe | safe,
        )

    @staticmethod
    def _bundled_exports(frame: Frame, table: Node) -> None:
        """esbuild's CommonJS output names each export with a getter, read once the module
        has run (``var handler = ...`` comes after the table)."""
        if table.type != "object":
            return
        for pair in table.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            getter = pair.child_by_field_name("value") if pair.type == "pair" else None
            body = getter.child_by_field_name("body") if getter is not None else None
            if (
                key is not None
                and body is not None
                and getter is not None
                and getter.type == "arrow_function"
                and body.type != "statement_block"
            ):
                frame.module.getters.append((string_content(key) or node_text(key), body))

    def _callbacks(
        self,
        frame: Frame,
        qual: str,
        values: list[Value],
        receiver: Value | None,
    ) -> list[Value]:
        """Walk functions handed to a library call (``items.map(x => ...)``, ``.then(...)``);
        what each returns."""
        data = receiver if receiver is not None and receiver.func is None else CLEAN
        if qual.startswith("express") and qual.rsplit(".", 1)[-1] in _ROUTES:
            data = Value(flow=RAW)  # an Express route's request is the event
        returned: list[Value] = []
        for value in values:
            if value.func is None or value.func.node.type not in FUNCTIONS:
                continue
            returned.append(self.call(value.func, [data, data], None, "", frame.depth))
        return returned

    def _require(self, frame: Frame, node: Node, args: list[Node], values: list[Value]) -> Value:
        spec = string_content(args[0]) if args else None
        if spec is None:
            if values and values[0].flow is not None:
                self._report(frame, node, "INJ002", "require(dynamic)", values[0].flow)
            return CLEAN
        loaded = self._load(self, frame.module.name, spec)
        if loaded is not None:
            return Value(members=loaded.exports)
        return Value(origin=_sinks.module_name(spec))

    def _note_unvalidated(self, frame: Frame, node: Node, sink: str, flow: Flow) -> None:
        if self._unvalidated is None:
            location = frame.location(node)
            steps = extend(flow, location, f"reaches {sink}") or ()
            message = f"event data is used without validation: {sink} (from {subject(steps)})"
            self._unvalidated = CodeIssue("INJ006", self._function, location, message, steps, sink)

    def unvalidated(self) -> CodeIssue | None:
        """INJ006: the first event data handed to a sink or an external call unvalidated,
        unless the code validates with a schema library anywhere."""
        return None if self.schema_validated else self._unvalidated

    def _write(self, frame: Frame, node: Node, sink: str, shown: str, where: str) -> None:
        location = frame.location(node)
        key = ("RUN002", location, sink)
        if key in self._issues:
            return
        message = (
            f"writes to {where} ({sink}): outside /tmp the Lambda file system is read-only, "
            "so this fails at run time"
        )
        steps = (FlowStep(location, f"writes {shown}"),)
        self._issues[key] = CodeIssue("RUN002", self._function, location, message, steps, sink)

    def _report(self, frame: Frame, node: Node, rule: str, sink: str, flow: Flow) -> None:
        location = frame.location(node)
        key = (rule, location, sink)
        if key in self._issues:
            return
        steps = extend(flow, location, f"reaches {sink}") or ()
        if rule == "SEC004":
            message = f"a secret is written to the logs: {subject(steps)} via {sink}"
        else:
            message = f"{_MESSAGES[rule]}: {sink} (from {subject(steps)})"
        self._issues[key] = CodeIssue(rule, self._function, location, message, steps, sink)
