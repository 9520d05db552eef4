"""YAML templates at C speed: libyaml composes, a small builder turns nodes into values.

cfn-lint's loader composes with the same libyaml parser (``yaml.CSafeLoader``) and then runs
PyYAML's generic Python constructor over every node, duplicate checks, a second alias scan and
all; that was most of a template scan. This builder gives the same values and the same
positions for what templates are made of (mappings, sequences, scalars, short-form intrinsic
tags, anchors and aliases) and raises ``UndecidedError`` for everything else (merge keys,
repeated or odd keys, explicit YAML tags, recursive aliases, an alias expansion cfn-lint would
refuse): the caller then asks cfn-lint itself, so its verdict (a value or an error) stays the
rule.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import MappingNode, ScalarNode, SequenceNode

from fnguard.collect.cloudformation._nodes import (
    MarkedDict,
    MarkedList,
    MarkedStr,
    marked_dict,
    marked_list,
)

__all__ = ["MAX_EXPANDED_NODES", "UndecidedError", "decode_yaml", "load_yaml"]

# cfn-lint refuses a template that holds more values than this once aliases are expanded.
MAX_EXPANDED_NODES = 250_000
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_MAP = _TAG + "map"
_SEQ = _TAG + "seq"
_PLAIN_SCALARS = ("null", "bool", "int", "float", "timestamp")
# Short-form tags that keep their name (``!Ref``); the others become ``Fn::<name>``.
_UNPREFIXED = ("Ref", "Condition")


class UndecidedError(Exception):
    """The fast path does not decide this input; cfn-lint's decoder will."""


def load_yaml(text: str) -> Any:
    """The decoded document (positions on mappings, sequences and plain strings)."""
    return decode_yaml(text)[0]


def decode_yaml(text: str) -> tuple[Any, int]:
    """The decoded document and how deep its maps and lists nest (the top one is 0, -1 when
    there is none), as cfn-lint's value would be walked, aliases expanded."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise UndecidedError(str(exc)) from None
    finally:
        loader.dispose()
    if root is None:
        raise UndecidedError("an empty document")
    builder = _Builder(loader, shared="&" in text)
    value = builder.value(root)
    return value, builder.deepest - 1


class _Loader(yaml.CSafeLoader):
    """libyaml's composer; each distinct plain scalar's implicit tag is resolved once.

    A template repeats the same words (``Type``, ``Properties``, ``Effect: Allow``) thousands
    of times, and PyYAML's resolver matches every one against its regular expressions. Its
    answer for a scalar depends on the text alone unless path resolvers are registered.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: tuple[bool, bool]) -> Any:
        if kind is not ScalarNode or not implicit[0] or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        tag = self._tags.get(value)
        if tag is None:
            resolve = super().resolve
            tag = self._tags[value] = resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


