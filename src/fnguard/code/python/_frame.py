"""Statements: a function body walked in order, with branches joined and loops repeated."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from fnguard.code.python._calls import Calls
from fnguard.code.python._common import TERMINATORS
from fnguard.code.python._values import EMPTY, Value, join

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Frame"]

State = tuple[dict[str, Value], dict[str, tuple[frozenset[str], bool]]]


class Frame(Calls):
    """One walk of one function body (or a module's top level) with its own names."""

    # ---------------------------------------------------------------- statements

    def block(self, body: Sequence[ast.stmt]) -> bool:
        """Walk statements; True when the block always leaves (return, raise, ...)."""
        for stmt in body:
            self.stmt(stmt)
            if isinstance(stmt, TERMINATORS):
                return True
        return False

    def stmt(self, node: ast.stmt) -> None:
        self.an.tick()
        if isinstance(node, ast.Assign):
            value = self.ev(node.value)
            for target in node.targets:
                self.assign(target, value, node)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.ev(node.value), node)
        elif isinstance(node, ast.AugAssign):
            old = self.ev(node.target)
            new = self.binop(node.op, old, self.ev(node.value))
            self.assign(node.target, new, node)
        elif isinstance(node, ast.Expr):
            self.ev(node.value)
        elif isinstance(node, ast.Return):
            if node.value is not None:
                self.returns.append(self.ev(node.value))
        elif isinstance(node, ast.If):
            self.branch(node.test, node.body, node.orelse)
        elif isinstance(node, ast.For | ast.AsyncFor):
            items = self.ev(node.iter)
            element = Value(items.taint, items.secret)
            self.loop(node.body, node.orelse, lambda: self.assign(node.target, element, node))
        elif isinstance(node, ast.While):
            self.ev(node.test)
            self.loop(node.body, node.orelse, lambda: None)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                value = self.ev(item.context_expr)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, node)
            self.block(node.body)
        elif isinstance(node, ast.Try | ast.TryStar):
            self.block(node.body)
            for handler in node.handlers:
                if handler.name:
                    self.env[handler.name] = EMPTY
                self.block(handler.body)
            self.block(node.orelse)
            self.block(node.finalbody)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if self.depth or self.cls is not None or node.name not in self.module.functions:
                ref = self.an.register_local_def(self.module, node, None)
                self.env[node.name] = Value(ref=ref)
            for decorator in node.decorator_list:
                self.decorator(decorator)
        elif isinstance(node, ast.ClassDef):
            self.class_body(node)
        elif isinstance(node, ast.Match):
            self.ev(node.subject)
            self.join_branches([list(case.body) for case in node.cases], include_fallthrough=True)
        elif isinstance(node, ast.Raise):
            if node.exc is not None:
                self.ev(node.exc)
        elif isinstance(node, ast.Assert):
            for guard in self.guards(node.test):
                if guard.when:
                    self.clean[guard.expr] = (guard.rules, True)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.ev(target)

    def decorator(self, node: ast.expr) -> None:
        target = node.func if isinstance(node, ast.Call) else node
        qual = self.ev(target).ref or ""
        if isinstance(target, ast.Attribute):
            qual = qual or target.attr
        self.an._decorator(qual)
        if isinstance(node, ast.Call):
            self.ev(node)

    def class_body(self, node: ast.ClassDef) -> None:
        key = f"{self.module.name}:{node.name}"
        if node.name not in self.module.classes or self.depth:
            self.env[node.name] = Value(ref=f"cls:{key}")
        for stmt in node.body:
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
                value = self.ev(stmt.value)
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.an.set_class_attr(key, target.id, value)
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in stmt.decorator_list:
                    self.decorator(decorator)

    def snapshot(self) -> tuple[dict[str, Value], dict[str, tuple[frozenset[str], bool]]]:
        return dict(self.env), dict(self.clean)

    def restore(
        self, state: tuple[dict[str, Value], dict[str, tuple[frozenset[str], bool]]]
    ) -> None:
        self.env, self.clean = dict(state[0]), dict(state[1])

    def merge(
        self, states: list[tuple[dict[str, Value], dict[str, tuple[frozenset[str], bool]]]]
    ) -> None:
        if not states:
            return
        env: dict[str, Value] = {}
        for name in {n for s in states for n in s[0]}:
            present = [s[0][name] for s in states if name in s[0]]
            value = present[0]
            for other in present[1:]:
                value = join(value, other)
            env[name] = value
        clean = dict(states[0][1])
        for state in states[1:]:
            clean = {k: v for k, v in clean.items() if state[1].get(k) == v}
        self.env, self.clean = env, clean

    def branch(self, test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        self.ev(test)
        guards = self.guards(test)
        before = self.snapshot()
        self.apply(guards, True)
        body_leaves = self.block(body)
        after_body = self.snapshot()
        self.restore(before)
        self.apply(guards, False)
        else_leaves = self.block(orelse)
        after_else = self.snapshot()
        outcomes = []
        if not body_leaves:
            outcomes.append(after_body)
        if not else_leaves:
            outcomes.append(after_else)
        self.merge(outcomes or [after_else])

    def join_branches(self, bodies: list[list[ast.stmt]], *, include_fallthrough: bool) -> None:
        before = self.snapshot()
        outcomes = [before] if include_fallthrough else []
        for body in bodies:
            self.restore(before)
            if not self.block(body):
                outcomes.append(self.snapshot())
        self.merge(outcomes or [before])

    def loop(self, body: list[ast.stmt], orelse: list[ast.stmt], bind: object) -> None:
        before = self.snapshot()
        for _ in range(2):
            if callable(bind):
                bind()
            self.block(body)
            self.merge([before, self.snapshot()])
        self.block(orelse)
