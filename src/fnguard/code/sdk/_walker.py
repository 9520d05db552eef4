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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard import limits
from fnguard.code.sdk._program import Program, SourceModule, resolve_from
from fnguard.code.sdk._resources import (
    Param,
    Request,
    ResourceModel,
    boto3_available,
    service_resources,
)
from fnguard.code.sdk._services import service_info
from fnguard.code.sdk._table import Helper, action_table
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
    HelperVal,
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

__all__ = ["RawCall", "Walk", "walk_program"]

_MAX_DEPTH = 8  # nested local calls followed with their arguments
_MAX_CONTEXTS = 32  # argument combinations followed per function
_MAX_WALKS = 20_000  # function walks per program
_CREDENTIALS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_FIELD = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGo]")
_COLLECTION_CALLS = frozenset({"all", "filter", "limit", "page_size", "pages"})
_BOTO3 = "boto3"
_BOTOCORE = "botocore"

Any_Def = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class RawCall:
    """One API operation the code performs, with the request parameters as far as known."""

    file: str
    line: int
    service: str
    operation: str
    params: tuple[tuple[str, Value], ...] = ()
    foreign: bool = False  # made with credentials other than the execution role's
    region: str | None = None
    via: str = ""  # "paginator", "waiter", "resource Table.put_item", "upload_file"


@dataclass
class Walk:
    calls: list[RawCall] = field(default_factory=list)
    dynamic: list[str] = field(default_factory=list)  # "file:line: why"
    notes: list[str] = field(default_factory=list)


@dataclass
class _Scope:
    module: SourceModule
    names: dict[str, Value]
    function: FuncRef | None = None
    cls: ClassRef | None = None
    returns: list[Value] = field(default_factory=list)
    global_names: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Args:
    positional: tuple[Value, ...]
    keywords: tuple[tuple[str, Value], ...]
    open_kwargs: bool  # a ``**kwargs`` whose keys are unknown

    def get(self, index: int, name: str) -> Value | None:
        for key, value in self.keywords:
            if key == name:
                return value
        if 0 <= index < len(self.positional):
            return self.positional[index]
        return None

    def kw(self, name: str) -> Value | None:
        return next((v for k, v in self.keywords if k == name), None)


def _text(value: Value | None) -> str | None:
    return value.pattern if isinstance(value, Text) and value.known else None


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


