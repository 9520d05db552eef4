"""YAML templates at C speed: libyaml composes, a small builder turns nodes into values.

cfn-lint's loader composes with the same libyaml parser (``yaml.CSafeLoader``) and then runs
PyYAML's generic Python constructor over every node, duplicate checks, a second alias scan and
all; that was most of a template scan. This builder gives the same values and the same
positions for what templates are made of (mappings, sequences, scalars, short-form intrinsic
tags, anchors and aliases) and raises ``UndecidedError`` for everything else (merge keys,
repeated or odd keys, explicit YAML tags, recursive aliases, an alias expansion cfn-lint would
refuse): the caller then asks cfn-lint itself, so its verdict (a value or an error) stays the
rule.

The values are built from libyaml's events as the parser hands them over (``_yaml_hooks``:
no PyYAML event objects, no Python loop between events); the node builder stays the reference
and decides documents deeper than ``EVENT_DEPTH``, or any document should a PyYAML release
hand its events over otherwise.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING, Any

import yaml
from yaml import MappingNode, ScalarNode, SequenceNode

from fnguard.collect.cloudformation._nodes import (
    MarkedDict,
    MarkedList,
    MarkedStr,
    marked_dict,
    marked_list,
)
from fnguard.collect.cloudformation._yaml_hooks import (
    DOCUMENT_END,
    STREAM_END,
    STREAM_START,
    Hooks,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["EVENT_DEPTH", "MAX_EXPANDED_NODES", "UndecidedError", "decode_yaml", "load_yaml"]

# cfn-lint refuses a template that holds more values than this once aliases are expanded.
MAX_EXPANDED_NODES = 250_000
# Deeper documents take the node path, whose recursion decides them as it always did.
EVENT_DEPTH = 200
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"  # resolved string tags are this object (told by identity)
_INT = _TAG + "int"  # and so are resolved integer tags
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
    if threading.active_count() > 1:
        # ``_yaml_hooks`` swaps names in PyYAML's C module while a document is parsed:
        # another thread reading PyYAML's events meanwhile would get the builder's answers.
        # A single-threaded process (the CLI) cannot have one; any other takes the node path.
        raise _TooDeepError("other threads run: the node path decides")
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
                tag = _STR  # the builder tells strings and integers by identity
            elif tag == _INT:
                tag = _INT
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
    """Nested deeper than ``EVENT_DEPTH`` (or path resolvers in play, or events the hooks do
    not see): the node path decides."""


_NO_KEY: Any = object()
_UNBUILT: Any = object()  # a scalar the event hook leaves to ``other_scalar``


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
        """The document, built by the parser's calls for its events (see ``_yaml_hooks``):
        each event is handled where libyaml hands it over, and the loop that asks for them
        is C (``deque(iter(get, DOCUMENT_END), 0)``): no Python code runs between events.
        The functions share the builder's state (the open mapping or sequence) as closure
        cells, the fastest state Python has short of a loop's locals."""
        loader = self.loader
        tags = loader._tags  # the loader's memory of plain scalars' tags
        resolve = loader.resolve
        firsts = _first_characters(loader.yaml_implicit_resolvers)
        anchors: dict[str, _Frame | _Scalar | tuple[Any, int, int]] = {}
        # The open mapping or sequence: its values, whether it is a mapping, the key waiting
        # for its value, how many pairs it has had, and its frame when it is tagged or
        # anchored (None for a plain one). The stack holds the same for each one around it;
        # the document's value goes into ``root``.
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

        def place(value: Any) -> None:
            nonlocal key, pairs
            if mapping:
                out[key] = value
                key = _NO_KEY
                pairs += 1
            else:
                out.append(value)

        def scalar(
            anchor: str | None,
            tag: str | None,
            implicit: tuple[bool, bool],
            text: str,
            start_mark: Any,
            end_mark: Any,
            style: str | None,
        ) -> bool:
            nonlocal key, pairs, count
            if tag is None:
                if not implicit[0] or (text and text[0]) not in firsts:  # quoted, or no resolver
                    tag = _STR
                else:
                    tag = tags.get(text) or resolve(ScalarNode, text, implicit)
                # Most events, inlined ``_key``/``_scalar``: a plain string, or a plain decimal
                # (``memorySize: 512``) built as PyYAML's constructor builds it.
                value: Any = _UNBUILT
                if anchor is not None:
                    pass
                elif tag is _STR:
                    value = MarkedStr(text)
                    value.start_mark = start_mark
                    value.end_mark = end_mark
                elif (
                    tag is _INT
                    and text.isascii()
                    and text.isdigit()
                    and (text[0] != "0" or len(text) == 1)
                ):
                    value = int(text)
                if value is not _UNBUILT:
                    if mapping:
                        if key is _NO_KEY:
                            key = value
                            return True
                        out[key] = value
                        key = _NO_KEY
                        pairs += 1
                    else:
                        out.append(value)
                    count += 1
                    return True
            elif tag == "!":
                tag = resolve(ScalarNode, text, implicit)
            other_scalar(
                _Scalar(_STR if tag == _STR else tag, text, start_mark, end_mark, style), anchor
            )
            return True

        def other_scalar(known: _Scalar, anchor: str | None) -> None:
            """A tagged, anchored or constructed scalar."""
            nonlocal key, count, deepest
            if anchor is not None:
                if anchor in anchors:
                    raise UndecidedError("a repeated anchor")
                anchors[anchor] = known
            self.count = count
            if mapping and key is _NO_KEY:
                key = self._key(known, frame is None or frame.strict)
                return
            levels: int
            if anchor is not None:
                value, _, levels = self._alias(known, None)
            else:
                value, levels = self._scalar(known)
            count = self.count
            if level + levels > deepest:
                deepest = level + levels
            place(value)

        def starts(opens_map: bool) -> Callable[..., bool]:
            """What a mapping (``opens_map``) or a sequence does when it opens."""
            empty = MarkedDict if opens_map else MarkedList
            default = _MAP if opens_map else _SEQ

            def start(
                anchor: str | None,
                tag: str | None,
                implicit: bool,
                start_mark: Any,
                end_mark: Any,
                flow_style: bool | None,
            ) -> bool:
                nonlocal out, mapping, key, pairs, frame, count, level, deepest
                if anchor is not None or not (tag is None or tag == "!" or tag == default):
                    other_opened(opens_map, tag, anchor, start_mark)
                    return True
                if mapping and key is _NO_KEY:
                    raise UndecidedError("a key that is a mapping or a sequence")
                push((out, mapping, key, pairs, frame))
                out = empty()
                out.start_mark = start_mark
                mapping, key, pairs, frame = opens_map, _NO_KEY, 0, None
                count += 1
                level += 1
                if level > deepest:
                    deepest = level
                    if level > EVENT_DEPTH:
                        raise _TooDeepError
                return True

            return start

        def other_opened(opens_map: bool, tag: str | None, anchor: str | None, start: Any) -> None:
            """A tagged or anchored mapping or sequence opens."""
            nonlocal out, mapping, key, pairs, frame, count, level, deepest
            if mapping and key is _NO_KEY:
                raise UndecidedError("a key that is a mapping or a sequence")
            push((out, mapping, key, pairs, frame))
            frame, out = self._opened(tag, anchor, opens_map, start, level)
            mapping, key, pairs = opens_map, _NO_KEY, 0
            if frame.short is not None:
                count += 1  # the wrapping mapping
            frame.counted = count
            count += 1
            level += 1 if frame.short is None else 2
            if anchor is not None:
                if anchor in anchors:
                    raise UndecidedError("a repeated anchor")
                anchors[anchor] = frame
                frame.outer = deepest
                deepest = level
            if level > deepest:
                deepest = level
            if level > EVENT_DEPTH:
                raise _TooDeepError

        def end(start_mark: Any, end_mark: Any) -> bool:
            """The open mapping or sequence ends: its value goes into the one around it."""
            nonlocal out, mapping, key, pairs, frame, level, deepest
            value: Any = out
            if frame is None:  # a plain one
                if mapping and len(out) != pairs:
                    raise UndecidedError("a repeated key")
                value.end_mark = end_mark
                level -= 1
            else:
                value = self._closed(frame, out, mapping, pairs, end_mark)
                level = frame.base
                if frame.anchor is not None:
                    # what an alias adds: this value's count, and its depth below ``level``
                    counted = count - frame.counted + (frame.short is not None)
                    anchors[frame.anchor] = (value, counted, deepest - level)
                    if frame.outer > deepest:
                        deepest = frame.outer
            out, mapping, key, pairs, frame = pop()
            if mapping:
                out[key] = value
                key = _NO_KEY
                pairs += 1
            else:
                out.append(value)
            return True

        def alias(anchor: str, start_mark: Any, end_mark: Any) -> bool:
            nonlocal key, count, deepest
            known = anchors.get(anchor)
            if known is None:
                raise UndecidedError("an alias to no anchor")
            self.count = count
            if mapping and key is _NO_KEY:
                key = self._alias(known, frame is None or frame.strict)
                count = self.count
                return True
            value, _, levels = self._alias(known, None)
            count = self.count
            if level + levels > deepest:
                deepest = level + levels
            place(value)
            return True

        hooks = Hooks(
            scalar=scalar,
            mapping_start=starts(True),
            sequence_start=starts(False),
            end=end,
            alias=alias,
        )
        with hooks:
            get: Callable[[], Any] = loader.get_event
            if get() is not STREAM_START:
                raise _TooDeepError("events of another shape: the node path decides")
            if get() is STREAM_END:
                raise UndecidedError("an empty document")
            deque(iter(get, DOCUMENT_END), 0)  # every event of the document, in C
            if get() is not STREAM_END:
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
