"""``Fn::ForEach`` loops (the ``AWS::LanguageExtensions`` transform) expanded before collection.

CloudFormation replaces each ``"Fn::ForEach::Name": [Identifier, Collection, {OutputKey:
OutputValue}]`` by one copy of the fragment per value of the collection, with ``${Identifier}``
and ``&{Identifier}`` (the value without its non-alphanumeric characters) replaced in keys and
strings, and ``{"Ref": Identifier}`` replaced by the value. Loops nest, and may appear in
``Resources``, ``Conditions`` and inside resource properties.

The generated keys carry the position of the loop's key, so every generated resource is
located on the line of its loop; the values keep the positions where they were written.

cfn-lint ships its own expansion, written for linting: a collection it cannot resolve becomes
random names and pseudo parameters get sample values (account ``123456789012``), which would
be invented inventory here. This expansion resolves a collection with the collector's own
resolver (literal lists, ``!Ref`` to a list parameter with a default, ``!FindInMap`` with
``DefaultValue``, ``!Split``...) and records a ``Problem`` for a loop it cannot expand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fnguard import limits
from fnguard.collect.cloudformation._decode import line_of
from fnguard.collect.cloudformation._intrinsic import Ref, Resolver, Unknown
from fnguard.collect.cloudformation._nodes import marked_dict, marked_list, marked_str

__all__ = ["LOOP_MARKER", "Expansion", "Problem", "expand_loops"]

LOOP_MARKER = "Fn::ForEach"
_LOOP_KEY = re.compile(r"^Fn::ForEach::[A-Za-z0-9]+$")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


@dataclass(frozen=True)
class Problem:
    """A loop left unexpanded: its key (``Fn::ForEach::Name``), line and why."""

    loop: str
    line: int
    reason: str


@dataclass(frozen=True)
class Expansion:
    """What expanding did: loops left unexpanded, and where generated resources were written.

    ``written`` maps a generated logical ID to the line of the ``OutputKey`` it came from:
    suppression comments are matched against that text, while the resource itself is located
    on its loop's line. ``loops`` maps each loop of ``Resources`` (nested ones too) to its
    line and the logical IDs it generated, for comments written on or above the loop.
    """

    problems: tuple[Problem, ...]
    written: Mapping[str, int]
    loops: Mapping[str, tuple[int, tuple[str, ...]]]


def expand_loops(template: dict[str, Any]) -> Expansion:
    """Expand every ``Fn::ForEach`` of ``Resources`` and ``Conditions`` in place."""
    expander = _Expander(template)
    for section in ("Conditions", "Resources"):
        node = template.get(section)
        if isinstance(node, Mapping):
            record = expander.written if section == "Resources" else None
            template[section] = expander.mapping(node, {}, record)
    loops = {k: (line_of(k), tuple(ids)) for k, ids in expander.loops.items()}
    return Expansion(tuple(expander.problems), expander.written, loops)


class _Expander:
    def __init__(self, template: Mapping[str, Any]) -> None:
        self.template = template
        self.problems: list[Problem] = []
        self.written: dict[str, int] = {}
        self.loops: dict[Any, list[str]] = {}  # loop key (positioned) -> generated IDs
        self._resolver: Resolver | None = None
        self.generated = 0
        self.most = limits.active().max_instances

    @property
    def resolver(self) -> Resolver:
        """Parameters, mappings and intrinsic functions as the collector reads them."""
        if self._resolver is None:
            self._resolver = Resolver(self.template, {})
        return self._resolver

    def value(self, node: Any, scope: Mapping[str, str]) -> Any:
        """``node`` with the identifiers of ``scope`` replaced and nested loops expanded."""
        if isinstance(node, str):
            return _substitute(node, scope) if scope else node
        if isinstance(node, Mapping):
            if scope and len(node) == 1 and "Ref" in node:
                target = node["Ref"]
                if isinstance(target, str) and target in scope:
                    return _like(node, scope[target])
            return self.mapping(node, scope)
        if isinstance(node, list):
            return _relist(node, [self.value(v, scope) for v in node])
        return node

    def mapping(
        self,
        node: Mapping[str, Any],
        scope: Mapping[str, str],
        record: dict[str, int] | None = None,
    ) -> Any:
        """A mapping's entries, loops among them replaced by what they generate."""
        out: dict[Any, Any] = {}
        for key, child in node.items():
            name = str(key)
            if name.startswith(LOOP_MARKER):
                for new_key, new_child in self.loop(key, child, scope, record):
                    self.put(out, new_key, new_child, key)
                continue
            new_key = _substitute(key, scope) if scope and isinstance(key, str) else key
            self.put(out, new_key, self.value(child, scope), key)
        return _copy_marks(node, marked_dict(out, None, None))

    def put(self, out: dict[Any, Any], key: Any, value: Any, loop_key: Any) -> None:
        if key in out:
            self.problem(
                loop_key,
                f"{key} is declared more than once (CloudFormation refuses the template); "
                "only the first is analysed",
            )
            return
        out[key] = value

    def loop(
        self,
        key: Any,
        node: Any,
        scope: Mapping[str, str],
        record: dict[str, int] | None,
    ) -> list[tuple[Any, Any]]:
        """The ``(key, value)`` pairs a loop generates; a recorded problem when it cannot."""
        if not _LOOP_KEY.match(str(key)):
            self.problem(key, f"{key} is not a valid loop name; what it generates is not analysed")
            return []
        if not (
            isinstance(node, list)
            and len(node) == 3
            and isinstance(node[0], str)
            and isinstance(node[2], Mapping)
        ):
            self.problem(key, "expects [Identifier, Collection, {OutputKey: OutputValue}]")
            return []
        identifier = str(node[0])
        values = self.collection(key, self.value(node[1], scope))
        if values is None:
            return []
        out: list[tuple[Any, Any]] = []
        for item in values:
            inner = {**scope, identifier: item}
            for out_key, out_value in node[2].items():
                if str(out_key).startswith(LOOP_MARKER):  # a nested loop generates the keys
                    out.extend(self.loop(out_key, out_value, inner, record))
                    continue
                new_key = _substitute(str(out_key), inner)
                if new_key == str(out_key):
                    self.problem(key, f"OutputKey {out_key} does not use ${{{identifier}}}")
                    return []
                self.generated += 1
                if self.generated > self.most:  # nested loops multiply: bounded as modules are
                    what = f"{key} generates more entries; the rest is not analysed"
                    self.problem(key, limits.limit_message("max_instances", self.most, what))
                    return out
                if record is not None:
                    record.setdefault(new_key, line_of(out_key))
                out.append((_like(key, new_key), self.value(out_value, inner)))
        if record is not None:
            self.loops.setdefault(key, []).extend(str(k) for k, _ in out)
        return out

    def collection(self, key: Any, node: Any) -> list[str] | None:
        """The loop's values, or ``None`` (a problem recorded) when unknown at scan time."""
        value = self.resolver.resolve(node)
        self.resolver.problems.clear()
        if isinstance(value, list) and all(_is_item(v) for v in value):
            return [str(v) for v in value]
        what = value.expr if isinstance(value, Ref | Unknown) else "not a list of strings"
        self.problem(
            key,
            f"collection of {key} is not known at scan time ({what}); "
            "the resources it generates are not analysed",
        )
        return None

    def problem(self, key: Any, reason: str) -> None:
        """Recorded once per loop and reason (an outer loop repeats its inner loops)."""
        found = Problem(str(key), line_of(key), reason)
        if found not in self.problems:
            self.problems.append(found)


def _is_item(value: Any) -> bool:
    """A collection value: text (YAML may read ``- 80`` as a number; CloudFormation's is text)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _substitute(text: str, scope: Mapping[str, str]) -> str:
    if "{" not in text:
        return text
    out = str(text)
    for name, value in scope.items():
        out = out.replace(f"${{{name}}}", value).replace(f"&{{{name}}}", _NON_ALNUM.sub("", value))
    return _like(text, out) if out != text else text


def _like(node: Any, text: str) -> str:
    """``text`` positioned where ``node`` was written (when it was)."""
    start = getattr(node, "start_mark", None)
    return marked_str(text, start, getattr(node, "end_mark", None)) if start is not None else text


def _copy_marks(node: Any, out: Any) -> Any:
    out.start_mark = getattr(node, "start_mark", None)
    out.end_mark = getattr(node, "end_mark", None)
    return out


def _relist(node: list[Any], items: list[Any]) -> Any:
    """The same list when nothing changed (no loop inside), else a positioned copy."""
    if all(a is b for a, b in zip(node, items, strict=True)):
        return node
    return _copy_marks(node, marked_list(items, None, None))
