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
            tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
            if tag == _STR:
                tag = _STR  # the builder tells strings by identity
            self._tags[value] = tag
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


# The values a plain scalar can be besides a string, built by PyYAML's own constructors.
_CONSTRUCTORS = {
    _TAG + name: yaml.constructor.SafeConstructor.yaml_constructors[_TAG + name]
    for name in _PLAIN_SCALARS
}


class _Everything:
    """Contains every first character (a resolver registered for any)."""

    def __contains__(self, item: object) -> bool:
        return True


def _first_characters(resolvers: dict[Any, Any]) -> frozenset[str] | _Everything:
    """The first characters of the plain scalars PyYAML may resolve to something other than
    a string (it looks resolvers up by first character, ``""`` for an empty scalar and None
    for a resolver of any): most scalars (``Properties``, ``Effect``, ``Allow``) start with
    none of them and are strings without a look-up."""
    return _Everything() if None in resolvers else frozenset(resolvers)


class _Frame:
    """An open mapping or sequence that is tagged (a short form) or anchored; plain ones are
    only their value on the builder's stack."""

    __slots__ = ("anchor", "base", "counted", "outer", "short", "start", "strict")

    def __init__(self, short: str | None, anchor: str | None, start: Any, base: int) -> None:
        self.short = short  # the intrinsic a short-form tag wraps it in (``Fn::Sub``)
        self.strict = short is None  # a plain mapping: no null and no repeated keys
        self.anchor = anchor
        self.start = start  # its start mark
        self.base = base  # the level around it
        self.counted = 0  # values built before it (aliases count what they expand to)
        self.outer = 0  # the deepest level reached before it (anchored: measured from here)


class _Scalar:
    """An anchored scalar: its parts, and its value once built (an alias shares it)."""

    __slots__ = ("built", "end", "start", "style", "tag", "text")

    def __init__(self, tag: str, text: str, start: Any, end: Any, style: Any) -> None:
        self.tag = tag
        self.text = text
        self.start = start
        self.end = end
        self.style = style
        self.built: tuple[Any, int, int] | None = None


