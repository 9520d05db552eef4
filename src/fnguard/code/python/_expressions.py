"""Expressions to values: names, attributes, subscripts, strings, containers; and guards.

``Expressions`` is the lower layer of a frame: it evaluates what an expression holds and
what an ``if`` test proves (an allow-list, an anchored regular expression, a type check, a
normalised path compared with a fixed root). Calls are the next layer (``_calls``).
"""

from __future__ import annotations

import abc
import ast
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from fnguard.code.python import _specs as spec
from fnguard.code.python._common import (
    const_str,
    short,
    source_label,
    stepped,
)
from fnguard.code.python._values import ALL_INJ, EMPTY, Label, Value, join, join_all
from fnguard.model import FlowStep, Location

if TYPE_CHECKING:
    from fnguard.code.python._analysis import Analysis
    from fnguard.code.python._program import Module

__all__ = ["Expressions", "Guard", "secret_field"]

_NAME_DUMP = re.compile(r"^Name\(id='(\w+)'")


@dataclass(frozen=True)
class Guard:
    """``expr`` is clean for ``rules`` where the test is ``when``."""

    expr: str
    rules: frozenset[str]
    when: bool


class Expressions(abc.ABC):
    """One walk of one function body (or a module's top level) with its own names."""

    def __init__(
        self, an: Analysis, module: Module, cls: str | None, env: dict[str, Value], depth: int
    ) -> None:
        self.an = an
        self.module = module
        self.cls = cls
        self.env = env
        self.depth = depth
        self.returns: list[Value] = []
        self.clean: dict[str, tuple[frozenset[str], bool]] = {}

    def loc(self, node: ast.AST) -> Location:
        return Location(self.module.file, getattr(node, "lineno", 0))

    # ---------------------------------------------------------------- guards

    def guards(self, test: ast.expr) -> list[Guard]:
        """What a condition proves about the expressions it checks."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return [replace(g, when=not g.when) for g in self.guards(test.operand)]
        if isinstance(test, ast.BoolOp):
            parts = [g for value in test.values for g in self.guards(value)]
            wanted = isinstance(test.op, ast.And)
            return [g for g in parts if g.when == wanted]
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, right = test.ops[0], test.comparators[0]
            if isinstance(op, ast.In | ast.NotIn) and self.ev(right).taint is None:
                if isinstance(test.left, ast.Constant):
                    return []
                inside = isinstance(op, ast.In)
                url = _url_of_host(test.left)
                if url is not None:
                    return [Guard(ast.dump(url), frozenset({"INJ005"}), inside)]
                return [Guard(ast.dump(test.left), ALL_INJ, inside)]
            if isinstance(op, ast.Eq | ast.NotEq) and isinstance(right, ast.Constant):
                return [Guard(ast.dump(test.left), ALL_INJ, isinstance(op, ast.Eq))]
            return []
        if not isinstance(test, ast.Call):
            return []
        func = test.func
        name = (
            func.attr
            if isinstance(func, ast.Attribute)
            else func.id
            if isinstance(func, ast.Name)
            else ""
        )
        qual = self.ev(func).ref or ""
        args = test.args
        if qual == "isinstance" and len(args) == 2:
            types = ast.unparse(args[1])
            rules = (
                ALL_INJ
                if re.search(r"\b(int|float|bool|UUID)\b", types) and "str" not in types
                else frozenset()
            )
            return [Guard(ast.dump(args[0]), rules, True)]
        if name in ("fullmatch", "match", "search") and args:
            subject, pattern = (
                (args[1], args[0]) if qual.startswith("re.") and len(args) > 1 else (args[0], None)
            )
            if qual.startswith("re.") and len(args) < 2:
                return []
            text = const_str(pattern) if pattern is not None else self._compiled_pattern(func)
            anchored = name == "fullmatch" or (
                text is not None
                and text.rstrip().endswith(("$", "\\Z"))
                and (name == "match" or text.startswith("^"))
            )
            return [Guard(ast.dump(subject), ALL_INJ, True)] if anchored else []
        if name in (
            "isdigit",
            "isdecimal",
            "isnumeric",
            "isalnum",
            "isidentifier",
            "isalpha",
        ) and isinstance(func, ast.Attribute):
            return [Guard(ast.dump(func.value), ALL_INJ, True)]
        if name in ("startswith", "is_relative_to") and isinstance(func, ast.Attribute):
            subject = func.value
            if self.ev(subject).normal:
                paths = frozenset({"INJ004"})
                found = [Guard(ast.dump(subject), paths, True)]
                if isinstance(subject, ast.Call) and subject.args:  # realpath(p).startswith(..)
                    found.append(Guard(ast.dump(subject.args[0]), paths, True))
                return found
        if re.search(r"(?i)valid|allowed|safe|sanitiz|sanitis", name) and args:
            return [Guard(ast.dump(a), frozenset(), True) for a in args]
        return []

    def _compiled_pattern(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Attribute):
            value = self.ev(func.value)
            if value.ref == "regex":
                return value.const
        return None

    def apply(self, guards: list[Guard], outcome: bool) -> None:
        """Record what holds on this side of a test; a checked local name is cleaned in
        place, so the fact survives a join with a branch that reassigned it."""
        for guard in guards:
            if guard.when != outcome:
                continue
            self.clean[guard.expr] = (guard.rules, True)
            name = _NAME_DUMP.match(guard.expr)
            value = self.env.get(name.group(1)) if name else None
            if name and value is not None and value.taint is not None:
                taint = value.taint.cleaned(guard.rules)
                self.env[name.group(1)] = replace(value, taint=taint)

    def guarded(self, node: ast.expr, value: Value) -> Value:
        if not self.clean or value.taint is None:
            return value
        found = self.clean.get(ast.dump(node))
        if found is None:
            return value
        rules, validated = found
        return replace(value, taint=value.taint.cleaned(rules, validated=validated))

    # ---------------------------------------------------------------- assignment

    def assign(self, target: ast.expr, value: Value, stmt: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            if value.taint is not None or value.secret is not None:
                value = stepped(value, self.loc(stmt), short(stmt))
            self.env[target.id] = value
            self.clean = {k: v for k, v in self.clean.items() if f"id='{target.id}'" not in k}
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                inner = element.value if isinstance(element, ast.Starred) else element
                self.assign(
                    inner, value.labels_only() if value.taint or value.secret else EMPTY, stmt
                )
        elif isinstance(target, ast.Attribute):
            owner = self.ev(target.value)
            if owner.ref and owner.ref.startswith(("inst:", "cls:")):
                value = stepped(value, self.loc(stmt), short(stmt))
                self.an.set_class_attr(owner.ref.split(":", 1)[1], target.attr, value)
        elif isinstance(target, ast.Subscript):
            base = target.value
            if isinstance(base, ast.Name) and (value.taint or value.secret):
                old = self.env.get(base.id, EMPTY)
                self.env[base.id] = join(
                    old, stepped(value.labels_only(), self.loc(stmt), short(stmt))
                )
            self.ev(target.slice)

    # ---------------------------------------------------------------- expressions

    def ev(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Constant):
            return Value(const=node.value) if isinstance(node.value, str) else EMPTY
        if isinstance(node, ast.Name):
            return self.guarded(node, self.name(node.id))
        if isinstance(node, ast.Attribute):
            return self.guarded(node, self.attribute(node))
        if isinstance(node, ast.Subscript):
            return self.guarded(node, self.subscript(node))
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.JoinedStr):
            return self.fstring(node)
        if isinstance(node, ast.FormattedValue):
            return self.ev(node.value).as_text()
        if isinstance(node, ast.BinOp):
            return self.binop(node.op, self.ev(node.left), self.ev(node.right))
        if isinstance(node, ast.BoolOp):
            values = [self.ev(v) for v in node.values]
            result = values[0]
            for other in values[1:]:
                result = join(result, other)
            return result
        if isinstance(node, ast.IfExp):
            self.ev(node.test)
            guards = self.guards(node.test)
            before = dict(self.clean)
            self.apply(guards, True)
            body = self.ev(node.body)
            self.clean = dict(before)
            self.apply(guards, False)
            other = self.ev(node.orelse)
            self.clean = before
            return join(body, other)
        if isinstance(node, ast.Dict):
            pairs: list[tuple[str, Value]] = []
            values = []
            for key, item in zip(node.keys, node.values, strict=True):
                value = self.ev(item)
                values.append(value)
                name = const_str(key)
                if name is not None:
                    pairs.append((name, value))
                elif key is not None:
                    values.append(self.ev(key))
            labels = join_all(values)
            return Value(labels.taint, labels.secret, fields=tuple(pairs))
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return join_all([self.ev(e) for e in node.elts])
        if isinstance(node, ast.Starred):
            return self.ev(node.value)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            return self.comprehension(node)
        if isinstance(node, ast.Compare):
            self.ev(node.left)
            for comparator in node.comparators:
                self.ev(comparator)
            return EMPTY
        if isinstance(node, ast.UnaryOp):
            self.ev(node.operand)
            return EMPTY
        if isinstance(node, ast.Await):
            return self.ev(node.value)
        if isinstance(node, ast.NamedExpr):
            value = self.ev(node.value)
            self.env[node.target.id] = value
            return value
        if isinstance(node, ast.Lambda):
            return EMPTY
        if isinstance(node, ast.Slice):
            return EMPTY
        return EMPTY

    def name(self, name: str) -> Value:
        if name in self.env:
            return self.env[name]
        module_env = self.an.module_env(self.module)
        if name in module_env and module_env is not self.env:
            return module_env[name]
        value = self.an.member(self.module, name)
        if value is not EMPTY:
            return value
        return Value(ref=name)

    def attribute(self, node: ast.Attribute) -> Value:
        base = self.ev(node.value)
        attr = node.attr
        ref = base.ref or ""
        if attr in ("current_event", "current_request", "json_body") and not ref.startswith(
            ("inst:", "mod:")
        ):
            return Value(source_label(self.loc(node), f"{short(node)} read (request data)"))
        if base.taint is not None or base.secret is not None:
            if ref == "path" and attr in ("name", "stem", "suffix"):
                taint = (
                    base.taint.cleaned(frozenset({"INJ004"}), validated=False)
                    if base.taint
                    else None
                )
                return Value(taint, base.secret)
            return Value(base.taint, base.secret, ref=ref if ref == "path" else None)
        if ref.startswith("mod:"):
            return self.an.resolve(f"{ref[4:]}.{attr}")
        if ref.startswith(("inst:", "cls:")):
            key = ref.split(":", 1)[1]
            found = self.an.class_attr(key, attr)
            if found is not None:
                return found
            method = self.an.method(key, attr)
            return Value(ref=f"bound:{key}:{attr}") if method is not None else EMPTY
        if ref in ("flask.request", "werkzeug.request", "bottle.request"):
            return Value(source_label(self.loc(node), f"{short(node)} read (request data)"))
        if ref == "os.environ" or (ref == "os" and attr == "environ"):
            return Value(
                ref="os.environ",
                secret=Label((FlowStep(self.loc(node), "os.environ: every environment variable"),)),
            )
        if ref in spec.STICKY:
            return Value(ref=ref)
        if ref and not ref.startswith(("def:", "bound:", "file:")):
            qual = f"{ref}.{attr}"
            return Value(ref=qual)
        return EMPTY

    def subscript(self, node: ast.Subscript) -> Value:
        base = self.ev(node.value)
        self.ev(node.slice)
        key = const_str(node.slice)
        if base.ref == "os.environ":
            return self.environment(key, node)
        if key is not None and base.fields:
            found = base.field(key)
            if found is not None:
                return found
        if base.taint is not None:
            return self.member(base, key, node)
        if base.secret is not None:
            return Value(secret=base.secret if secret_field(key) else None)
        if base.ref in spec.STICKY:
            return Value(ref=base.ref)
        return EMPTY

    def member(self, base: Value, key: str | None, node: ast.AST) -> Value:
        """A field of event data: the request's headers as a whole and its credential
        headers are secrets as well (SEC004); its other headers are not."""
        secret = None if base.ref == "headers" else base.secret
        if key is not None:
            lowered = key.lower()
            if lowered in spec.AUTH_HEADERS:
                note = f"{short(node)}: a credential header"
                secret = Label((FlowStep(self.loc(node), note),))
            elif lowered in ("headers", "multivalueheaders"):
                note = f"{short(node)}: request headers, Authorization included"
                return Value(base.taint, Label((FlowStep(self.loc(node), note),)), ref="headers")
        return Value(base.taint, secret)

    def environment(self, key: str | None, node: ast.AST) -> Value:
        if key is not None and spec.is_secret_name(key):
            return Value(
                secret=Label((FlowStep(self.loc(node), f"environment variable {key} (a secret)"),))
            )
        return Value(ref="env")

    def fstring(self, node: ast.JoinedStr) -> Value:
        values: list[Value] = []
        prefix = ""
        fixed = True
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                if fixed:
                    prefix += part.value
                continue
            value = self.ev(part)
            values.append(value)
            if fixed and value.const is not None:
                prefix += value.const
            else:
                fixed = False
        labels = join_all(values)
        taint = replace(labels.taint, decoded=False) if labels.taint else None
        if fixed:
            return Value(taint, labels.secret, const=prefix)
        return Value(taint, labels.secret, prefix=prefix or None)

    def binop(self, op: ast.operator, left: Value, right: Value) -> Value:
        labels = join_all([left, right])
        taint = replace(labels.taint, decoded=False) if labels.taint else None
        if isinstance(op, ast.Add):
            if left.const is not None and right.const is not None:
                return Value(taint, labels.secret, const=left.const + right.const)
            if left.const is not None and right.text_prefix is not None:
                return Value(taint, labels.secret, prefix=left.const + right.text_prefix)
            return Value(taint, labels.secret, prefix=left.text_prefix)
        if isinstance(op, ast.BitAnd | ast.BitOr) and "ddb.condition" in (left.ref, right.ref):
            return Value(taint, labels.secret, ref="ddb.condition")
        if isinstance(op, ast.Div) and "path" in (left.ref, right.ref):
            return Value(taint, labels.secret, prefix=left.text_prefix, ref="path")
        if isinstance(op, ast.Mod) and left.const is not None:
            return Value(taint, labels.secret, prefix=left.const.split("%", 1)[0] or None)
        return Value(taint, labels.secret)

    def comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> Value:
        saved_env, saved_clean = dict(self.env), dict(self.clean)
        try:
            for gen in node.generators:
                items = self.ev(gen.iter)
                element = Value(items.taint, items.secret)
                self.assign(
                    gen.target,
                    element,
                    ast.Expr(value=gen.iter, lineno=getattr(gen.iter, "lineno", 0)),
                )
                for cond in gen.ifs:
                    self.ev(cond)
                    self.apply(self.guards(cond), True)
            if isinstance(node, ast.DictComp):
                return join_all([self.ev(node.key), self.ev(node.value)])
            return self.ev(node.elt).labels_only()
        finally:
            self.env, self.clean = saved_env, saved_clean

    @abc.abstractmethod
    def call(self, node: ast.Call) -> Value:
        """What a call returns (and what it does at a sink)."""


def _url_of_host(node: ast.expr) -> ast.expr | None:
    """``urlsplit(url).hostname`` / ``urlparse(url).netloc``: the URL whose host is checked."""
    if not (isinstance(node, ast.Attribute) and node.attr in ("hostname", "netloc")):
        return None
    call = node.value
    if isinstance(call, ast.Call) and call.args:
        name = ast.unparse(call.func).rsplit(".", 1)[-1]
        if name in ("urlsplit", "urlparse"):
            return call.args[0]
    return None


def secret_field(key: str | None) -> bool:
    """Whether a field picked from secret material is secret too: ``["SecretString"]``,
    ``["password"]`` or an index computed at run time are; ``["Arn"]``, ``["host"]`` not."""
    if key is None:
        return True
    return key.replace("_", "").lower() in spec.SECRET_FIELDS or spec.is_secret_name(key)
