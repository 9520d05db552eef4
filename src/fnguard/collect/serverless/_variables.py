"""Serverless Framework variables (``${source:address, fallback}``) resolved offline.

What a deploy would read from AWS (``ssm``, ``aws``, ``cf``, ``s3``, ``secretsmanager``) stays a
*reference*: its text is kept and it is never mistaken for a secret written in the source.
``env`` is not read from the scanning machine (a scan must not depend on, or leak, the shell
it runs in): its fallback applies, else it is unresolved. ``file()`` reads YAML/JSON inside
the scanned root only and never runs ``.js``/``.ts`` resolvers. Anything unresolved becomes a
``Problem`` (and an ``Unknown`` value), never an exception, but for one: a value that would make the
resolved configuration larger than ``max-file-bytes`` (counted as written out, each copy
again) raises ``LimitError``: variables can copy, and ``a: [${self:b}, ${self:b}]`` over 40
levels is a billion laughs.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from fnguard import limits
from fnguard.collect._shared import read_bounded
from fnguard.collect.cloudformation import (
    MarkedDict,
    MarkedList,
    MarkedStr,
    Unknown,
    decode,
    is_mapping,
    line_of,
    marked_dict,
    marked_list,
    marked_str,
)
from fnguard.collect.serverless import CLAIMED_NAMES
from fnguard.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Problem", "Variables"]

_MISSING: Any = object()
_SCALARS = frozenset({int, float, bool, type(None)})
_TEXTS = frozenset({str, MarkedStr})
_MAX_DEPTH = 32
_REFERENCE_SOURCES = ("ssm", "aws", "cf", "s3", "secretsmanager")
# ``source:address`` or ``source(param)[:address]``; ``${AWS::Region}`` and ``${Res.Arn}`` are not.
_SOURCE = re.compile(r"\s*(\w+)(?:(\([^)]*\))(?::(.*))?|:(?!:)(.*))", re.DOTALL)
_CODE_SUFFIXES = (".js", ".cjs", ".mjs", ".ts")
_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+\.\d+")
# Size written out per character of text, at most: a decoded value can weigh more than its
# text (``{a,b}``: two keys with null values, 22 for 5 characters; ~5 at worst).
_PER_CHARACTER = 16


@dataclass(frozen=True)
class Problem:
    """A variable that could not be resolved: where it is written (config path and line)."""

    path: tuple[str, ...]
    line: int
    message: str


@dataclass(frozen=True)
class _Position:
    """Marks for a value that has no node of its own in the scanned file."""

    start_mark: Any
    end_mark: Any


# _walk's answer: size of the clean children, whole size of plain data (else None), whether
# plain data is placed as it is, and the children resolved one by one (key or index, value).
_Walked = tuple[int, int | None, bool, list[tuple[Any, Any]] | None]


class _CycleError(Exception):
    pass


class Variables:
    """Resolves one configuration; ``problems`` collects what stayed unknown."""

    def __init__(
        self,
        config: Mapping[str, Any],
        base_dir: Path,
        root: Path,
        options: Mapping[str, str] | None = None,
        file: str | None = None,
        text: str | None = None,
    ) -> None:
        """``file`` names the configuration in a ``LimitError`` (its path from the scan root;
        by default the service file found in ``base_dir``). ``text``, the text ``config`` was
        decoded from, says which of its maps and lists hold no variable (``_own``)."""
        self.config = config
        self._file_name = file
        self.base_dir = base_dir
        self._root = root
        self.options = dict(options or {})
        self.problems: list[Problem] = []
        self._done: dict[tuple[str, ...], Any] = {}
        self._active: set[tuple[str, ...]] = set()
        self._files: dict[Path, Any] = {}
        self._depth = 0
        # A variable's value where asking again must give the same: no variable inside it, no
        # file (placed on the line that names it), no problem. Its lookups are then all in
        # _done, so asking again would neither go deeper nor meet a cycle.
        self._known: dict[str, Any] = {}
        self._known_texts: dict[str, Any] = {}
        self._files_asked = 0
        self._weights: dict[int, int] = {}  # id of a resolved list/map -> size written out
        self._weighed: list[Any] = []  # what _weight remembered, kept (its id stays its own)
        # id of a decoded map or list placed item by item -> _walk's answer
        self._walks: dict[int, _Walked] = {}
        self._cap = limits.active().max_file_bytes
        # Where the text holds ``${`` or an escape (``_flagged``), None without a usable text;
        # ``_by_text`` is off while what is built may not be the configuration's own nodes.
        self._flagged = _flagged(config, text, self._cap) if text is not None else None
        self._slack = _PER_CHARACTER * len(text) if self._flagged is not None and text else 0
        self._by_text = self._flagged is not None
        # id of a map or list _own built -> its size without the maps and lists the text says
        # are plain (those all together weigh at most ``_slack``)
        self._partial: dict[int, int] = {}

    def resolved(self) -> Any:
        """The whole configuration with every variable replaced."""
        return self._value((), self.config)

    @cached_property
    def file(self) -> str:
        """The configuration's path in messages (found when first asked: a few system calls
        that most services never need)."""
        return self._file_name or _service_file(self.base_dir, self._root)

    @cached_property
    def root(self) -> Path:
        """The scanned folder, resolved (``file()`` reads nothing outside it)."""
        return self._root.resolve()

    # ------------------------------------------------------------------ tree

    def _value(self, path: tuple[str, ...], node: Any) -> Any:
        done = self._done.get(path, _MISSING)
        if done is not _MISSING:
            return done
        active = self._active
        if path in active:
            raise _CycleError(".".join(path))
        active.add(path)
        try:
            value = self._build(path, node)
        finally:
            active.discard(path)
        self._done[path] = value
        return value

    def _build(self, path: tuple[str, ...], node: Any) -> Any:
        if isinstance(node, str):
            if "${" not in node:
                return node
            try:
                return self._bounded(path, node, self._text(str(node), path, line_of(node)))
            except _CycleError as exc:
                self.problems.append(
                    Problem(path, line_of(node), f"variable cycle through {exc} in {node}")
                )
                return Unknown(str(node))
        kind = node.__class__
        if (kind is MarkedDict or kind is MarkedList) and self._by_text:
            start = getattr(node, "start_mark", None)
            end = getattr(node, "end_mark", None)
            if start is not None and end is not None and start is not end:
                return self._own(path, node, start.index, end.index)
        if is_mapping(node) or isinstance(node, list):
            walked = self._walks.get(id(node)) or self._walk(node)
            clean, total, same, dirty = walked
            if total is not None and total <= self._cap and isinstance(node, dict | list):
                # Plain data: the node itself, or a copy of ours when it is another kind.
                placed = node if same else self._plain_copy(node)
                self._weights[id(placed)] = total
                return placed
            # Else item by item: variables, or a size past the limit (said where it is).
            return self._rebuilt(path, node, clean, dirty)
        return node

    def _walk(self, node: Any) -> _Walked:
        """One walk over a map or list: its size written out without the children that must be
        resolved one by one (``dirty``: strings with a variable, maps and lists that hold one or
        that are placed item by item, anything else), and for plain data (no variable below)
        its whole size and whether a copy would be the same all the way down (each map and list
        of ours with its marks, or a plain dict or list: what ``_like`` gives back).

        A clean child is a plain string or number, or plain data of ours within the size limit
        that ``_build`` places as it is; the answers for dirty maps and lists are remembered for
        ``_build`` (plain ones are not asked again)."""
        walks = self._walks
        cap = self._cap
        weight = 2 + len(node)
        aside = 0  # plain children resolved one by one all the same (past the limit, copied)
        plain = same = True
        dirty: list[tuple[Any, Any]] | None = None
        node_kind = node.__class__
        if node_kind is MarkedList or node_kind is list or not is_mapping(node):
            items: Any = enumerate(node)
            keyed = False
        else:
            items = node.items()
            keyed = True
        for key, value in items:
            if keyed:
                weight += len(key) if key.__class__ in _TEXTS else len(str(key))
            kind = value.__class__
            if kind is MarkedStr or kind is str:
                if "${" not in value:
                    weight += len(value) + 2
                    continue
                plain = False
            elif kind in _SCALARS:
                weight += 8
                continue
            elif kind is MarkedDict or kind is MarkedList:
                walked = walks.get(id(value)) or self._walk(value)
                total = walked[1]
                if total is None:
                    plain = False
                elif walked[2] and total <= cap:
                    weight += total
                    continue
                else:
                    aside += total
                    same = same and walked[2]
                walks[id(value)] = walked
            else:
                plain = False  # anything else is taken item by item
            if dirty is None:
                dirty = [(key, value)]
            else:
                dirty.append((key, value))
        if not plain:
            return weight, None, False, dirty
        if same and node_kind is not dict and node_kind is not list:
            same = (
                (node_kind is MarkedDict or node_kind is MarkedList)
                and getattr(node, "start_mark", None) is not None
                and hasattr(node, "end_mark")
            )  # _marked(node), inline: asked for every plain map and list
        return weight, weight + aside, same, dirty

    def _rebuilt(
        self, path: tuple[str, ...], node: Any, clean: int, dirty: list[tuple[Any, Any]] | None
    ) -> Any:
        """A copy of ``node`` with its dirty children resolved; ``clean`` is the size of the rest.
        Placed like ``node`` unless writing it out would pass the size limit."""
        start = getattr(node, "start_mark", None)
        if is_mapping(node):
            out: Any = dict(node) if start is None else MarkedDict(node)
        else:
            out = list(node) if start is None else MarkedList(node)
        weight = clean
        for key, value in dirty or ():
            resolved = self._value((*path, str(key)), value)
            out[key] = resolved
            weight += self._weight(resolved)
        if weight > self._cap:
            self._too_large(path, node)
        if start is not None:
            out.start_mark = start
            out.end_mark = getattr(node, "end_mark", None)
        self._weights[id(out)] = weight
        return out

    def _own(self, path: tuple[str, ...], node: Any, first: int, end: int) -> Any:
        """``_walk`` and ``_build`` in one pass for a map or list of the configuration's own
        text (characters ``first`` to ``end``), with the same answer, problems and errors.

        The text tells plain data without a visit: no character of it is in ``${`` or an
        escape, and it is placed as it is. With no anchor in the text (``_flagged``) the
        configuration's own nodes are a tree over its text, so all that they write out,
        leaving out what variables give, is at most ``_slack`` (``_PER_CHARACTER``): a map
        or list's size here (``_partial``) is what variables give inside it, and only when
        that plus ``_slack`` passes the limit is its exact size asked. Other maps and lists
        are resolved in place of the walk: one that holds no variable comes back as it is
        (the walk's clean child)."""
        flagged = self._flagged
        assert flagged is not None  # _build asks only with a text
        last = len(flagged)
        i = bisect_left(flagged, first)
        if i == last or flagged[i] >= end:
            self._partial[id(node)] = 0
            return node
        weights = self._weights
        partial = self._partial
        done = self._done
        active = self._active
        known_texts = self._known_texts
        cap = self._cap
        weight = 0
        out: Any = None  # the copy, made at the first child resolved to something else
        keyed = node.__class__ is not MarkedList
        for key, value in node.items() if keyed else enumerate(node):
            kind = value.__class__
            if kind is MarkedStr or kind is str:
                if "${" not in value:
                    continue
                child = (*path, str(key))
                known = _MISSING
                if self._depth < _MAX_DEPTH and child not in done and child not in active:
                    known = known_texts.get(value, _MISSING)
                answer = known.__class__
                if (answer is str or answer is MarkedStr) and len(known) + 2 <= cap:
                    # _value, _build and _bounded inline for a text answered before (_text)
                    resolved = _like(value, known)
                    done[child] = resolved
                    weight += len(known) + 2
                elif answer is Unknown and cap >= 8:  # placed as it is, weighs 8 (_weight)
                    resolved = done[child] = known
                    weight += 8
                else:
                    resolved = self._value(child, value)
                    weight += weights.get(id(resolved)) or self._weight(resolved)
            elif kind is MarkedDict or kind is MarkedList:
                try:
                    start = value.start_mark
                    stop = value.end_mark
                except AttributeError:  # a map or list of ours made without marks
                    start = stop = None
                own = start is not None and stop is not None and start is not stop
                if own:
                    i = bisect_left(flagged, start.index)
                    if i == last or flagged[i] >= stop.index:
                        continue
                child = (*path, str(key))
                resolved = done.get(child, _MISSING)
                if resolved is not _MISSING:  # asked already (or a key alike): as the walk
                    walked = self._walks.get(id(value)) or self._walk(value)
                    total = walked[1]
                    if total is not None and walked[2] and total <= cap:
                        continue
                    self._walks[id(value)] = walked
                elif own:  # _value, inline
                    if child in active:
                        raise _CycleError(".".join(child))
                    active.add(child)
                    try:
                        resolved = self._own(child, value, start.index, stop.index)
                    finally:
                        active.discard(child)
                    done[child] = resolved
                else:  # not from the text (no decoder of ours makes one): counted exactly
                    resolved = self._value(child, value)
                    if resolved is value:
                        weight += weights.get(id(value)) or self._weight(value)
                        continue
                if resolved is value:  # no variable below: the walk's clean child
                    continue
                size = weights.get(id(resolved))
                if size is None:
                    size = partial.get(id(resolved))
                    if size is None:
                        size = self._weight(resolved)
                weight += size
            elif kind in _SCALARS:
                continue
            else:
                resolved = self._value((*path, str(key)), value)
                weight += weights.get(id(resolved)) or self._weight(resolved)
            if out is None:
                out = MarkedDict(node) if keyed else MarkedList(node)
            out[key] = resolved
        if out is None:  # plain data, within the limit (``_PER_CHARACTER``)
            partial[id(node)] = 0
            return node
        if weight + self._slack > cap:
            weight = self._weight(out)  # it might pass the limit: the exact size decides
            if weight > cap:
                self._too_large(path, node)
            weights[id(out)] = weight
        else:
            partial[id(out)] = weight
        out.start_mark = node.start_mark
        out.end_mark = node.end_mark
        return out

    def _too_large(self, path: tuple[str, ...], node: Any) -> None:
        where = ".".join(path) or "the top level"
        what = f"variables at {where} expand past {self._cap:,} bytes"
        raise limits.LimitError(str(self.file), line_of(node), "max_file_bytes", what)

    def _plain_copy(self, node: Any) -> Any:
        """A copy of plain data (``_walk``) placed as ``_build`` places resolved data."""
        if isinstance(node, dict):
            out: Any = {key: self._plain_item(value) for key, value in node.items()}
        else:
            out = [self._plain_item(value) for value in node]
        return _like(node, out)

    def _plain_item(self, value: Any) -> Any:
        kind = value.__class__
        if kind is MarkedDict or kind is MarkedList:
            return self._plain_copy(value)
        return value

    def _bounded(self, path: tuple[str, ...], node: Any, value: Any) -> Any:
        """``value`` placed like ``node``, unless writing it out would pass the size limit."""
        weight = self._weight(value)
        if weight > self._cap:
            self._too_large(path, node)
        placed = _like(node, value)
        if _is_container(value):
            self._weights[id(placed)] = weight
        return placed

    def _weight(self, value: Any) -> int:
        """Size written out; resolved children's sizes are remembered, shared ones reused."""
        if isinstance(value, str):
            return len(value) + 2
        if _is_container(value):
            known = self._weights.get(id(value))
            if known is not None:
                return known
            if isinstance(value, list):
                children: Any = value
                total = 2 + len(value)
            else:
                children = value.values()
                total = 2 + len(value) + sum(len(str(k)) for k in value)
            for child in children:
                total += self._weight(child)
                if total > self._cap:
                    return total
            self._weights[id(value)] = total
            self._weighed.append(value)
            return total
        return 8

    # ------------------------------------------------------------------ strings

    def _text(self, text: str, path: tuple[str, ...], line: int) -> Any:
        """A string with variables: a typed value if it is one variable, else text.

        The same text is answered once (``_known``'s rule: no variable inside a variable, no
        file, no problem), while one more level would stay within ``_MAX_DEPTH``."""
        if self._depth < _MAX_DEPTH:
            known = self._known_texts.get(text, _MISSING)
            if known is not _MISSING:
                return known
        problems, files = len(self.problems), self._files_asked
        value, nested = self._pieces(text, path, line)
        if not nested and len(self.problems) == problems and self._files_asked == files:
            self._known_texts[text] = value
        return value

    def _pieces(self, text: str, path: tuple[str, ...], line: int) -> tuple[Any, bool]:
        """``_text``'s value, and whether a variable holds another inside it."""
        pieces: list[Any] = []
        nested = False
        i = 0
        while i < len(text):
            start = text.find("${", i)
            if start < 0:
                pieces.append(text[i:])
                break
            end, alternatives = _scan(text, start + 2)
            if end < 0:
                self.problems.append(Problem(path, line, f"unclosed variable in {text}"))
                return Unknown(text), nested
            if start > i:
                pieces.append(text[i:start])
            whole = text[start : end + 1]
            if _SOURCE.match(text, start + 2) is None:
                # ``${AWS::Region}``, ``${Queue.Arn}``: CloudFormation's own !Sub placeholders.
                pieces.append(whole)
            else:
                nested = nested or "${" in whole[2:]
                pieces.append(self._variable(whole, alternatives, path, line))
            i = end + 1
        if len(pieces) == 1:
            return pieces[0], nested
        return self._joined(pieces, text, path, line), nested

    def _joined(self, pieces: list[Any], text: str, path: tuple[str, ...], line: int) -> Any:
        """Several pieces as one text; an unknown piece makes it all unknown."""
        if all(piece.__class__ in _TEXTS for piece in pieces):
            return "".join(pieces)  # the common case: the loop below would find nothing
        unknown = reference = nested = False
        for piece in pieces:
            if isinstance(piece, str):
                continue
            if isinstance(piece, Unknown):
                unknown = True
                reference = reference or piece.reference
            elif isinstance(piece, Mapping | list):
                nested = True
        if unknown:
            expr = "".join([p.expr if isinstance(p, Unknown) else _str(p) for p in pieces])
            return Unknown(expr, (), reference=reference)
        if nested:
            self.problems.append(Problem(path, line, f"a list or map inside the text {text}"))
            return Unknown(text)
        return "".join([_str(p) for p in pieces])

    def _variable(
        self, whole: str, alternatives: list[str], path: tuple[str, ...], line: int
    ) -> Any:
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                self.problems.append(Problem(path, line, f"variables nested too deeply: {whole}"))
                return Unknown(whole)
            known = self._known.get(whole, _MISSING)
            if known is not _MISSING:
                return known
            problems, files = len(self.problems), self._files_asked
            for alternative in alternatives:
                value = self._alternative(alternative, whole, path, line)
                if value is not _MISSING:
                    if (
                        len(self.problems) == problems
                        and self._files_asked == files
                        and "${" not in whole[2:]
                    ):
                        self._known[whole] = value
                    return value
            self.problems.append(Problem(path, line, f"{whole} cannot be resolved offline"))
            return Unknown(whole)
        finally:
            self._depth -= 1

    def _alternative(self, text: str, whole: str, path: tuple[str, ...], line: int) -> Any:
        first = text[:1]
        if len(text) >= 2 and first == text[-1] and first in "'\"":
            return text[1:-1]
        if first == "-" or first.isdecimal():  # what ``\d`` matches: Unicode decimal digits
            if _INTEGER.fullmatch(text):
                return int(text)
            if _DECIMAL.fullmatch(text):
                return float(text)
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if "${" in text:
            inner = self._text(text, path, line)
            if isinstance(inner, Unknown) or not isinstance(inner, str):
                return inner if isinstance(inner, Unknown) else _MISSING
            text = inner
        match = _SOURCE.fullmatch(text)
        if match is None:
            return text  # an unquoted literal fallback
        source, param = match.group(1), match.group(2)
        address = (match.group(3) or match.group(4) or "").strip()
        if source == "self":
            return self._self(address)
        if source == "opt":
            return self.options.get(address, _MISSING)
        if source == "sls":
            if address == "stage":
                return self.stage()
            return Unknown(whole) if address == "instanceId" else _MISSING
        if source == "env":
            return _MISSING
        if source == "param":
            return self._param(address)
        if source == "file":
            return self._file((param or "()")[1:-1].strip(" '\""), address, path, line)
        if source in _REFERENCE_SOURCES:
            return Unknown(whole, (), reference=True)
        self.problems.append(Problem(path, line, f"variable source {source} is not understood"))
        return Unknown(whole)

    def _param(self, name: str) -> Any:
        """The stage's parameter (v3 ``params:``, v4 ``stages:``), else the default section's.

        Parameters kept in the Serverless Dashboard are not in the file: unresolved.
        """
        stage = str(self.stage())
        for keys in (
            ("params", stage, name),
            ("stages", stage, "params", name),
            ("params", "default", name),
            ("stages", "default", "params", name),
        ):
            value = self._lookup(keys, self.config, ())
            if value is not _MISSING:
                return value
        return _MISSING

    def stage(self) -> Any:
        if "stage" in self.options:
            return self.options["stage"]
        value = self._self("provider.stage")
        return "dev" if value is None else value

    def _self(self, address: str) -> Any:
        keys = tuple([k for k in address.split(".") if k])
        value = self._lookup(keys, self.config, ())
        if value is _MISSING and keys == ("provider", "stage"):
            return self.options.get("stage", "dev")  # the framework's defaults
        if value is _MISSING and keys == ("provider", "region"):
            return self.options.get("region", "us-east-1")
        return value

    def _lookup(self, keys: tuple[str, ...], node: Any, prefix: tuple[str, ...]) -> Any:
        path = prefix
        own = True  # still among the configuration's own nodes (no variable's value passed)
        for key in keys:
            if isinstance(node, str) and "${" in node:
                node = self._value(path, node)
                own = False
            if is_mapping(node) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return _MISSING
            path = (*path, key)
        if own:
            return self._value(path, node)
        return self._without_text(self._value, path, node)

    def _without_text(self, ask: Any, *args: Any) -> Any:
        """``ask(*args)`` with ``_own`` off: what it builds may not be the configuration's own
        nodes (a variable's value, another file's), so the text says nothing about it."""
        by_text = self._by_text
        self._by_text = False
        try:
            return ask(*args)
        finally:
            self._by_text = by_text

    # ------------------------------------------------------------------ files

    def _file(self, name: str, address: str, path: tuple[str, ...], line: int) -> Any:
        self._files_asked += 1
        target = (self.base_dir / name).resolve()
        if not target.is_relative_to(self.root):
            self.problems.append(Problem(path, line, f"file({name}) is outside the scanned folder"))
            return Unknown(f"${{file({name})}}")
        if target.suffix.lower() in _CODE_SUFFIXES:
            self.problems.append(
                Problem(path, line, f"file({name}) is code; fnguard does not run it")
            )
            return Unknown(f"${{file({name})}}")
        if target not in self._files:
            self._files[target] = self._read(target, name, path, line)
        content = self._files[target]
        if content is _MISSING:
            return Unknown(f"${{file({name})}}")
        keys = tuple(k for k in address.split(".") if k)
        found = self._without_text(self._lookup, keys, content, (f"file:{target}",))
        return _relocated(found, line)

    def _read(self, target: Path, name: str, path: tuple[str, ...], line: int) -> Any:
        try:
            text = read_bounded(target, name).decode("utf-8")
            return decode(text, name) if text.strip() else {}
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(path, line, f"file({name}) cannot be read ({exc})"))
        except InputError as exc:
            self.problems.append(Problem(path, line, f"file({name}): {exc}"))
        return _MISSING


def _flagged(config: Any, text: str, cap: int) -> list[int] | None:
    """Where ``text`` holds ``${`` or a backslash (an escape can make ``${``), in order; None
    when the text cannot tell plain data: marks without a character index (JSON's), anchors
    (an alias is a node again, its text elsewhere), or a text so long that plain data could
    pass the size limit (``_PER_CHARACTER``)."""
    if (
        not isinstance(getattr(getattr(config, "start_mark", None), "index", None), int)
        or "&" in text
        or _PER_CHARACTER * len(text) > cap
    ):
        return None
    found = _found(text, "${")
    if "\\" in text:
        found = sorted({*found, *_found(text, "\\")})
    return found


def _found(text: str, what: str) -> list[int]:
    """Where ``what`` starts in ``text``, in order (``str.find``, no regular expression)."""
    out: list[int] = []
    at = text.find(what)
    while at >= 0:
        out.append(at)
        at = text.find(what, at + 1)
    return out


def _service_file(base_dir: Path, root: Path) -> str:
    """The service file in ``base_dir`` as a path from ``root`` (for messages)."""
    name = next(
        (n for n in CLAIMED_NAMES if (base_dir / n).is_file()),
        CLAIMED_NAMES[0],
    )
    try:
        return (base_dir.resolve() / name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(base_dir / name)


def _scan(text: str, i: int) -> tuple[int, list[str]]:
    """From a variable's body at ``i``: the index of its closing ``}`` (-1 if unclosed) and its
    fallbacks (``a, 'b', ${c}``), split at top-level commas, quotes and nesting respected."""
    close = text.find("}", i)
    if close >= 0:  # the common ``${source:address}``: no quote, comma or nesting before ``}``
        body = text[i:close]
        if "'" not in body and '"' not in body and "," not in body and "${" not in body:
            body = body.strip()
            return close, [body] if body else []
    depth = 1
    quote = ""
    parts: list[str] = []
    begin = i
    while i < len(text):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif text.startswith("${", i):
            depth += 1
            i += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                parts.append(text[begin:i].strip())
                return i, [p for p in parts if p]
        elif char == "," and depth == 1:
            parts.append(text[begin:i].strip())
            begin = i + 1
        i += 1
    return -1, []


def _str(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _relocated(value: Any, line: int) -> Any:
    """A value read from another file, placed on the line that includes it (locations name
    the scanned file, so a line of the other file would point at the wrong text)."""
    from yaml import Mark

    mark = Mark("", 0, max(line - 1, 0), 0, None, 0)
    if isinstance(value, Mapping):
        value = {_relocated(k, line): _relocated(v, line) for k, v in value.items()}
    elif isinstance(value, list):
        value = [_relocated(v, line) for v in value]
    return _like(_Position(mark, mark), value) if isinstance(value, str | dict | list) else value


def _marked(node: Any) -> bool:
    """Whether ``_like(node, copy)`` gives ``node``'s kind and marks: a marked map or list of
    ours with both marks set (cfn-lint's own nodes, say, would come back as ours)."""
    kind = node.__class__
    return (
        (kind is MarkedDict or kind is MarkedList)
        and getattr(node, "start_mark", None) is not None
        and hasattr(node, "end_mark")
    )


def _is_container(value: Any) -> bool:
    """A map or a list (``isinstance(value, Mapping | list)``; the common kinds first, without
    the abstract-class check)."""
    if isinstance(value, dict | list):
        return True
    if isinstance(value, str | int | float) or value is None or value.__class__ is Unknown:
        return False
    return isinstance(value, Mapping)


def _like(node: Any, value: Any) -> Any:
    """``value`` with ``node``'s source position when both are of a kind that can carry it."""
    start = getattr(node, "start_mark", None)
    if start is None:
        return value
    end = getattr(node, "end_mark", None)
    if isinstance(value, str):
        return marked_str(value, start, end)
    if isinstance(value, dict):
        return marked_dict(value, start, end)
    if isinstance(value, list):
        return marked_list(value, start, end)
    return value