class _Walker:
    def __init__(
        self,
        program: Program,
        environment: Mapping[str, str | None],
        event_values: Mapping[tuple[str, ...], str],
    ) -> None:
        self.program = program
        self.environment = environment
        self.event_values = event_values
        self.result = Walk()
        self.globals: dict[str, dict[str, Value]] = {}
        self.evaluating: set[str] = set()
        self.defs: dict[FuncRef, tuple[SourceModule, Any_Def]] = {}
        self.classes: dict[ClassRef, tuple[SourceModule, ast.ClassDef]] = {}
        self.class_attrs: dict[ClassRef, dict[str, Value]] = {}
        self.closures: dict[FuncRef, dict[str, Value]] = {}
        self.context_only: set[FuncRef] = set()
        self.memo: dict[tuple[FuncRef, bool, tuple[Value, ...]], Value] = {}
        self.stack: list[FuncRef] = []
        self.seen: set[RawCall] = set()
        self.recording = True
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
        scope = _Scope(module, names)
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
        scope = _Scope(module, dict(self.module_globals(module.name)), cls=cls)
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
        scope = _Scope(module, {me: Instance(cls)}, cls=cls)
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

    def record(self, call: RawCall) -> None:
        if self.recording and call not in self.seen:
            self.seen.add(call)
            self.result.calls.append(call)

    def dynamic(self, scope: _Scope, node: ast.AST, why: str) -> None:
        if self.recording:
            entry = f"{scope.module.file}:{getattr(node, 'lineno', 0)}: {why}"
            if entry not in self.result.dynamic:
                self.result.dynamic.append(entry)

    def note(self, scope: _Scope, node: ast.AST, text: str) -> None:
        if self.recording:
            entry = f"{scope.module.file}:{getattr(node, 'lineno', 0)}: {text}"
            if entry not in self.result.notes:
                self.result.notes.append(entry)

    # ------------------------------------------------------------------ statements

    def exec_block(self, body: list[ast.stmt], scope: _Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, stmt: ast.stmt, scope: _Scope) -> None:
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

    def _define(self, node: Any_Def, scope: _Scope) -> None:
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

    def bind(self, target: ast.expr, value: Value, scope: _Scope, source: ast.expr | None) -> None:
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

    def import_names(self, stmt: ast.Import | ast.ImportFrom, scope: _Scope) -> None:
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

    def lookup(self, name: str, scope: _Scope) -> Value:
        if name in scope.names:
            return scope.names[name]
        return self.module_globals(scope.module.name).get(name, UNKNOWN)

    def eval(self, node: ast.expr | None, scope: _Scope) -> Value:
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

    def _eval(self, node: ast.expr, scope: _Scope) -> Value:
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
                name = _text(self.eval(key, scope)) if key is not None else None
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
            inner = _Scope(scope.module, dict(scope.names), scope.function, scope.cls)
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
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, scope: _Scope
    ) -> Value:
        inner = _Scope(scope.module, dict(scope.names), scope.function, scope.cls)
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

    def _fstring(self, node: ast.JoinedStr, scope: _Scope) -> Value:
        parts: list[str] = []
        unset: list[str] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue):
                inner = self.eval(value.value, scope)
                parts.append(_text(inner) or "*")
                unset.extend(_unset(inner))
        return _glob("".join(parts), unset)

    def _binop(self, node: ast.BinOp, scope: _Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        if isinstance(node.op, ast.Add) and (isinstance(left, Text) or isinstance(right, Text)):
            joined = (_text(left) or "*") + (_text(right) or "*")
            return _glob(joined, [*_unset(left), *_unset(right)])
        if isinstance(node.op, ast.Mod) and isinstance(left, Text) and left.pattern is not None:
            return _glob(_PERCENT_FIELD.sub("*", left.pattern), _unset(right))
        return UNKNOWN

    def _subscript(self, node: ast.Subscript, scope: _Scope) -> Value:
        base = self.eval(node.value, scope)
        key = self.eval(node.slice, scope)
        if isinstance(base, Environ) and not base.is_os:
            return self.env_text(key, None, scope, node)
        if isinstance(base, Dict) and _text(key) is not None:
            return base.get(str(_text(key)))
        if isinstance(base, Event):
            index = isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)
            return self.event_part(base, "[]" if index else _text(key))
        return UNKNOWN

    def event_part(self, event: Event, key: str | None) -> Value:
        """A part of the event; known when the function's triggers say what it holds."""
        if key is None:
            return UNKNOWN
        path = (*event.path, key)
        known = self.event_values.get(path)
        return Text(known) if known is not None else Event(path)

    def env_text(self, key: Value, default: Value | None, scope: _Scope, node: ast.AST) -> Value:
        name = _text(key)
        if name is None or "*" in name:
            return Text(None)
        if name in self.environment:
            value = self.environment[name]
            return Text(value) if value is not None else Text(None, (name,))
        if isinstance(default, Text):
            return default
        return Text(None, (name,))

    def iterate(self, items: Value, scope: _Scope, node: ast.expr) -> Value:
        """The loop variable's value when iterating ``items``."""
        if isinstance(items, Event):
            return self.event_part(items, "[]")
        if isinstance(items, CollectionVal):
            model = _resource_model(items.parent)
            coll = model.collections.get(items.name) if model else None
            if coll is not None:
                self._record_collection(items, "all", _Args((), (), False), scope, node)
                return self._sub_resource(items.parent, coll.item.type, coll.item.identifiers, None)
        return UNKNOWN

    # ------------------------------------------------------------------ attributes

    def attribute(self, base: Value, name: str, scope: _Scope, node: ast.AST) -> Value:
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

    def _resource_attribute(self, res: Resource, name: str, scope: _Scope, node: ast.AST) -> Value:
        if name == "meta":
            return Meta(res)
        model = _resource_model(res)
        if model is None:
            return UNKNOWN
        if name in model.collections:
            return CollectionVal(res, name)
        ident = next((i for i in model.identifiers if _snake(i) == name), None)
        if ident is not None:
            return res.ident(ident)
        if name in model.actions or name in model.has or name in model.waiters:
            return Bound(res, name)
        models = service_resources(res.service)
        if not res.type and models is not None and name in models.types:
            return Bound(res, name)
        if name in ("load", "reload") or (service_helper(res, name) is not None):
            return Bound(res, name)
        info = service_info(res.service)
        if (
            model.load is not None
            and model.shape
            and info
            and name in info.shape_members(model.shape)
        ):
            self._record_request(res, model.load, _Args((), (), False), scope, node, "load")
        return UNKNOWN

    # ------------------------------------------------------------------ calls

    def _args(self, node: ast.Call, scope: _Scope) -> _Args:
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
        return _Args(tuple(positional), tuple(keywords), open_kwargs)

    def call(self, node: ast.Call, scope: _Scope) -> Value:
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

    def _getattr(self, args: _Args, scope: _Scope, node: ast.Call) -> Value:
        target = args.positional[0]
        name = _text(args.positional[1]) if len(args.positional) > 1 else None
        sdk = isinstance(target, Client | Resource | Session | Meta | CollectionVal | Boto3)
        if not sdk:
            return UNKNOWN
        if name is None:
            self.dynamic(scope, node, "getattr() on an SDK object with a computed name")
            return UNKNOWN
        return self.attribute(target, name, scope, node)

    def _boto3_factory(
        self, kind: str, session: Session, args: _Args, scope: _Scope, node: ast.AST
    ) -> Value:
        foreign = session.foreign or any(args.kw(k) is not None for k in _CREDENTIALS)
        region = _text(args.kw("region_name")) or session.region
        if kind == "Session":
            # Session(aws_access_key_id, aws_secret_access_key, aws_session_token, region_name)
            foreign = foreign or any(args.get(i, k) is not None for i, k in enumerate(_CREDENTIALS))
            return Session(foreign, _text(args.get(3, "region_name")) or region)
        raw = args.get(0, "service_name")
        service = _text(raw)
        if service is None:
            self.dynamic(
                scope, node, f"boto3 {kind}() with a service name the analysis cannot read"
            )
            return UNKNOWN
        if service_info(service) is None:
            self.note(scope, node, f"{service!r} is not an AWS service botocore knows")
            return UNKNOWN
        if kind == "client":
            return Client(service, foreign, region)
        if not boto3_available():
            self.dynamic(
                scope,
                node,
                f"boto3.resource({service!r}): boto3 is not installed here, "
                "so its resource model cannot be read",
            )
            return UNKNOWN
        if service_resources(service) is None:
            self.note(scope, node, f"boto3 has no resource model for {service!r}")
            return UNKNOWN
        return Resource(service, "", (), foreign, region)

    def _call_bound(self, func: Bound, args: _Args, scope: _Scope, node: ast.Call) -> Value:
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
            return self.event_part(obj, _text(args.get(0, "key")))
        elif isinstance(obj, Environ) and name == "get":
            return self.env_text(args.get(0, "key") or UNKNOWN, args.get(1, "default"), scope, node)
        elif isinstance(obj, Text) and name == "format" and obj.pattern is not None:
            return _glob(_FORMAT_FIELD.sub("*", obj.pattern), obj.unset)
        elif isinstance(obj, Instance):
            method = FuncRef(obj.cls.module, f"{obj.cls.qualname}.{name}")
            return self.call_function(method, args, obj)
        return UNKNOWN

    def _client_call(
        self, client: Client, name: str, args: _Args, scope: _Scope, node: ast.Call
    ) -> Value:
        info = service_info(client.service)
        if info is None:
            return UNKNOWN
        if name in info.operations:
            self._record(client, info.operations[name], args.keywords, scope, node, "")
            return UNKNOWN
        if name in ("get_paginator", "get_waiter"):
            wanted = _text(
                args.get(0, "operation_name" if name == "get_paginator" else "waiter_name")
            )
            if wanted is None:
                self.dynamic(scope, node, f"{client.service}.{name}() with a computed name")
                return UNKNOWN
            if name == "get_paginator":
                op = info.operations.get(wanted)
                return Paginator(client, op) if op else UNKNOWN
            waiter = next((o for w, o in info.waiters.items() if _snake(w) == wanted), None)
            return Waiter(client, waiter) if waiter else UNKNOWN
        if name == "generate_presigned_url":
            method = _text(args.get(0, "ClientMethod"))
            if method is None or method not in info.operations:
                self.dynamic(
                    scope, node, "generate_presigned_url() for a method the analysis cannot read"
                )
                return Text(None)
            params = args.get(1, "Params")
            keywords = params.items if isinstance(params, Dict) else ()
            self._record(client, info.operations[method], keywords, scope, node, "presigned URL")
            return Text(None)
        helper = action_table().helpers.get((client.service, "client", name))
        if helper is not None:
            keywords = _positional_params(helper.params, args)
            for op in helper.operations:
                self._record(client, op, keywords, scope, node, name)
            return UNKNOWN
        if name not in ("close", "can_paginate", "meta", "exceptions"):
            self.note(
                scope, node, f"{client.service}.{name}() is not an operation of {client.service}"
            )
        return UNKNOWN

    def _resource_call(
        self, res: Resource, name: str, args: _Args, scope: _Scope, node: ast.Call
    ) -> Value:
        model = _resource_model(res)
        if model is None:
            return UNKNOWN
        if name in model.actions:
            self._record_request(res, model.actions[name], args, scope, node, name)
            return UNKNOWN
        if name in model.has:
            sub = model.has[name]
            return self._sub_resource(res, sub.type, sub.identifiers, args)
        models = service_resources(res.service)
        if not res.type and models is not None and name in models.types:
            # boto3 offers every resource type on the service resource: s3.Object(b, k).
            inputs = tuple(Param(i, "input") for i in models.types[name].identifiers)
            return self._sub_resource(res, name, inputs, args)
        if name in model.waiters:
            req = model.waiters[name]
            info = service_info(res.service)
            op = info.waiters.get(req.operation) if info else None
            if op:
                self._record_request(res, Request(op, req.params), args, scope, node, "waiter")
            return UNKNOWN
        if name in ("load", "reload") and model.load is not None:
            self._record_request(res, model.load, args, scope, node, name)
            return UNKNOWN
        helper = service_helper(res, name)
        if helper is not None:
            ids = _identifier_params(res, model)
            keywords = ids + _positional_params(helper.params, args)
            client = Client(res.service, res.foreign, res.region)
            for op in helper.operations:
                self._record(client, op, keywords, scope, node, name)
            return HelperVal(res, helper.operations)
        return UNKNOWN

    def _sub_resource(
        self, parent: Resource, type_name: str, identifiers: tuple[Param, ...], args: _Args | None
    ) -> Resource:
        ids: list[tuple[str, Text]] = []
        position = 0
        for param in identifiers:
            if param.source == "identifier":
                value: Value = parent.ident(param.name)
            elif param.source == "input" and args is not None:
                value = args.get(position, _snake(param.target)) or UNKNOWN
                position += 1
            else:
                value = UNKNOWN
            ids.append((param.target, value if isinstance(value, Text) else Text(None)))
        return Resource(parent.service, type_name, tuple(ids), parent.foreign, parent.region)

    def _record_collection(
        self, coll: CollectionVal, name: str, args: _Args, scope: _Scope, node: ast.AST
    ) -> Value:
        model = _resource_model(coll.parent)
        spec = model.collections.get(coll.name) if model else None
        if spec is None or model is None:
            return UNKNOWN
        if name in _COLLECTION_CALLS:
            self._record_request(
                coll.parent, spec.request, args, scope, node, f"{coll.name}.{name}"
            )
            return coll
        item = _resource_model(Resource(coll.parent.service, spec.item.type))
        if item is not None and name in item.batch_actions:
            self._record_request(coll.parent, spec.request, args, scope, node, f"{coll.name}")
            batch = item.batch_actions[name]
            member = self._sub_resource(coll.parent, spec.item.type, spec.item.identifiers, None)
            self._record_request(
                member, batch, _Args((), (), False), scope, node, f"{coll.name}.{name}"
            )
        return UNKNOWN

    def _record_request(
        self, res: Resource, request: Request, args: _Args, scope: _Scope, node: ast.AST, via: str
    ) -> None:
        keywords: list[tuple[str, Value]] = []
        for param in request.params:
            if "." in param.target or "[" in param.target:
                continue
            if param.source == "identifier":
                keywords.append((param.target, res.ident(param.name)))
            elif param.source in ("string", "integer", "boolean"):
                keywords.append((param.target, Text(param.name)))
        keywords.extend(args.keywords)
        label = f"resource {res.type or res.service}.{via}"
        self._record(
            Client(res.service, res.foreign, res.region),
            request.operation,
            tuple(keywords),
            scope,
            node,
            label,
        )

    def _record(
        self,
        client: Client,
        operation: str,
        keywords: tuple[tuple[str, Value], ...] | list[tuple[str, Value]],
        scope: _Scope,
        node: ast.AST,
        via: str,
    ) -> None:
        params = tuple((k, v) for k, v in keywords if isinstance(v, Text | Dict))
        self.record(
            RawCall(
                scope.module.file,
                getattr(node, "lineno", 0),
                client.service,
                operation,
                params,
                client.foreign,
                client.region,
                via,
            )
        )

    # ------------------------------------------------------------------ local functions

    def call_function(self, ref: FuncRef, args: _Args, self_value: Value | None) -> Value:
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
                self.dynamic(_Scope(module, {}), found[1], why)
            else:
                self.note(
                    _Scope(module, {}),
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

    def run_function(self, ref: FuncRef, args: _Args | None, self_value: Value | None) -> Value:
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
        scope = _Scope(module, names, function=ref, cls=cls)
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
        return walker.eval(
            defaults[index], _Scope(module, dict(walker.module_globals(module.name)))
        )
    return UNKNOWN


def _is_static(node: Any_Def) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


def _positional_params(names: tuple[str, ...], args: _Args) -> tuple[tuple[str, Value], ...]:
    out = [(name, args.get(index, name)) for index, name in enumerate(names)]
    return tuple((k, v) for k, v in out if v is not None)


def _identifier_params(res: Resource, model: ResourceModel) -> tuple[tuple[str, Value], ...]:
    """The request parameters a resource's identifiers fill (from its load request)."""
    if model.load is None:
        return ()
    return tuple(
        (p.target, res.ident(p.name)) for p in model.load.params if p.source == "identifier"
    )


def service_helper(res: Resource, name: str) -> Helper | None:
    return action_table().helpers.get((res.service, res.type, name))


def _resource_model(res: Resource) -> ResourceModel | None:
    models = service_resources(res.service)
    return models.types.get(res.type) if models else None


def _snake(name: str) -> str:
    from botocore import xform_name

    return str(xform_name(name))


def _unset(value: Value) -> tuple[str, ...]:
    return value.unset if isinstance(value, Text) else ()


def _glob(pattern: str, unset: list[str] | tuple[str, ...] = ()) -> Text:
    collapsed = re.sub(r"\*+", "*", pattern)
    return Text(collapsed if collapsed.strip("*") else None, tuple(dict.fromkeys(unset)))


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
