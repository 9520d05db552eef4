"""What the taint walk knows about a value: where event data or a secret came from, and more.

A ``Label`` is one kind of taint (event data, or a secret) with the flow that produced it and
the rules it has been sanitised for. A ``Value`` carries both labels plus the facts that make
near misses quiet: a known constant, a known constant prefix (a fixed URL host, a fixed
/tmp directory), what object it is (``ref``: "boto3.client", "inst:mod:Cls", ...) and, for
dict literals with constant keys, the value of each key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from fnguard.model import FlowStep, Location

__all__ = ["ALL_INJ", "EMPTY", "Label", "Value", "join", "join_all"]

ALL_INJ = frozenset({"INJ001", "INJ002", "INJ003", "INJ004", "INJ005"})
_MAX_STEPS = 16


@dataclass(frozen=True)
class Label:
    """One taint: its flow so far, the rules it is clean for, whether it was validated.

    ``decoded`` marks data that may be any JSON type (the event itself, ``json.loads``
    output): a dict there can carry MongoDB operators. Turning it into text clears it.
    """

    steps: tuple[FlowStep, ...]
    clean_for: frozenset[str] = frozenset()
    validated: bool = False
    decoded: bool = False

    def step(self, location: Location, note: str) -> Label:
        if self.steps and self.steps[-1].location == location:
            return self
        steps = (*self.steps, FlowStep(location, note))
        if len(steps) > _MAX_STEPS:
            steps = (*steps[:2], *steps[-(_MAX_STEPS - 2) :])
        return replace(self, steps=steps)

    def cleaned(self, rules: frozenset[str], *, validated: bool = True) -> Label:
        return replace(
            self, clean_for=self.clean_for | rules, validated=self.validated or validated
        )

    def reaches(self, rule: str) -> bool:
        return rule not in self.clean_for


@dataclass(frozen=True)
class Value:
    """What the walk knows about one expression's value: its taints, plus the facts (constant text
    or prefix, the object it is, dict keys) that keep near misses quiet."""

    taint: Label | None = None
    secret: Label | None = None
    const: str | None = None
    prefix: str | None = None
    ref: str | None = None
    fields: tuple[tuple[str, Value], ...] = ()
    normal: bool = False  # a path made absolute and normalised (realpath, resolve())

    @property
    def text_prefix(self) -> str | None:
        """The constant text the value starts with, if known."""
        return self.const if self.const is not None else self.prefix

    def field(self, key: str) -> Value | None:
        for name, value in self.fields:
            if name == key:
                return value
        return None

    def as_text(self) -> Value:
        """The value turned into a string: no longer a JSON structure or an object."""
        taint = replace(self.taint, decoded=False) if self.taint else None
        return Value(taint, self.secret, self.const, self.prefix)

    def labels_only(self) -> Value:
        return Value(self.taint, self.secret)


EMPTY = Value()


def _pick(a: Label | None, b: Label | None) -> Label | None:
    """Two labels joined: clean only for what both are clean for (the worse case wins)."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    base = b if len(b.clean_for) < len(a.clean_for) or (a.validated and not b.validated) else a
    return Label(
        base.steps,
        a.clean_for & b.clean_for,
        a.validated and b.validated,
        a.decoded or b.decoded,
    )


def _common_prefix(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return None
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n] if n else None


def join(a: Value, b: Value) -> Value:
    if a is b or a == b:
        return a
    const = a.const if a.const == b.const else None
    prefix = None if const is not None else _common_prefix(a.text_prefix, b.text_prefix)
    return Value(
        _pick(a.taint, b.taint),
        _pick(a.secret, b.secret),
        const,
        prefix,
        a.ref if a.ref == b.ref else a.ref or b.ref,
        a.fields if a.fields == b.fields else (),
        a.normal and b.normal,
    )


def join_all(values: list[Value]) -> Value:
    """Labels of many values combined (an f-string, a container, a call's arguments)."""
    taint: Label | None = None
    secret: Label | None = None
    for v in values:
        taint = _pick(taint, v.taint)
        secret = _pick(secret, v.secret)
    return Value(taint, secret)
