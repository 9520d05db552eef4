"""The taint walk of one function's code: entry points, local calls, class state, results.

One ``Analysis`` per function under scan. It walks the handler with its first parameter
tainted, follows calls into local functions and methods (each call walked again with its
arguments' values: context-sensitive, bounded by depth and a walk budget), keeps class
attributes written through ``self`` in a store shared by all methods, and repeats the whole
walk while that store grows (at most ``PASSES`` times). Assignments replace a name's value
(``x = event[...]; x = "ls"`` leaves x clean); branches join; loops are walked twice.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from functools import reduce
from typing import TYPE_CHECKING

from fnguard.code.python._common import (
    BUDGET,
    CLEAN_ANNOTATIONS,
    MAX_DEPTH,
    MAX_STATEMENTS,
    MESSAGES,
    PASSES,
    ROUTE_DECORATORS,
    Callee,
    Flags,
    WorkExhausted,
    const_str,
    stepped,
)
from fnguard.code.python._frame import Frame
from fnguard.code.python._values import EMPTY, Label, Value, join, join_all
from fnguard.model import CodeIssue, FlowStep, Location

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from fnguard.code.python._program import FunctionNode, Module, Program

__all__ = ["Analysis"]


class Analysis:
    """Everything learnt about one function's code; ``issues()`` when the walk is done."""

    def __init__(
        self, program: Program, function: str, max_statements: int = MAX_STATEMENTS
    ) -> None:
        self.program = program
        self.function = function
        self.flags = Flags()
        self._issues: dict[tuple[str, Location], CodeIssue] = {}
        self._class_attrs: dict[tuple[str, str], Value] = {}
        self._classes: dict[str, tuple[Module, ast.ClassDef]] = {}
        self._defs: dict[str, Callee] = {}
        self._module_envs: dict[str, dict[str, Value]] = {}
        self._stack: list[int] = []
        self._memo: dict[tuple[object, ...], Value] = {}
        self._budget = BUDGET
        self._statements = 0
        self._max_statements = max_statements
        self.walked: set[int] = set()
        self._grew = False

    def tick(self) -> None:
        self._statements += 1
        if self._statements > self._max_statements:
            raise WorkExhausted

    # ---------------------------------------------------------------- entry points

    def run_handler(self, module: Module, node: FunctionNode, decorators: Sequence[str]) -> None:
        location = Location(module.file, node.lineno)
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        for name in decorators:
            self._decorator(name)
        for _ in range(PASSES):
            self._grew = False
            self._memo.clear()
            env: dict[str, Value] = {}
            if params:
                label = Label((FlowStep(location, f"{params[0]} parameter of {node.name}()"),))
                validated = self.flags.schema_validated
                env[params[0]] = Value(replace(label, decoded=True, validated=validated))
            self._walk_function(module, node, None, env, 0)
            if not self._grew:
                break

    def run_routes(self, modules: Iterable[Module]) -> None:
        """Web-framework handlers (Flask, FastAPI, Powertools resolvers behind an adapter):
        every route function is an entry whose parameters come from the request."""
        for module in modules:
            for stmt in module.tree.body:
                nodes: list[tuple[FunctionNode, str | None]] = []
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    nodes.append((stmt, None))
                for fnode, cls in nodes:
                    if not any(self._is_route(d) for d in fnode.decorator_list):
                        continue
                    env: dict[str, Value] = {}
                    for arg in (*fnode.args.posonlyargs, *fnode.args.args, *fnode.args.kwonlyargs):
                        env[arg.arg] = self._route_param(module, fnode, arg)
                    self._walk_function(module, fnode, cls, env, 0)

    def run_rest(self, modules: Iterable[Module]) -> None:
        """Functions the handler never reached, walked without taint: secrets in logs, writes
        outside /tmp and TLS settings are wrong wherever they are."""
        for module in modules:
            self.module_env(module)
            for stmt in module.tree.body:
                targets: list[tuple[FunctionNode, str | None]] = []
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    targets.append((stmt, None))
                elif isinstance(stmt, ast.ClassDef):
                    key = self._class_key(module, stmt)
                    targets.extend(
                        (m, key)
                        for m in stmt.body
                        if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
                    )
                for fnode, cls in targets:
                    if id(fnode) in self.walked:
                        continue
                    env: dict[str, Value] = {}
                    args = fnode.args.args
                    if cls is not None and args and not self._is_static(fnode):
                        env[args[0].arg] = Value(ref=f"inst:{cls}")
                    self._walk_function(module, fnode, cls, env, 0)

    def _is_static(self, fnode: FunctionNode) -> bool:
        return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fnode.decorator_list)

    def _is_route(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return isinstance(target, ast.Attribute) and target.attr in ROUTE_DECORATORS

    def _route_param(self, module: Module, fnode: FunctionNode, arg: ast.arg) -> Value:
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        if annotation in CLEAN_ANNOTATIONS or annotation.startswith("Literal"):
            return EMPTY
        location = Location(module.file, fnode.lineno)
        label = Label((FlowStep(location, f"request parameter {arg.arg} of {fnode.name}()"),))
        if annotation in module.classes:
            label = replace(label, validated=True)
        return Value(label)

    def _decorator(self, qual: str) -> None:
        last = qual.rsplit(".", 1)[-1]
        if last in ("event_parser", "validator"):
            self.flags.schema_validated = True
        if "idempotent" in last:
            self.flags.guarded = True

    # ---------------------------------------------------------------- results

    def report(
        self, rule: str, location: Location, sink: str, steps: tuple[FlowStep, ...], message: str
    ) -> None:
        key = (rule, location)
        if key not in self._issues:
            self._issues[key] = CodeIssue(rule, self.function, location, message, steps, sink)

    def sink(
        self, rule: str, value: Value, location: Location, sink: str, detail: str = ""
    ) -> None:
        label = value.taint
        if label is None:
            return
        self.external_use(value, location, sink)
        if not label.reaches(rule):
            return
        steps = label.step(location, f"reaches {sink}").steps
        message = f"{MESSAGES[rule]}: {sink}"
        if detail:
            message = f"{message} ({detail})"
        self.report(rule, location, sink, steps, message)

    def external_use(self, value: Value, location: Location, what: str) -> None:
        label = value.taint
        if label is None or label.validated or self.flags.unvalidated is not None:
            return
        self.flags.unvalidated = (location, label, what)

    def issues(self) -> tuple[CodeIssue, ...]:
        found = list(self._issues.values())
        first = self.flags.unvalidated
        if first is not None and not self.flags.schema_validated:
            location, label, what = first
            steps = label.step(location, f"used in {what}").steps
            message = (
                f"{MESSAGES['INJ006']}: it reaches {what} with no schema validation, type "
                "check, allow-list or pattern check on the way"
            )
            found.append(CodeIssue("INJ006", self.function, location, message, steps, what))
        if self.flags.writes and not self.flags.guarded:
            steps = tuple(self.flags.writes)
            names = ", ".join(dict.fromkeys(s.note for s in steps))
            message = f"external writes without an idempotency guard: {names}"
            found.append(
                CodeIssue("RUN003", self.function, steps[0].location, message, steps, names)
            )
        for tmp in self.flags.tmp_writes:
            if self.flags.removes_unknown or tmp.path in self.flags.removed:
                continue
            steps = tmp.label.step(tmp.location, f"written to {tmp.path}").steps
            message = (
                f"a secret is written to {tmp.path} and never removed: it stays on the warm "
                "execution environment for the next invocations"
            )
            found.append(CodeIssue("RUN002", self.function, tmp.location, message, steps, tmp.path))
        return tuple(found)

    # ---------------------------------------------------------------- program model

    def _class_key(self, module: Module, node: ast.ClassDef) -> str:
        key = f"{module.name}:{node.name}"
        self._classes.setdefault(key, (module, node))
        return key

    def _def_key(self, module: Module, node: FunctionNode, cls: str | None) -> str:
        key = f"{module.name}:{cls or ''}:{node.name}:{node.lineno}"
        self._defs.setdefault(key, Callee(module, node, cls))
        return key

    def module_env(self, module: Module) -> dict[str, Value]:
        env = self._module_envs.get(module.name)
        if env is None:
            env = {}
            self._module_envs[module.name] = env
            frame = Frame(self, module, None, env, 0)
            frame.block(module.tree.body)
        return env

    def resolve(self, qual: str, depth: int = 0) -> Value:
        """A dotted name from an import: a local module, function, class or variable, or an
        external name kept as a reference."""
        found = self.program.split(qual) if depth < 10 else None
        if found is None:
            return Value(ref=qual)
        module, rest = found
        if not rest:
            return Value(ref=f"mod:{module.name}")
        first, _, more = rest.partition(".")
        value = self.member(module, first, depth)
        if more and value.ref and value.ref.startswith("mod:"):
            return self.resolve(f"{value.ref[4:]}.{more}", depth + 1)
        return value if not more else EMPTY

    def member(self, module: Module, name: str, depth: int = 0) -> Value:
        if name in module.functions:
            return Value(ref=f"def:{self._def_key(module, module.functions[name], None)}")
        if name in module.classes:
            return Value(ref=f"cls:{self._class_key(module, module.classes[name])}")
        env = self.module_env(module)
        if name in env:
            return env[name]
        if name in module.aliases:
            return self.resolve(module.aliases[name], depth + 1)
        return EMPTY

    def class_attr(self, cls: str, attr: str) -> Value | None:
        seen: set[str] = set()
        queue = [cls]
        while queue:
            key = queue.pop(0)
            if key in seen:
                continue
            seen.add(key)
            value = self._class_attrs.get((key, attr))
            if value is not None:
                return value
            queue.extend(self._bases(key))
        return None

    def set_class_attr(self, cls: str, attr: str, value: Value) -> None:
        old = self._class_attrs.get((cls, attr))
        new = value if old is None else join(old, value)
        if new != old:
            if (
                old is not None and (new.taint or new.secret) and not (old.taint or old.secret)
            ) or (old is None and (new.taint or new.secret)):
                self._grew = True
            self._class_attrs[(cls, attr)] = new

    def _bases(self, key: str) -> list[str]:
        entry = self._classes.get(key)
        if entry is None:
            return []
        module, node = entry
        frame = Frame(self, module, None, {}, 0)
        found: list[str] = []
        for base in node.bases:
            ref = frame.ev(base).ref or ""
            if ref.startswith("cls:"):
                found.append(ref[4:])
        return found

    def base_names(self, key: str) -> list[str]:
        entry = self._classes.get(key)
        return [ast.unparse(b) for b in entry[1].bases] if entry else []

    def method(self, cls: str, name: str) -> Callee | None:
        seen: set[str] = set()
        queue = [cls]
        while queue:
            key = queue.pop(0)
            if key in seen or key not in self._classes:
                continue
            seen.add(key)
            module, node = self._classes[key]
            for stmt in node.body:
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name:
                    return self._defs[self._def_key(module, stmt, key)]
            queue.extend(self._bases(key))
        return None

    def callee(self, ref: str) -> Callee | None:
        return self._defs.get(ref[4:]) if ref.startswith("def:") else None

    def register_local_def(self, module: Module, node: FunctionNode, cls: str | None) -> str:
        return f"def:{self._def_key(module, node, cls)}"

    def class_entry(self, ref: str) -> tuple[Module, ast.ClassDef] | None:
        return self._classes.get(ref[4:]) if ref.startswith("cls:") else None

    # ---------------------------------------------------------------- calls into local code

    def invoke(
        self,
        callee: Callee,
        args: list[Value],
        kwargs: dict[str, Value],
        call: Location,
        self_value: Value | None,
        depth: int,
    ) -> Value:
        node = callee.node
        params = [*node.args.posonlyargs, *node.args.args]
        env: dict[str, Value] = {}
        positional = list(args)
        if self_value is not None and params and not self._is_static(node):
            env[params[0].arg] = self_value
            params = params[1:]
        note = f"passed to {node.name}()"
        spread = kwargs.get("**")  # f(**mapping): any parameter may come from it
        for i, param in enumerate(params):
            value = positional[i] if i < len(positional) else kwargs.get(param.arg, spread)
            if value is None:
                defaults = node.args.defaults
                offset = i - (len(params) - len(defaults))
                value = (
                    Value(const=const_str(defaults[offset]))
                    if 0 <= offset < len(defaults)
                    else EMPTY
                )
            env[param.arg] = stepped(value, call, f"{note[:-1]}{param.arg})")
        for kw in node.args.kwonlyargs:
            env[kw.arg] = stepped(kwargs.get(kw.arg, spread or EMPTY), call, note)
        extra = positional[len(params) :]
        if node.args.vararg is not None:
            env[node.args.vararg.arg] = stepped(join_all(extra), call, note)
        if node.args.kwarg is not None:
            env[node.args.kwarg.arg] = stepped(join_all(list(kwargs.values())), call, note)
        key = (id(node), *(_shape(env[k]) for k in sorted(env)))
        if key in self._memo:
            return self._memo[key]
        if id(node) in self._stack or depth > MAX_DEPTH or self._budget <= 0:
            return join_all([*args, *kwargs.values()])
        result = self._walk_function(callee.module, node, callee.cls, env, depth + 1)
        if result.taint is not None:
            result = replace(result, taint=result.taint.step(call, f"returned from {node.name}()"))
        self._memo[key] = result
        return result

    def _walk_function(
        self, module: Module, node: FunctionNode, cls: str | None, env: dict[str, Value], depth: int
    ) -> Value:
        self.module_env(module)
        self.walked.add(id(node))
        self._budget -= 1
        self._stack.append(id(node))
        try:
            frame = Frame(self, module, cls, env, depth)
            frame.block(node.body)
            return reduce(join, frame.returns) if frame.returns else EMPTY
        finally:
            self._stack.pop()


def _shape(value: Value) -> tuple[object, ...]:
    taint = value.taint
    secret = value.secret
    return (
        None if taint is None else (taint.clean_for, taint.validated, taint.decoded),
        secret is not None,
        value.const,
        value.prefix,
        value.ref,
    )
