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
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from fnguard.collect.cloudformation._nodes import (
    MarkedDict,
    MarkedList,
    MarkedStr,
    marked_dict,
    marked_list,
)

__all__ = ["EVENT_DEPTH", "MAX_EXPANDED_NODES", "UndecidedError", "decode_yaml", "load_yaml"]

# cfn-lint refuses a template that holds more values than this once aliases are expanded.
MAX_EXPANDED_NODES = 250_000
# Deeper documents take the node path, whose recursion decides them as it always did.
EVENT_DEPTH = 200
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
    try:
        return _from_events(text)
    except _TooDeepError:
        return _from_nodes(text)


def _from_events(text: str) -> tuple[Any, int]:
    """``decode_yaml`` from libyaml's events; ``_TooDeepError`` past ``EVENT_DEPTH``."""
    loader = _Loader(text)
    try:
        if loader.yaml_path_resolvers:  # the events carry no path to resolve against
            raise _TooDeepError("path resolvers: the node path decides")
        return _Events(loader, "&" in text).document()
    except yaml.YAMLError as exc:
        raise UndecidedError(str(exc)) from None
    finally:
        loader.dispose()


def _from_nodes(text: str) -> tuple[Any, int]:
    """``decode_yaml`` from libyaml's composed nodes: the reference ``_Events`` follows."""
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


# A plain scalar's implicit tag, by its text, for every file of a scan (bounded: cleared when
# full). Templates of one project share their words; the answer depends on the text alone.
_TAGS: dict[str, str] = {}
_MAX_TAGS = 50_000