class _Builder:
    def __init__(self, constructor: Any, shared: bool) -> None:
        self.constructor = constructor
        self.scalars = {
            _TAG + name: yaml.constructor.SafeConstructor.yaml_constructors[_TAG + name]
            for name in _PLAIN_SCALARS
        }
        # Anchors: an alias is the same node again, and cfn-lint hands back the same object.
        self.shared = shared
        # id of a node -> (its value, values it expands to, maps and lists it nests)
        self.memo: dict[int, tuple[Any, int, int]] = {}
        self.active: set[int] = set()
        self.count = 0  # values built, aliases counted once per use (cfn-lint's expansion)
        self.level = 0  # maps and lists around the value being built, itself included
        self.deepest = 0  # the largest level reached (within the subtree being memoised)

    def value(self, node: Any) -> Any:
        # A plain string is rebuilt at each alias: equal, immutable, positioned alike.
        if not self.shared or (node.tag == _STR and node.__class__ is ScalarNode):
            return self._build(node)
        known = self.memo.get(id(node))
        if known is not None:
            self.count += known[1]
            self.deepest = max(self.deepest, self.level + known[2])
        else:
            if id(node) in self.active:
                raise UndecidedError("a recursive alias")
            self.active.add(id(node))
            before, outer = self.count, self.deepest
            self.deepest = self.level
            built = self._build(node)
            known = (built, self.count - before, self.deepest - self.level)
            self.deepest = max(outer, self.deepest)
            self.active.discard(id(node))
            self.memo[id(node)] = known
        if self.count > MAX_EXPANDED_NODES:
            raise UndecidedError("alias expansion")
        return known[0]

    def _build(self, node: Any) -> Any:
        # The hot path of a template decode: plain strings, then mappings, then sequences.
        tag = node.tag
        kind = node.__class__
        self.count += 1
        if kind is ScalarNode:
            if tag == _STR:
                out = MarkedStr(node.value)
                out.start_mark = node.start_mark
                out.end_mark = node.end_mark
                return out
            if tag[0] == "!":
                return self._short_form(tag[1:], node)
            construct = self.scalars.get(tag)
            if construct is None:
                raise UndecidedError(f"tag {tag}")
            return construct(self.constructor, node)
        if tag == _MAP and kind is MappingNode:
            self._enter()
            mapping = MarkedDict(self._pairs(node, strict=True))
            self.level -= 1
            mapping.start_mark = node.start_mark
            mapping.end_mark = node.end_mark
            return mapping
        if tag == _SEQ and kind is SequenceNode:
            self._enter()
            sequence = MarkedList(self._items(node.value))
            self.level -= 1
            sequence.start_mark = node.start_mark
            sequence.end_mark = node.end_mark
            return sequence
        if tag[0] == "!":
            return self._short_form(tag[1:], node)
        raise UndecidedError(f"tag {tag}")

    def _enter(self) -> None:
        """One map or list deeper (left with ``self.level -= 1``)."""
        self.level += 1
        if self.level > self.deepest:
            self.deepest = self.level

    def _pairs(self, node: Any, strict: bool) -> dict[Any, Any]:
        """A mapping's entries; ``strict`` (plain mappings) refuses null and repeated keys."""
        out: dict[Any, Any] = {}
        build = self.value
        for key_node, value_node in node.value:
            if key_node.tag == _STR and key_node.__class__ is ScalarNode:
                key: Any = MarkedStr(key_node.value)
                key.start_mark = key_node.start_mark
                key.end_mark = key_node.end_mark
            else:
                key = self._key(key_node, strict)
            if value_node.tag == _STR and value_node.__class__ is ScalarNode:  # inlined _build
                self.count += 1
                value = MarkedStr(value_node.value)
                value.start_mark = value_node.start_mark
                value.end_mark = value_node.end_mark
                out[key] = value
            else:
                out[key] = build(value_node)
        if strict and len(out) != len(node.value):
            raise UndecidedError("a repeated key")
        return out

    def _items(self, nodes: list[Any]) -> list[Any]:
        out: list[Any] = []
        build = self.value
        for node in nodes:
            if node.tag == _STR and node.__class__ is ScalarNode:  # inlined _build
                self.count += 1
                value = MarkedStr(node.value)
                value.start_mark = node.start_mark
                value.end_mark = node.end_mark
                out.append(value)
            else:
                out.append(build(node))
        return out

    def _key(self, node: Any, strict: bool) -> Any:
        """A key that is not a plain string: a null, number, boolean or date, else refused."""
        construct = self.scalars.get(node.tag)  # a merge key (<<) is not among them
        if construct is None or node.__class__ is not ScalarNode:
            raise UndecidedError(f"a key tagged {node.tag}")
        key = construct(self.constructor, node)
        if strict and key is None:
            raise UndecidedError("a null key")
        return key

    def _short_form(self, name: str, node: Any) -> Any:
        """``!Ref x`` -> ``{"Ref": "x"}``, ``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}``."""
        key = name if name in _UNPREFIXED else f"Fn::{name}"
        self.count += 1  # the wrapping mapping (its value is counted by _build)
        self._enter()
        kind = node.__class__
        inner: Any
        if kind is ScalarNode and key != "Fn::GetAtt":
            inner = node.value
        else:
            self._enter()  # the value is a list or a map too
            if kind is ScalarNode:
                parts = node.value.split(".", 1)
                self.count += len(parts)
                inner = marked_list(parts, node.start_mark, node.end_mark)
            elif kind is SequenceNode:
                inner = self._items(node.value)
                if key == "Fn::GetAtt":
                    inner = marked_list(inner, node.start_mark, node.end_mark)
            elif key != "Fn::GetAtt":
                inner = self._pairs(node, strict=False)
            else:
                raise UndecidedError("!GetAtt with a mapping")
            self.level -= 1
        self.level -= 1
        return marked_dict({key: inner}, node.start_mark, node.end_mark)
