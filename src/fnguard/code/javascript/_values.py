"""What the taint engine knows about one JavaScript value.

A value may carry two independent flows: event data (for the INJ rules) and secret data
(for SEC004), each the list of steps that brought it here. ``RAW`` is the event itself
before any part of it was read: the first expression that uses it records the read step,
so a flow starts at ``event.body read`` rather than at the handler's signature.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from fnguard.model import FlowStep, Location

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = [
    "CLEAN",
    "PLACEHOLDER",
    "RAW",
    "Flow",
    "FuncRef",
    "Module",
    "Scope",
    "Value",
    "extend",
    "is_secret_name",
    "merge",
    "stepped",
    "union",
]

Flow = tuple[FlowStep, ...]
RAW: Flow = ()
# A flow longer than this keeps its first and last steps (a loop can grow a flow).
_MAX_STEPS = 24


@dataclass(eq=False)
class Module:
    """One analysed file: its tree, its top-level scope and what it exports."""

    name: str  # member name inside the artifact
    file: str  # the name locations are reported under
    root: Node
    scope: Scope
    exports: dict[str, Value] = field(default_factory=dict)
    export_lines: dict[str, int] = field(default_factory=dict)  # where each export is set
    getters: list[tuple[str, Node]] = field(default_factory=list)  # bundlers' export getters
    js_types: bool = False  # imports js-yaml-js-types, whose tags run code

    def location(self, node: Node) -> Location:
        return Location(self.file, node.start_point[0] + 1)


class Scope:
    """Bindings of one function (JavaScript's block scopes are folded into it)."""

    def __init__(self, parent: Scope | None, names: dict[str, Value] | None = None) -> None:
        self.parent = parent
        self.names: dict[str, Value] = names if names is not None else {}

    def lookup(self, name: str) -> Value | None:
        scope: Scope | None = self
        while scope is not None:
            found = scope.names.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None

    def fork(self) -> Scope:
        return Scope(self.parent, dict(self.names))


@dataclass(frozen=True, eq=False)
class FuncRef:
    """A function defined in the analysed code, with the scope it closes over."""

    node: Node
    module: Module
    closure: Scope
    name: str


@dataclass(frozen=True)
class Value:
    """What the taint engine knows about one JavaScript value: the event and secret data it carries,
    and what it is (a library object, a local function, known text), so that calls through it
    resolve and near misses stay quiet."""

    flow: Flow | None = None  # event data, None when clean
    secret: Flow | None = None  # secret data, None when not a secret
    origin: str = ""  # a library object by qualified name: "child_process.exec"
    func: FuncRef | None = None
    members: dict[str, Value] | None = None  # known properties (object literals, modules)
    safe: frozenset[str] = frozenset()  # rules a sanitiser made this event data safe for
    inert: bool = False  # a number, boolean or null: never a secret, never a command
    text: str | None = None  # a clean string's known text (PLACEHOLDER for unknown parts)
    fixed_host: bool = False  # a URL whose event data comes after a fixed scheme and host

    @property
    def tainted(self) -> bool:
        return self.flow is not None


CLEAN = Value()
# Stands for a clean part of unknown text in ``Value.text`` (a constant, an env variable).
PLACEHOLDER = "\x00"


def extend(flow: Flow | None, location: Location, note: str) -> Flow | None:
    """The flow with one more step (an identical last step is not repeated)."""
    if flow is None:
        return None
    step = FlowStep(location, note)
    if flow and flow[-1] == step:
        return flow
    grown = (*flow, step)
    if len(grown) > _MAX_STEPS:
        grown = (*grown[: _MAX_STEPS // 2], *grown[-(_MAX_STEPS // 2) :])
    return grown


def stepped(value: Value, location: Location, note: str) -> Value:
    """The value with one more step on each flow it carries (a call, a return)."""
    return replace(
        value,
        flow=extend(value.flow, location, note),
        secret=extend(value.secret, location, note),
    )


def union(values: list[Value] | tuple[Value, ...]) -> Value:
    """A value computed from several: the first flow of each kind is kept (deterministic)."""
    flow: Flow | None = None
    secret: Flow | None = None
    safe: frozenset[str] | None = None
    inert = bool(values)
    for value in values:
        if flow is None and value.flow is not None:
            flow = value.flow
        if secret is None and value.secret is not None:
            secret = value.secret
        if value.flow is not None:
            safe = value.safe if safe is None else safe & value.safe
        inert = inert and value.inert
    return Value(flow=flow, secret=secret, safe=safe or frozenset(), inert=inert)


def merge(a: Value, b: Value) -> Value:
    """Either of two values (branches, ``a || b``): flows of both, identity of either."""
    joined = union((a, b))
    return replace(
        joined,
        origin=a.origin or b.origin,
        func=a.func or b.func,
        members=a.members if a.members is not None else b.members,
    )


# Names that hold secrets: words of an identifier ("dbPassword" -> db, password).
_WORD_RE = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_SECRET_WORDS = frozenset(
    {
        "secret",
        "secrets",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "token",
        "tokens",
        "apikey",
        "credential",
        "credentials",
        "creds",
        "authorization",
        "cookie",
        "privatekey",
    }
)
_SECRET_PAIRS = frozenset({("api", "key"), ("private", "key"), ("secret", "key"), ("auth", "key")})
# Words that make a secret-looking name about a secret, not the secret itself.
_NEUTRAL_WORDS = frozenset(
    {
        "arn",
        "cache",
        "client",
        "config",
        "count",
        "endpoint",
        "expires",
        "expiry",
        "expiration",
        "field",
        "hash",
        "hashed",
        "header",
        "id",
        "ids",
        "len",
        "length",
        "manager",
        "max",
        "min",
        "name",
        "names",
        "param",
        "parameter",
        "path",
        "pattern",
        "policy",
        "prefix",
        "provider",
        "regex",
        "required",
        "service",
        "store",
        "type",
        "ttl",
        "uri",
        "url",
        "version",
    }
)


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether a variable or property name says it holds a secret (``apiKey``, ``DB_PASSWORD``)."""
    words = [w.lower() for w in _WORD_RE.findall(name)]
    if not words or any(w in _NEUTRAL_WORDS for w in words):
        return False
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in itertools.pairwise(words))
