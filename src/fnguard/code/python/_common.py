"""Shared pieces of the taint walk: tunables, messages, small value helpers, walk state."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from fnguard.code.python._values import EMPTY, Label, Value
from fnguard.model import FlowStep, Location

if TYPE_CHECKING:
    from fnguard.code.python._program import FunctionNode, Module

PASSES = 3
MAX_DEPTH = 8
# Statements walked per analysis at most: a bound on work whatever the code's shape; past it
# the analysis stops and says its results are partial.
MAX_STATEMENTS = 400_000
BUDGET = 4000  # function walks per analysis
FIXED_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@]+[/?#]")
WRITE_MODE = re.compile(r"[wax+]")
TERMINATORS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
ROUTE_DECORATORS = frozenset(
    ["route", "get", "post", "put", "delete", "patch", "head", "options", "api_route"]
)
CLEAN_ANNOTATIONS = frozenset(
    ["int", "float", "bool", "UUID", "uuid.UUID", "Decimal", "date", "datetime"]
)
WRITABLE_PREFIXES = ("/tmp", "/dev/", "/proc/", "/mnt/")
SQL_WRITE = re.compile(r"^\s*(insert|update|delete|merge|upsert|replace)\b", re.I)
SQL_IDEMPOTENT = re.compile(r"on\s+conflict|insert\s+ignore|on\s+duplicate\s+key", re.I)
# Token and login requests are POSTs that change nothing worth guarding (RUN003).
AUTH_ENDPOINT = re.compile(r"(?i)token|oauth|login|signin|auth")
IDEMPOTENCY_NAME = re.compile(r"(?i)idempot|dedup|already_processed|is_duplicate|was_processed")

MESSAGES = {
    "INJ001": "event data reaches an operating-system command",
    "INJ002": "event data reaches code evaluation or unsafe deserialisation",
    "INJ003": "event data reaches query text",
    "INJ004": "event data reaches a file path",
    "INJ005": "event data decides where an outbound request goes",
    "INJ006": "event data is used without validation",
    "SEC004": "a secret is written to the logs",
}


def short(node: ast.AST, width: int = 90) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


@dataclass
class TmpWrite:
    """A secret written to a file under /tmp, kept until the walk ends: RUN002 reports it only if no
    code removes that file (the removal may come later in the code)."""

    path: str
    location: Location
    label: Label


@dataclass
class Callee:
    """A function or method of the analysed code, registered once so that calls to it (by reference,
    or as a method found through the class's bases) can be walked into."""

    module: Module
    node: FunctionNode
    cls: str | None  # class key for methods


@dataclass
class Flags:
    """Facts about the whole handler that decide INJ006, RUN003 and RUN002 only when the walk ends:
    a schema check, an idempotency guard or a file removal may come after the use it excuses."""

    schema_validated: bool = False
    unvalidated: tuple[Location, Label, str] | None = None
    writes: list[FlowStep] = field(default_factory=list)
    guarded: bool = False
    tmp_writes: list[TmpWrite] = field(default_factory=list)
    removes_unknown: bool = False
    removed: set[str] = field(default_factory=set)
    routes: bool = False  # the handler hands the event to a web framework resolver


def stepped(value: Value, location: Location, note: str) -> Value:
    if value.taint is None and value.secret is None:
        return value
    taint = value.taint.step(location, note) if value.taint else None
    secret = value.secret.step(location, note) if value.secret else None
    return replace(value, taint=taint, secret=secret)


def source_label(location: Location, note: str) -> Label:
    return Label((FlowStep(location, note),), decoded=True)


def arg(args: list[Value], kwargs: dict[str, Value], index: int, names: tuple[str, ...]) -> Value:
    if index < len(args):
        return args[index]
    for name in names:
        if name in kwargs:
            return kwargs[name]
    return EMPTY


def validated(value: Value) -> Value:
    if value.taint is None:
        return value
    return replace(value, taint=value.taint.cleaned(frozenset(), validated=True))


def cleaned(value: Value, rules: frozenset[str]) -> Value:
    if value.taint is None:
        return Value(secret=value.secret)
    taint = value.taint.cleaned(rules, validated=False)
    return Value(replace(taint, decoded=False), value.secret)


class WorkExhausted(Exception):  # noqa: N818 - a signal inside the walk, never shown
    """The analysis reached ``MAX_STATEMENTS``; caught by the analyser, reported as a gap."""
