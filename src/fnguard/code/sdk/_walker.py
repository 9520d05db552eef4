"""Follow boto3 clients and resources through the handler's code and record each API call.

A small abstract interpreter over ``ast``: statements run in order, the last assignment to a
name wins, branches are all taken. Values are tracked through module globals, class
attributes (``self.s3 = boto3.client("s3")``), function arguments and return values (a
local function is analysed again for each call whose arguments it can tell apart). What it
cannot resolve (``getattr(client, name)``, a service name from a variable) is recorded as
dynamic use, so nobody concludes from its silence that a permission is unused.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from fnguard import limits
from fnguard.code.sdk._frames import Args, Scope, Walk, glob, text_of, unset
from fnguard.code.sdk._program import Program, SourceModule, resolve_from
from fnguard.code.sdk._sdk import SdkSemantics, resource_model
from fnguard.code.sdk._values import (
    UNKNOWN,
    Boto3,
    Bound,
    ClassRef,
    Client,
    CollectionVal,
    Dict,
    Environ,
    Event,
    FuncRef,
    Instance,
    Meta,
    ModuleRef,
    Paginator,
    Resource,
    Session,
    Text,
    Value,
    Waiter,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["walk_program"]

_MAX_DEPTH = 8  # nested local calls followed with their arguments
_MAX_CONTEXTS = 32  # argument combinations followed per function
_MAX_WALKS = 20_000  # function walks per program
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_FIELD = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGo]")
_BOTO3 = "boto3"
_BOTOCORE = "botocore"

Any_Def = ast.FunctionDef | ast.AsyncFunctionDef


def _definitions(tree: ast.Module) -> list[tuple[str, Any_Def | ast.ClassDef]]:
    """Every function, method and class with its qualified name (nested ones included)."""
    found: list[tuple[str, Any_Def | ast.ClassDef]] = []
    pending: list[tuple[ast.AST, str]] = [(tree, "")]
    while pending:
        node, prefix = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                found.append((name, child))
                pending.append((child, f"{name}."))
            elif isinstance(child, ast.stmt | ast.ExceptHandler | ast.match_case):
                pending.append((child, prefix))
    return found


class _Walker(SdkSemantics):
    def __init__(
        self,
        program: Program,
        environment: Mapping[str, str | None],
        event_values: Mapping[tuple[str, ...], str],
    ) -> None:
        super().__init__()
        self.program = program
        self.environment = environment
        self.event_values = event_values
        self.globals: dict[str, dict[str, Value]] = {}
        self.evaluating: set[str] = set()
        self.defs: dict[FuncRef, tuple[SourceModule, Any_Def]] = {}
        self.classes: dict[ClassRef, tuple[SourceModule, ast.ClassDef]] = {}
        self.class_attrs: dict[ClassRef, dict[str, Value]] = {}
        self.closures: dict[FuncRef, dict[str, Value]] = {}
        self.context_only: set[FuncRef] = set()
        self.memo: dict[tuple[FuncRef, bool, tuple[Value, ...]], Value] = {}
        self.stack: list[FuncRef] = []
        self.qualnames: dict[int, str] = {}
        self.walked: set[FuncRef] = set()
        self.contexts: dict[FuncRef, int] = {}
        self.walks = 0
        self.depth = 0
        # Statement and expression recursion share Python's stack; stay well inside it.
        self.max_depth = min(limits.active().max_nesting_depth, 200)
        self._index()

    # ------------------------------------------------------------------ indexing

    def _index(self) -> None:
        called: set[str] = set()
        referenced: set[str] = set()
        for module in self.program.modules.values():
            for qualname, definition in _definitions(module.tree):
                self.qualnames[id(definition)] = qualname
                if isinstance(definition, ast.ClassDef):
                    self.classes[ClassRef(module.name, qualname)] = (module, definition)
                else:
                    self.defs[FuncRef(module.name, qualname)] = (module, definition)
            callees: set[int] = set()
            for node in ast.walk(module.tree):  # breadth first: a Call before its func
                if isinstance(node, ast.Call):
                    callees.add(id(node.func))
                elif isinstance(node, ast.Name | ast.Attribute):
                    target = called if id(node) in callees else referenced
                    target.add(_callee_name(node))
        for ref, (module, fn) in self.defs.items():
            short = ref.qualname.rsplit(".", 1)[-1]
            entry = module.name == self.program.handler_module and (
                ref.qualname == self.program.handler_function
            )
            plain = not entry and not fn.decorator_list and not short.startswith("__")
            if plain and short in called and short not in referenced:
                self.context_only.add(ref)

    # ------------------------------------------------------------------ globals

    def module_globals(self, name: str) -> dict[str, Value]:
        found = self.globals.get(name)
        if found is not None:
            return found
        names: dict[str, Value] = {}
        self.globals[name] = names
        module = self.program.modules.get(name)
        if module is None or name in self.evaluating:
            return names
        self.evaluating.add(name)
        scope = Scope(module, names)
        self.exec_block(module.tree.body, scope)
        return names

    def global_value(self, module: str, name: str) -> Value:
        if f"{module}.{name}" in self.program.modules:
            return ModuleRef(f"{module}.{name}")
        return self.module_globals(module).get(name, UNKNOWN)

    # ------------------------------------------------------------------ class attributes

    def attrs_of(self, cls: ClassRef) -> dict[str, Value]:
        found = self.class_attrs.get(cls)
        if found is not None:
            return found
        attrs: dict[str, Value] = {}
        self.class_attrs[cls] = attrs
        module, node = self.classes[cls]
        scope = Scope(module, dict(self.module_globals(module.name)), cls=cls)
        recording, self.recording = self.recording, False
        try:
            for stmt in node.body:
                if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
                    value = self.eval(stmt.value, scope)
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    for target in targets:
                        if isinstance(target, ast.Name):
                            attrs[target.id] = value
            for stmt in node.body:
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    self._self_assignments(module, stmt, cls, attrs)
        finally:
            self.recording = recording
        return attrs

    def _self_assignments(
        self, module: SourceModule, fn: Any_Def, cls: ClassRef, attrs: dict[str, Value]
    ) -> None:
        if not fn.args.args:
            return
        me = fn.args.args[0].arg
        scope = Scope(module, {me: Instance(cls)}, cls=cls)
        for stmt in ast.walk(fn):
            if not isinstance(stmt, ast.Assign):
                continue
            for target in stmt.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == me
                ):
                    value = self.eval(stmt.value, scope)
                    if value != UNKNOWN or target.attr not in attrs:
                        attrs[target.attr] = value

    # ------------------------------------------------------------------ recording

    # ------------------------------------------------------------------ statements

    def exec_block(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> None:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            self._define(stmt, scope)
        elif isinstance(stmt, ast.ClassDef):
            qual = self.qualnames.get(id(stmt))
            scope.names[stmt.name] = ClassRef(scope.module.name, qual) if qual else UNKNOWN
            for deco in stmt.decorator_list:
                self.eval(deco, scope)
        elif isinstance(stmt, ast.Assign):
            value = self.eval(stmt.value, scope)
            for target in stmt.targets:
                self.bind(target, value, scope, stmt.value)
        elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
            if stmt.value is not None:
                value = self.eval(stmt.value, scope)
                if isinstance(stmt, ast.AnnAssign):
                    self.bind(stmt.target, value, scope, stmt.value)
        elif isinstance(stmt, ast.Return):
            scope.returns.append(self.eval(stmt.value, scope) if stmt.value else UNKNOWN)
        elif isinstance(stmt, ast.For | ast.AsyncFor):
            items = self.eval(stmt.iter, scope)
            self.bind(stmt.target, self.iterate(items, scope, stmt.iter), scope, None)
            self.exec_block(stmt.body, scope)
            self.exec_block(stmt.orelse, scope)
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            for item in stmt.items:
                value = self.eval(item.context_expr, scope)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, value, scope, None)
            self.exec_block(stmt.body, scope)
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            self.import_names(stmt, scope)
        elif isinstance(stmt, ast.Global):
            scope.global_names.update(stmt.names)
        elif isinstance(stmt, ast.Expr):
            self.eval(stmt.value, scope)
        else:
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.expr):
                    self.eval(child, scope)
            for name in ("body", "orelse", "finalbody"):
                self.exec_block(getattr(stmt, name, []), scope)
            for handler in getattr(stmt, "handlers", []):
                self.exec_block(handler.body, scope)
            for case in getattr(stmt, "cases", []):
                self.exec_block(case.body, scope)

    def _define(self, node: Any_Def, scope: Scope) -> None:
        qual = self.qualnames.get(id(node))
        if qual is None:
            scope.names[node.name] = UNKNOWN
            return
        ref = FuncRef(scope.module.name, qual)
        scope.names[node.name] = ref
        for deco in node.decorator_list:
            self.eval(deco, scope)
        if scope.function is not None:
            self.closures[ref] = dict(scope.names)

    def bind(self, target: ast.expr, value: Value, scope: Scope, source: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            scope.names[target.id] = value
            if target.id in scope.global_names:
                self.module_globals(scope.module.name)[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            parts = source.elts if isinstance(source, ast.Tuple | ast.List) else None
            for index, element in enumerate(target.elts):
                if parts is not None and len(parts) == len(target.elts):
                    self.bind(element, self.eval(parts[index], scope), scope, None)
                else:
                    self.bind(element, UNKNOWN, scope, None)
        elif isinstance(target, ast.Attribute):
            self.eval(target.value, scope)
        elif isinstance(target, ast.Subscript):
            self.eval(target.value, scope)
            self.eval(target.slice, scope)

    def import_names(self, stmt: ast.Import | ast.ImportFrom, scope: Scope) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                top = alias.name.split(".")[0]
                full = alias.name if alias.asname else top
                scope.names[alias.asname or top] = self._module_value(full)
            return
        base = resolve_from(scope.module, stmt)
        if base is None:
            return
        for alias in stmt.names:
            if alias.name == "*":
                if base in self.program.modules:
                    for key, value in self.module_globals(base).items():
                        scope.names.setdefault(key, value)
                continue
            scope.names[alias.asname or alias.name] = self._from_value(base, alias.name)

    def _module_value(self, name: str) -> Value:
        if name in (_BOTO3, "boto3.session"):
            return Boto3()
        if name in (_BOTOCORE, "botocore.session"):
            return Boto3(botocore=True)
        if name == "os":
            return Environ(is_os=True)
        if name in self.program.modules:
            return ModuleRef(name)
        return UNKNOWN

    def _from_value(self, base: str, name: str) -> Value:
        if base in (_BOTO3, "boto3.session"):
            return {
                "client": FuncRef(_BOTO3, "client"),
                "resource": FuncRef(_BOTO3, "resource"),
            }.get(name, FuncRef(_BOTO3, "Session") if name == "Session" else UNKNOWN)
        if base == "botocore.session" and name in ("get_session", "Session"):
            return FuncRef(_BOTOCORE, "Session")
        if base == "os":
            if name == "environ":
                return Environ()
            return FuncRef("os", "getenv") if name == "getenv" else UNKNOWN
        if base in self.program.modules or f"{base}.{name}" in self.program.modules:
            return self.global_value(base, name)
        return UNKNOWN

    # ------------------------------------------------------------------ expressions

    def lookup(self, name: str, scope: Scope) -> Value:
        if name in scope.names:
            return scope.names[name]
        return self.module_globals(scope.module.name).get(name, UNKNOWN)

    def eval(self, node: ast.expr | None, scope: Scope) -> Value:
        if node is None:
            return UNKNOWN
        if self.depth >= self.max_depth:
            self.dynamic(scope, node, "expression nested too deeply to analyse")
            return UNKNOWN
        self.depth += 1
        try:
            return self._eval(node, scope)
        finally:
            self.depth -= 1

    def _eval(self, node: ast.expr, scope: Scope) -> Value:
        if isinstance(node, ast.Constant):
            return Text(node.value) if isinstance(node.value, str) else UNKNOWN
        if isinstance(node, ast.Name):
            return self.lookup(node.id, scope)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope)
        if isinstance(node, ast.BinOp):
            return self._binop(node, scope)
        if isinstance(node, ast.Dict):
            items: list[tuple[str, Value]] = []
            for key, item in zip(node.keys, node.values, strict=True):
                evaluated = self.eval(item, scope)
                name = text_of(self.eval(key, scope)) if key is not None else None
                if name is not None:
                    items.append((name, evaluated))
            return Dict(tuple(items))
        if isinstance(node, ast.Attribute):
            return self.attribute(self.eval(node.value, scope), node.attr, scope, node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, scope)
        if isinstance(node, ast.Call):
            return self.call(node, scope)
        if isinstance(node, ast.Lambda):
            inner = Scope(scope.module, dict(scope.names), scope.function, scope.cls)
            self.eval(node.body, inner)
            return UNKNOWN
        if isinstance(node, ast.IfExp):
            self.eval(node.test, scope)
            first = self.eval(node.body, scope)
            second = self.eval(node.orelse, scope)
            return first if first == second or second == UNKNOWN else second
        if isinstance(node, ast.BoolOp):
            values = [self.eval(v, scope) for v in node.values]
            known = [v for v in values if v != UNKNOWN and v != Text(None)]
            return known[0] if known else UNKNOWN
        if isinstance(node, ast.NamedExpr):
            value = self.eval(node.value, scope)
            self.bind(node.target, value, scope, None)
            return value
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            return self._comprehension(node, scope)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.eval(child, scope)
        return UNKNOWN

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, scope: Scope
    ) -> Value:
        inner = Scope(scope.module, dict(scope.names), scope.function, scope.cls)
        for gen in node.generators:
            items = self.eval(gen.iter, inner)
            self.bind(gen.target, self.iterate(items, inner, gen.iter), inner, None)
            for cond in gen.ifs:
                self.eval(cond, inner)
        if isinstance(node, ast.DictComp):
            self.eval(node.key, inner)
            self.eval(node.value, inner)
        else:
            self.eval(node.elt, inner)
        return UNKNOWN

    def _fstring(self, node: ast.JoinedStr, scope: Scope) -> Value:
        parts: list[str] = []
        unknown: list[str] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue):
                inner = self.eval(value.value, scope)
                parts.append(text_of(inner) or "*")
                unknown.extend(unset(inner))
        return glob("".join(parts), unknown)

    def _binop(self, node: ast.BinOp, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        if isinstance(node.op, ast.Add) and (isinstance(left, Text) or isinstance(right, Text)):
            joined = (text_of(left) or "*") + (text_of(right) or "*")
            return glob(joined, [*unset(left), *unset(right)])
        if isinstance(node.op, ast.Mod) and isinstance(left, Text) and left.pattern is not None:
            return glob(_PERCENT_FIELD.sub("*", left.pattern), unset(right))
        return UNKNOWN

    def _subscript(self, node: ast.Subscript, scope: Scope) -> Value:
        base = self.eval(node.value, scope)
        key = self.eval(node.slice, scope)
        if isinstance(base, Environ) and not base.is_os:
            return self.env_text(key, None, scope, node)
        if isinstance(base, Dict) and text_of(key) is not None:
            return base.get(str(text_of(key)))
        if isinstance(base, Event):
            index = isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)
            return self.event_part(base, "[]" if index else text_of(key))
        return UNKNOWN

    def event_part(self, event: Event, key: str | None) -> Value:
        """A part of the event; known when the function's triggers say what it holds."""
        if key is None:
            return UNKNOWN
        path = (*event.path, key)
        known = self.event_values.get(path)
        return Text(known) if known is not None else Event(path)

    def env_text(self, key: Value, default: Value | None, scope: Scope, node: ast.AST) -> Value:
        name = text_of(key)
        if name is None or "*" in name:
            return Text(None)
        if name in self.environment:
            value = self.environment[name]
            return Text(value) if value is not None else Text(None, (name,))
        if isinstance(default, Text):
            return default
        return Text(None, (name,))

    def iterate(self, items: Value, scope: Scope, node: ast.expr) -> Value:
        """The loop variable's value when iterating ``items``."""
        if isinstance(items, Event):
            return self.event_part(items, "[]")
        if isinstance(items, CollectionVal):
            model = resource_model(items.parent)
            coll = model.collections.get(items.name) if model else None
            if coll is not None:
                self._record_collection(items, "all", Args((), (), False), scope, node)
                return self._sub_resource(items.parent, coll.item.type, coll.item.identifiers, None)
        return UNKNOWN

    # ------------------------------------------------------------------ attributes

    def attribute(self, base: Value, name: str, scope: Scope, node: ast.AST) -> Value:
        if isinstance(base, ModuleRef):
            return self.global_value(base.name, name)
        if isinstance(base, Boto3) and base.botocore:
            if name in ("get_session", "Session"):
                return FuncRef(_BOTOCORE, "Session")
            return base if name == "session" else UNKNOWN
        if isinstance(base, Boto3):
            if name in ("client", "resource", "Session"):
                return FuncRef(_BOTO3, name)
            return Boto3() if name == "session" else UNKNOWN
        if isinstance(base, Environ):
            if base.is_os:
                if name == "environ":
                    return Environ()
                return FuncRef("os", "getenv") if name == "getenv" else UNKNOWN
            return Bound(base, name)
        if isinstance(base, Meta):
            return (
                Client(base.of.service, base.of.foreign, base.of.region)
                if name == "client"
                else UNKNOWN
            )
        if isinstance(base, Resource):
            return self._resource_attribute(base, name, scope, node)
        if isinstance(base, Instance):
            attrs = self.attrs_of(base.cls) if base.cls in self.classes else {}
            if name in attrs:
                return attrs[name]
            method = FuncRef(base.cls.module, f"{base.cls.qualname}.{name}")
            return Bound(base, name) if method in self.defs else UNKNOWN
        if isinstance(base, ClassRef):
            attrs = self.attrs_of(base) if base in self.classes else {}
            if name in attrs:
                return attrs[name]
            method = FuncRef(base.module, f"{base.qualname}.{name}")
            return method if method in self.defs else UNKNOWN
        if isinstance(base, Client | Session | Paginator | Waiter | CollectionVal | Text | Event):
            return Bound(base, name)
        return UNKNOWN

    # ------------------------------------------------------------------ calls

    def _args(self, node: ast.Call, scope: Scope) -> Args:
        positional: list[Value] = []
        keywords: list[tuple[str, Value]] = []
        open_kwargs = False
        for arg in node.args:
            value = self.eval(arg.value if isinstance(arg, ast.Starred) else arg, scope)
            positional.append(UNKNOWN if isinstance(arg, ast.Starred) else value)
        for kw in node.keywords:
            value = self.eval(kw.value, scope)
            if kw.arg is not None:
                keywords.append((kw.arg, value))
            elif isinstance(value, Dict):
                keywords.extend(value.items)
            else:
                open_kwargs = True
        return Args(tuple(positional), tuple(keywords), open_kwargs)

    def call(self, node: ast.Call, scope: Scope) -> Value:
        func = self.eval(node.func, scope)
        args = self._args(node, scope)
        if isinstance(func, Bound):
            return self._call_bound(func, args, scope, node)
        if isinstance(func, FuncRef):
            if func.module == _BOTO3:
                return self._boto3_factory(func.qualname, Session(), args, scope, node)
            if func.module == _BOTOCORE:
                return Session()
            if func.module == "os":
                return self.env_text(
                    args.get(0, "key") or UNKNOWN, args.get(1, "default"), scope, node
                )
            return self.call_function(func, args, None)
        if isinstance(func, ClassRef):
            instance = Instance(func)
            init = FuncRef(func.module, f"{func.qualname}.__init__")
            if init in self.defs:
                self.call_function(init, args, instance)
            return instance
        if isinstance(node.func, ast.Name) and node.func.id == "getattr" and args.positional:
            return self._getattr(args, scope, node)
        return UNKNOWN

    def _getattr(self, args: Args, scope: Scope, node: ast.Call) -> Value:
        target = args.positional[0]
        name = text_of(args.positional[1]) if len(args.positional) > 1 else None
        sdk = isinstance(target, Client | Resource | Session | Meta | CollectionVal | Boto3)
        if not sdk:
            return UNKNOWN
        if name is None:
            self.dynamic(scope, node, "getattr() on an SDK object with a computed name")
            return UNKNOWN
        return self.attribute(target, name, scope, node)

    def _call_bound(self, func: Bound, args: Args, scope: Scope, node: ast.Call) -> Value:
        obj, name = func.obj, func.name
        if isinstance(obj, Session):
            if name in ("client", "resource"):
                return self._boto3_factory(name, obj, args, scope, node)
            if name == "create_client":  # botocore
                return self._boto3_factory("client", obj, args, scope, node)
            return UNKNOWN
        if isinstance(obj, Client):
            return self._client_call(obj, name, args, scope, node)
        if isinstance(obj, Paginator) and name == "paginate":
            self._record(obj.client, obj.operation, args.keywords, scope, node, "paginator")
        elif isinstance(obj, Waiter) and name == "wait":
            self._record(obj.client, obj.operation, args.keywords, scope, node, "waiter")
        elif isinstance(obj, Resource):
            return self._resource_call(obj, name, args, scope, node)
        elif isinstance(obj, CollectionVal):
            return self._record_collection(obj, name, args, scope, node)
        elif isinstance(obj, Event) and name == "get":
            return self.event_part(obj, text_of(args.get(0, "key")))
        elif isinstance(obj, Environ) and name == "get":
            return self.env_text(args.get(0, "key") or UNKNOWN, args.get(1, "default"), scope, node)
        elif isinstance(obj, Text) and name == "format" and obj.pattern is not None:
            return glob(_FORMAT_FIELD.sub("*", obj.pattern), obj.unset)
        elif isinstance(obj, Instance):
            method = FuncRef(obj.cls.module, f"{obj.cls.qualname}.{name}")
            return self.call_function(method, args, obj)
        return UNKNOWN

    # ------------------------------------------------------------------ local functions

    def call_function(self, ref: FuncRef, args: Args, self_value: Value | None) -> Value:
        found = self.defs.get(ref)
        if found is None:
            return UNKNOWN
        values = (self_value or UNKNOWN, *args.positional, *(v for _, v in args.keywords))
        # Walks made while not recording (class attribute discovery) must not stand in for
        # recorded ones: the recording flag is part of the key.
        key = (ref, self.recording, values)
        if key in self.memo:
            return self.memo[key]
        if len(self.stack) >= _MAX_DEPTH or ref in self.stack:
            return UNKNOWN
        contexts = self.contexts.get(ref, 0)
        if contexts >= _MAX_CONTEXTS or self.walks >= _MAX_WALKS:
            # Its calls are recorded from the walks made so far; the arguments of this
            # call (hence some resources) are not followed any more.
            module = self.defs[ref][0]
            if self.walks >= _MAX_WALKS:
                why = f"analysis budget of {_MAX_WALKS} function walks reached"
                self.dynamic(Scope(module, {}), found[1], why)
            else:
                self.note(
                    Scope(module, {}),
                    found[1],
                    f"{ref.qualname}() called with more than {_MAX_CONTEXTS} different "
                    "arguments: resources of further calls are not followed",
                )
            return UNKNOWN
        self.contexts[ref] = contexts + 1
        self.memo[key] = UNKNOWN
        self.walked.add(ref)
        self.stack.append(ref)
        try:
            value = self.run_function(ref, args, self_value)
        finally:
            self.stack.pop()
        self.memo[key] = value
        return value

    def run_function(self, ref: FuncRef, args: Args | None, self_value: Value | None) -> Value:
        self.walks += 1
        module, node = self.defs[ref]
        names: dict[str, Value] = dict(self.closures.get(ref, {}))
        params = [*node.args.posonlyargs, *node.args.args]
        cls = self._class_of(ref)
        offset = 0
        if cls is not None and params and not _is_static(node):
            names[params[0].arg] = self_value if self_value is not None else Instance(cls)
            offset = 1
        for index, param in enumerate(params[offset:]):
            value = args.get(index, param.arg) if args is not None else None
            names[param.arg] = value if value is not None else _default(node, param, self, module)
        for param in node.args.kwonlyargs:
            value = args.kw(param.arg) if args is not None else None
            names[param.arg] = value if value is not None else UNKNOWN
        for extra in (node.args.vararg, node.args.kwarg):
            if extra is not None:
                names[extra.arg] = UNKNOWN
        entry = module.name == self.program.handler_module and (
            ref.qualname == self.program.handler_function
        )
        if entry and args is None and params:
            names[params[0].arg] = Event()
        scope = Scope(module, names, function=ref, cls=cls)
        self.exec_block(node.body, scope)
        known = {v for v in scope.returns if v != UNKNOWN}
        return known.pop() if len(known) == 1 else UNKNOWN

    def _class_of(self, ref: FuncRef) -> ClassRef | None:
        owner = ref.qualname.rpartition(".")[0]
        cls = ClassRef(ref.module, owner)
        return cls if owner and cls in self.classes else None

    def run(self) -> Walk:
        for name in self.program.modules:
            self.module_globals(name)
        for ref in list(self.defs):
            if ref not in self.context_only:
                self._contextless(ref)
        # Called only where the callee could not be resolved: analyse it on its own.
        for ref in list(self.defs):
            if ref in self.context_only and ref not in self.walked:
                self._contextless(ref)
        return self.result

    def _contextless(self, ref: FuncRef) -> None:
        self.walked.add(ref)
        self.stack.append(ref)
        try:
            self.run_function(ref, None, None)
        finally:
            self.stack.pop()


def _default(node: Any_Def, param: ast.arg, walker: _Walker, module: SourceModule) -> Value:
    """A parameter's default value when the call does not pass it (positional defaults)."""
    params = [*node.args.posonlyargs, *node.args.args]
    defaults = node.args.defaults
    index = params.index(param) - (len(params) - len(defaults))
    if 0 <= index < len(defaults):
        return walker.eval(defaults[index], Scope(module, dict(walker.module_globals(module.name))))
    return UNKNOWN


def _is_static(node: Any_Def) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


def _callee_name(node: ast.Name | ast.Attribute) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr


def walk_program(
    program: Program,
    environment: Mapping[str, str | None],
    event_values: Mapping[tuple[str, ...], str] | None = None,
) -> Walk:
    """Every SDK call the program makes, and what could not be resolved.

    ``event_values`` names parts of the handler's event the function's triggers fix (the
    bucket of an S3 notification).
    """
    walker = _Walker(program, environment, event_values or {})
    try:
        return walker.run()
    except RecursionError:
        # Statements nested deeper than the interpreter's stack (expressions are bounded
        # by ``max_depth``): what was found stands, the rest is unresolved.
        walker.result.dynamic.append(f"{program.handler_module}: code nested too deeply to analyse")
        return walker.result