class _Loader(yaml.CSafeLoader):
    """libyaml's composer; each distinct plain scalar's implicit tag is resolved once.

    A template repeats the same words (``Type``, ``Properties``, ``Effect: Allow``) thousands
    of times, and PyYAML's resolver matches every one against its regular expressions. Its
    answer for a scalar depends on the text alone unless path resolvers are registered (the
    implicit resolvers are PyYAML's own, fixed: fnguard adds none).
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        if len(_TAGS) > _MAX_TAGS:
            _TAGS.clear()
        self._tags = _TAGS

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


class _TooDeepError(Exception):
    """Nested deeper than ``EVENT_DEPTH`` (or path resolvers in play): the node path decides."""


_NO_KEY: Any = object()


class _Frame:
    """An open mapping or sequence: what it holds so far and how it was opened."""

    __slots__ = (
        "anchor",
        "base",
        "counted",
        "deep",
        "key",
        "levels",
        "mapping",
        "out",
        "pairs",
        "short",
        "start",
        "strict",
    )

    def __init__(self, out: Any, mapping: bool, short: str | None, start: Any, base: int) -> None:
        self.out = out
        self.mapping = mapping
        self.strict = short is None  # a plain mapping: no null and no repeated keys
        self.short = short  # the intrinsic a short-form tag wraps it in (``Fn::Sub``)
        self.start = start  # the opening event: position and anchor
        self.anchor = start.anchor
        self.levels = 1 if short is None else 2  # a short form is a mapping around its value
        self.base = base  # the level around it
        self.deep = base + self.levels  # the deepest level reached inside it
        self.counted = 0  # values built before it (aliases count what they expand to)
        self.key: Any = _NO_KEY
        self.pairs = 0


class _Scalar:
    """An anchored scalar: its event, and its value once built (an alias shares it)."""

    __slots__ = ("built", "event", "tag")

    def __init__(self, tag: str, event: Any) -> None:
        self.tag = tag
        self.event = event
        self.built: tuple[Any, int, int] | None = None


class _Events:
    """``_Builder`` over libyaml's events instead of composed nodes: the same values (aliases
    sharing one object), positions, depth, expansion count and refusals."""

    def __init__(self, loader: _Loader, anchored: bool) -> None:
        self.loader = loader
        self.anchored = anchored  # anchors are possible: count what aliases expand to
        self.scalars = {
            _TAG + name: yaml.constructor.SafeConstructor.yaml_constructors[_TAG + name]
            for name in _PLAIN_SCALARS
        }
        self.count = 0

    def _constructed(self, tag: str, event: Any) -> Any:
        """A scalar that is not a plain string: a number, boolean, null or date, else refused."""
        construct = self.scalars.get(tag)
        if construct is None:
            raise UndecidedError(f"tag {tag}")
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return construct(self.loader, node)

    def _key(self, tag: str, event: Any, strict: bool) -> Any:
        if tag == _STR:
            key = MarkedStr(event.value)
            key.start_mark = event.start_mark
            key.end_mark = event.end_mark
            return key
        key = self._constructed(tag, event)  # a short-form tag is not among them
        if strict and key is None:
            raise UndecidedError("a null key")
        return key

    def _scalar(self, tag: str, event: Any) -> tuple[Any, int]:
        """A scalar's value and how many levels it nests (short forms are mappings)."""
        self.count += 1
        if tag == _STR:
            value = MarkedStr(event.value)
            value.start_mark = event.start_mark
            value.end_mark = event.end_mark
            return value, 0
        if tag[0] != "!":
            return self._constructed(tag, event), 0
        name = tag[1:]
        short = name if name in _UNPREFIXED else f"Fn::{name}"
        self.count += 1  # the wrapping mapping
        inner: Any = event.value
        levels = 1
        if short == "Fn::GetAtt":
            parts = inner.split(".", 1)
            self.count += len(parts)
            inner = marked_list(parts, event.start_mark, event.end_mark)
            levels = 2
        return marked_dict({short: inner}, event.start_mark, event.end_mark), levels

    def _alias(self, known: _Frame | _Scalar | tuple[Any, int, int], as_key: Any) -> Any:
        """What an alias stands for, as a key (``as_key`` holds the mapping's strictness) or
        as a value ``(value, count, levels)``: containers and tagged scalars are shared."""
        if isinstance(known, _Frame):
            raise UndecidedError("a recursive alias")
        if isinstance(known, _Scalar):
            if as_key is not None:
                return self._key(known.tag, known.event, as_key)
            if known.tag == _STR:  # rebuilt at each use, as a plain string node is
                before = self.count
                value, levels = self._scalar(known.tag, known.event)
                return value, self.count - before, levels
            if known.built is None:
                before = self.count
                value, levels = self._scalar(known.tag, known.event)
                known.built = (value, self.count - before, levels)
                return known.built
            known = known.built
        if as_key is not None:
            raise UndecidedError("a key that is a mapping or a sequence")
        self.count += known[1]
        return known

    def document(self) -> tuple[Any, int]:
        get = self.loader.get_event
        get()  # the stream's start
        if get().__class__ is StreamEndEvent:
            raise UndecidedError("an empty document")
        tags = self.loader._tags  # the loader's cache of plain scalars' tags
        resolve = self.loader.resolve
        anchored = self.anchored
        anchors: dict[str, _Frame | _Scalar | tuple[Any, int, int]] = {}
        stack: list[_Frame] = []
        top: _Frame | None = None
        # The open mapping or sequence, kept in locals (the hot loop): its values, whether it
        # is a mapping, the key waiting for its value, and how many pairs it has had.
        out: Any = None
        mapping = False
        key: Any = _NO_KEY
        pairs = 0
        level = deepest = count = 0
        root: Any = None
        while True:
            event: Any = get()
            kind = event.__class__
            if kind is ScalarEvent:
                text = event.value
                tag = event.tag
                if tag is None:
                    if event.implicit[0]:
                        tag = tags.get(text) or resolve(ScalarNode, text, event.implicit)
                    else:
                        tag = _STR
                elif tag == "!":
                    tag = resolve(ScalarNode, text, event.implicit)
                anchor = event.anchor if anchored else None
                if tag == _STR and anchor is None:  # most scalars: inlined ``_key``/``_scalar``
                    value: Any = MarkedStr(text)
                    value.start_mark = event.start_mark
                    value.end_mark = event.end_mark
                    if mapping and key is _NO_KEY:
                        key = value
                        continue
                    count += 1
                else:
                    self.count = count
                    if anchor is not None:
                        if anchor in anchors:
                            raise UndecidedError("a repeated anchor")
                        anchors[anchor] = _Scalar(tag, event)
                    if mapping and key is _NO_KEY:
                        key = self._key(tag, event, top.strict)  # type: ignore[union-attr]
                        continue
                    if anchor is not None:
                        value, _, levels = self._alias(anchors[anchor], None)
                    else:
                        value, levels = self._scalar(tag, event)
                    count = self.count
                    if levels:
                        deepest = max(deepest, level + levels)
                        if top is not None:
                            top.deep = max(top.deep, level + levels)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if mapping and key is _NO_KEY:
                    raise UndecidedError("a key that is a mapping or a sequence")
                opens_map = kind is MappingStartEvent
                tag = event.tag
                if tag is None or tag == "!" or tag == (_MAP if opens_map else _SEQ):
                    frame = _Frame(
                        MarkedDict() if opens_map else MarkedList(), opens_map, None, event, level
                    )
                elif tag[0] == "!":
                    name = tag[1:]
                    short = name if name in _UNPREFIXED else f"Fn::{name}"
                    if opens_map and short == "Fn::GetAtt":
                        raise UndecidedError("!GetAtt with a mapping")
                    frame = _Frame({} if opens_map else [], opens_map, short, event, level)
                    count += 1  # the wrapping mapping
                else:
                    raise UndecidedError(f"tag {tag}")
                frame.counted = count
                count += 1
                if anchored and frame.anchor is not None:
                    if frame.anchor in anchors:
                        raise UndecidedError("a repeated anchor")
                    anchors[frame.anchor] = frame
                level = frame.deep
                if level > deepest:
                    deepest = level
                    if level > EVENT_DEPTH:
                        raise _TooDeepError
                if top is not None:
                    top.key = key
                    top.pairs = pairs
                stack.append(frame)
                top = frame
                out, mapping, key, pairs = frame.out, opens_map, _NO_KEY, 0
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                if frame.strict and mapping and len(out) != pairs:
                    raise UndecidedError("a repeated key")
                start = frame.start.start_mark
                if frame.short is None:
                    out.start_mark = start
                    out.end_mark = event.end_mark
                    value = out
                else:
                    if frame.short == "Fn::GetAtt":
                        out = marked_list(out, start, event.end_mark)
                    value = marked_dict({frame.short: out}, start, event.end_mark)
                level = frame.base
                if anchored and frame.anchor is not None:
                    # what an alias adds: this value's count, and its depth below ``level``
                    counted = count - frame.counted + (frame.short is not None)
                    anchors[frame.anchor] = (value, counted, frame.deep - level)
                if stack:
                    top = stack[-1]
                    out, mapping, key, pairs = top.out, top.mapping, top.key, top.pairs
                    if frame.deep > top.deep:
                        top.deep = frame.deep
                else:
                    top = out = None
                    mapping = False
            elif kind is AliasEvent:
                known = anchors.get(event.anchor)
                if known is None:
                    raise UndecidedError("an alias to no anchor")
                self.count = count
                if mapping and key is _NO_KEY:
                    key = self._alias(known, top.strict)  # type: ignore[union-attr]
                    count = self.count
                    continue
                value, _, levels = self._alias(known, None)
                count = self.count
                if levels:
                    deepest = max(deepest, level + levels)
                    if top is not None:
                        top.deep = max(top.deep, level + levels)
            else:  # the document's end
                break
            if mapping:
                out[key] = value
                key = _NO_KEY
                pairs += 1
            elif out is not None:
                out.append(value)
            else:
                root = value
        if get().__class__ is not StreamEndEvent:
            raise UndecidedError("several documents")
        if anchored and count > MAX_EXPANDED_NODES:  # the node path counts only with anchors
            raise UndecidedError("alias expansion")
        return root, deepest - 1