class _Events:
    """``_Builder`` over libyaml's events instead of composed nodes: the same values (aliases
    sharing one object), positions, depth, expansion count and refusals."""

    def __init__(self, loader: _Loader, anchored: bool) -> None:
        self.loader = loader
        self.anchored = anchored  # anchors are possible: count what aliases expand to
        self.count = 0

    def _constructed(self, tag: str, text: str, start: Any, end: Any, style: Any) -> Any:
        """A scalar that is not a plain string: a number, boolean, null or date, else refused."""
        construct = _CONSTRUCTORS.get(tag)
        if construct is None:
            raise UndecidedError(f"tag {tag}")
        return construct(self.loader, ScalarNode(tag, text, start, end, style))

    def _key(self, known: _Scalar, strict: bool) -> Any:
        if known.tag == _STR:
            key = MarkedStr(known.text)
            key.start_mark = known.start
            key.end_mark = known.end
            return key
        key = self._constructed(known.tag, known.text, known.start, known.end, known.style)
        if strict and key is None:  # a short-form tag is not among the constructed ones
            raise UndecidedError("a null key")
        return key

    def _scalar(self, known: _Scalar) -> tuple[Any, int]:
        """A scalar's value and how many levels it nests (short forms are mappings)."""
        self.count += 1
        tag = known.tag
        if tag == _STR:
            value = MarkedStr(known.text)
            value.start_mark = known.start
            value.end_mark = known.end
            return value, 0
        if tag[0] != "!":
            return self._constructed(tag, known.text, known.start, known.end, known.style), 0
        name = tag[1:]
        short = name if name in _UNPREFIXED else f"Fn::{name}"
        self.count += 1  # the wrapping mapping
        inner: Any = known.text
        levels = 1
        if short == "Fn::GetAtt":
            parts = inner.split(".", 1)
            self.count += len(parts)
            inner = marked_list(parts, known.start, known.end)
            levels = 2
        return marked_dict({short: inner}, known.start, known.end), levels

    def _alias(self, known: _Frame | _Scalar | tuple[Any, int, int], as_key: Any) -> Any:
        """What an alias stands for, as a key (``as_key`` holds the mapping's strictness) or
        as a value ``(value, count, levels)``: containers and tagged scalars are shared."""
        if isinstance(known, _Frame):
            raise UndecidedError("a recursive alias")
        if isinstance(known, _Scalar):
            if as_key is not None:
                return self._key(known, as_key)
            if known.tag == _STR:  # rebuilt at each use, as a plain string node is
                before = self.count
                value, levels = self._scalar(known)
                return value, self.count - before, levels
            if known.built is None:
                before = self.count
                value, levels = self._scalar(known)
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
        tags = _TAGS  # plain scalars' tags (the loader's memory)
        resolve = self.loader.resolve
        firsts = _first_characters(self.loader.yaml_implicit_resolvers)
        new_str = str.__new__
        anchors: dict[str, _Frame | _Scalar | tuple[Any, int, int]] = {}
        # The open mapping or sequence, kept in locals (the hot loop): its values, whether it
        # is a mapping, the key waiting for its value, how many pairs it has had, and its
        # frame when it is tagged or anchored (None for a plain one). The stack holds the
        # same for each one around it; the document's value goes into ``root``.
        root: list[Any] = []
        out: Any = root
        mapping = False
        key: Any = _NO_KEY
        pairs = 0
        frame: _Frame | None = None
        stack: list[tuple[Any, bool, Any, int, _Frame | None]] = []
        push = stack.append
        pop = stack.pop
        # ``deepest`` is the deepest level reached, within the innermost anchored value
        # while one is open (its frame keeps the level reached before it).
        level = deepest = count = 0
        value: Any
        levels: int
        while True:
            event: Any = get()
            kind = event.__class__
            if kind is ScalarEvent:
                tag = event.tag
                if tag is None:
                    implicit = event.implicit
                    text = event.value
                    if implicit[0] and text[:1] in firsts:
                        tag = tags.get(text) or resolve(ScalarNode, text, implicit)
                    else:
                        tag = _STR
                elif tag == "!":
                    tag = resolve(ScalarNode, event.value, event.implicit)
                anchor = event.anchor
                if anchor is None and tag is _STR:  # most scalars: inlined ``_key``/``_scalar``
                    value = new_str(MarkedStr, event.value)
                    value.start_mark = event.start_mark
                    value.end_mark = event.end_mark
                    if mapping:
                        if key is _NO_KEY:
                            key = value
                            continue
                        out[key] = value
                        key = _NO_KEY
                        pairs += 1
                    else:
                        out.append(value)
                    count += 1
                    continue
                if tag == _STR:
                    tag = _STR
                known = _Scalar(tag, event.value, event.start_mark, event.end_mark, event.style)
                if anchor is not None:
                    if anchor in anchors:
                        raise UndecidedError("a repeated anchor")
                    anchors[anchor] = known
                self.count = count
                if mapping and key is _NO_KEY:
                    key = self._key(known, frame is None or frame.strict)
                    continue
                if anchor is not None:
                    value, _, levels = self._alias(known, None)
                else:
                    value, levels = self._scalar(known)
                count = self.count
                if level + levels > deepest:
                    deepest = level + levels
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                if frame is None:  # a plain mapping or sequence
                    if mapping and len(out) != pairs:
                        raise UndecidedError("a repeated key")
                    out.end_mark = event.end_mark
                    value = out
                    level -= 1
                else:
                    value = self._closed(frame, out, mapping, pairs, event.end_mark)
                    level = frame.base
                    if frame.anchor is not None:
                        # what an alias adds: this value's count, and its depth below ``level``
                        counted = count - frame.counted + (frame.short is not None)
                        anchors[frame.anchor] = (value, counted, deepest - level)
                        if frame.outer > deepest:
                            deepest = frame.outer
                out, mapping, key, pairs, frame = pop()
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if mapping and key is _NO_KEY:
                    raise UndecidedError("a key that is a mapping or a sequence")
                opens_map = kind is MappingStartEvent
                tag = event.tag
                anchor = event.anchor
                push((out, mapping, key, pairs, frame))
                mapping, key, pairs = opens_map, _NO_KEY, 0
                if anchor is None and (
                    tag is None or tag == "!" or tag == (_MAP if opens_map else _SEQ)
                ):
                    out = MarkedDict() if opens_map else MarkedList()
                    out.start_mark = event.start_mark
                    frame = None
                    count += 1
                    level += 1
                else:
                    frame, out = self._opened(tag, anchor, opens_map, event.start_mark, level)
                    if frame.short is not None:
                        count += 1  # the wrapping mapping
                    frame.counted = count
                    count += 1
                    if anchor is not None:
                        if anchor in anchors:
                            raise UndecidedError("a repeated anchor")
                        anchors[anchor] = frame
                    level += 1 if frame.short is None else 2
                    if anchor is not None:
                        frame.outer = deepest
                        deepest = level
                if level > deepest:
                    deepest = level
                if level > EVENT_DEPTH:
                    raise _TooDeepError
                continue
            elif kind is AliasEvent:
                known_alias = anchors.get(event.anchor)
                if known_alias is None:
                    raise UndecidedError("an alias to no anchor")
                self.count = count
                if mapping and key is _NO_KEY:
                    key = self._alias(known_alias, frame is None or frame.strict)
                    count = self.count
                    continue
                value, _, levels = self._alias(known_alias, None)
                count = self.count
                if level + levels > deepest:
                    deepest = level + levels
            else:  # the document's end
                break
            if mapping:
                out[key] = value
                key = _NO_KEY
                pairs += 1
            else:
                out.append(value)
        if get().__class__ is not StreamEndEvent:
            raise UndecidedError("several documents")
        if self.anchored and count > MAX_EXPANDED_NODES:  # the node path counts with anchors
            raise UndecidedError("alias expansion")
        return root[0], deepest - 1

    @staticmethod
    def _opened(
        tag: str | None, anchor: str | None, opens_map: bool, start: Any, level: int
    ) -> tuple[_Frame, Any]:
        """The frame and the empty value of a tagged or anchored mapping or sequence."""
        if tag is None or tag == "!" or tag == (_MAP if opens_map else _SEQ):
            out: Any = MarkedDict() if opens_map else MarkedList()
            return _Frame(None, anchor, start, level), out
        if tag[0] != "!":
            raise UndecidedError(f"tag {tag}")
        name = tag[1:]
        short = name if name in _UNPREFIXED else f"Fn::{name}"
        if opens_map and short == "Fn::GetAtt":
            raise UndecidedError("!GetAtt with a mapping")
        return _Frame(short, anchor, start, level), {} if opens_map else []

    @staticmethod
    def _closed(frame: _Frame, out: Any, mapping: bool, pairs: int, end: Any) -> Any:
        """The value of a tagged or anchored mapping or sequence at its end."""
        if frame.short is None:
            if mapping and len(out) != pairs:
                raise UndecidedError("a repeated key")
            out.start_mark = frame.start
            out.end_mark = end
            return out
        if frame.short == "Fn::GetAtt":
            out = marked_list(out, frame.start, end)
        return marked_dict({frame.short: out}, frame.start, end)
