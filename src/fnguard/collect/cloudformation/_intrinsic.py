"""Intrinsic functions resolved offline: parameters, mappings, conditions, references.

Values come out as plain JSON, or as ``Ref`` (a resource of the template, like a Terraform
cross-reference) or ``Unknown`` (a deploy-time value; it keeps the resources it mentions, so a
collector can still tell *which* queue an ARN built with ``!Sub`` names).

Pseudo parameters: ``AWS::Partition`` is ``aws`` and ``AWS::URLSuffix`` ``amazonaws.com``
(fnguard's data is for the commercial partition); the others stay as their ``${AWS::Region}``
text, which keeps an ARN's shape (scoped, not ``*``) without inventing an account or region.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fnguard.collect.cloudformation._decode import line_of
from fnguard.collect.cloudformation._graph import raw_refs
from fnguard.collect.cloudformation._nodes import MarkedDict, MarkedList, MarkedStr, is_mapping

__all__ = ["NO_VALUE", "Ref", "Resolver", "Unknown", "placeholder", "prefixed"]

_MAX_DEPTH = 64
_Handler = Callable[["Resolver", Any, Any, int], Any]


@dataclass(frozen=True)
class Ref:
    """``!Ref X`` / ``!GetAtt X.attr`` for a resource ``X`` of the template."""

    target: str
    attr: str | None = None

    @property
    def expr(self) -> str:
        return f"{self.target}.{self.attr}" if self.attr else self.target


@dataclass(frozen=True)
class ParentRef(Ref):
    """A parent stack's resource passed into a nested stack: ``target`` is its address."""


@dataclass(frozen=True)
class Unknown:
    """A value known only at deploy time; ``refs`` are the resources its expression names."""

    expr: str
    refs: tuple[str, ...] = ()
    reference: bool = False  # names another stack's value (ImportValue): a reference, not a gap


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
_UNSEEN = object()
_PSEUDO_KNOWN = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
_PSEUDO = {
    "AWS::Region",
    "AWS::AccountId",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::NotificationARNs",
}


def placeholder(value: Any) -> str | None:
    """A value as text inside a larger string: ``${X.Arn}`` for references."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, Ref):
        return "${" + value.expr + "}"
    if isinstance(value, Unknown):
        return value.expr if value.expr.startswith("${") or "${" in value.expr else None
    return None


def _refs_of(value: Any) -> tuple[str, ...]:
    """The resources a resolved value names, in order (repeats kept)."""
    if isinstance(value, Ref):
        return (value.target,)
    if isinstance(value, Unknown):
        return value.refs
    if is_mapping(value) or isinstance(value, list):
        out: list[str] = []
        _gather_refs(value, out)
        return tuple(out)
    return ()


def _gather_refs(value: Any, out: list[str]) -> None:
    if value.__class__ is str:  # most items
        return
    if isinstance(value, Ref):
        out.append(value.target)
    elif isinstance(value, Unknown):
        out.extend(value.refs)
    elif is_mapping(value):
        for item in value.values():
            _gather_refs(item, out)
    elif isinstance(value, list):
        for item in value:
            _gather_refs(item, out)


def prefixed(value: Any, prefix: str, moved: dict[int, tuple[Any, Ref]] | None = None) -> Any:
    """``value`` with the resources its ``Ref``s and ``Unknown``s name prefixed by ``prefix``.

    Copy on write: a map or list the prefix changes nothing in is handed back as it is (the
    resolver built it for this value alone), so only the paths down to a reference are copied.
    ``moved``: the prefixed ``Ref`` of each ``Ref`` met so far, by identity (the resolver shares
    one per reference and a ``Ref`` cannot change, so the prefixed one is shared the same way;
    each entry keeps its original alive, so an identity is never reused while it is there).
    """
    kind = value.__class__
    if kind is str:  # most values
        return value
    if kind is dict or kind is list:
        if moved is None:
            moved = {}
        out: Any = None
        for key, item in value.items() if kind is dict else enumerate(value):
            if item.__class__ is str:  # most items: no call
                continue
            changed = prefixed(item, prefix, moved)
            if changed is not item:
                if out is None:
                    out = kind(value)  # the first change: a copy, in the same order
                out[key] = changed
        return value if out is None else out
    if kind is Ref:
        if moved is None:
            return Ref(prefix + value.target, value.attr)
        pair = moved.get(id(value))
        if pair is None:
            pair = moved[id(value)] = (value, Ref(prefix + value.target, value.attr))
        return pair[1]
    if kind is Unknown and not value.refs:
        return value
    return _prefixed_other(value, prefix)


def _prefixed_other(value: Any, prefix: str) -> Any:
    """``prefixed`` for the rarer kinds (subclasses among them), each copied."""
    if isinstance(value, str):
        return value
    if isinstance(value, ParentRef):
        return value  # already the parent's address
    if isinstance(value, Ref):
        return Ref(prefix + value.target, value.attr)
    if isinstance(value, Unknown):
        # only the names change: whether it is another stack's value stays as it was
        return Unknown(value.expr, tuple(prefix + r for r in value.refs), value.reference)
    if isinstance(value, dict):
        return {k: prefixed(v, prefix) for k, v in value.items()}
    if isinstance(value, list):
        return [prefixed(v, prefix) for v in value]
    return value


class Resolver:
    """Resolves one template's values; problems are collected as ``(line, message)``."""

    def __init__(
        self,
        template: Mapping[str, Any],
        resources: Mapping[str, Any],
        ref_values: Mapping[str, str] | None = None,
        given: Mapping[str, Any] | None = None,
    ) -> None:
        """``given``: parameter values a parent stack passes in (they replace the defaults)."""
        self.template = template
        self.resources = resources
        self.ref_values = dict(ref_values or {})
        self.problems: list[tuple[int, str]] = []
        # intrinsic functions met so far: a value resolved while this stays the same is plain
        # JSON (no ``Ref``, no ``Unknown``), which callers may then use as it is
        self.intrinsics = 0
        # while a set: the logical IDs the values resolved mention, as ``raw_refs`` finds them
        # in the written value (the dependencies a cycle check needs), gathered at each
        # outermost intrinsic function so that the value is walked once, not twice
        self.mentioned: set[str] | None = None
        # while not empty: the prefix the resources named in the values resolved take (a scan
        # of several templates), put on each outermost intrinsic function's value as it is
        # made, so that no walk of the whole value is needed afterwards (``prefixed``); the
        # function itself is resolved without it (its text keeps the names as written)
        self.prefix = ""
        self._moved: dict[int, tuple[Any, Any]] = {}  # ``prefixed``'s shared references
        self._params = self._parameters()
        if given:
            self._params.update(given)
        self._conditions: dict[str, bool | None] = {}
        self._references: dict[tuple[Any, ...], Ref] = {}
        # ``!Ref`` of a name -> its value (a name resolves the same way every time); a marked
        # name apart, as ``_reference`` keeps it
        self._named: dict[str, Any] = {}
        self._marked: dict[str, Any] = {}
        # ``!GetAtt`` of two names -> its value, by (resource, attribute), likewise
        self._attrs: dict[tuple[str, str], Any] = {}
        self._evaluating: set[str] = set()

    # ------------------------------------------------------------------ parameters

    def _parameters(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        params = self.template.get("Parameters")
        if not isinstance(params, Mapping):
            return out
        for name, spec in params.items():
            if not isinstance(spec, Mapping) or "Default" not in spec:
                out[str(name)] = Unknown(f"${{{name}}}")
                continue
            default = spec["Default"]
            ptype = str(spec.get("Type", "String"))
            if ptype.startswith("AWS::SSM::Parameter::Value"):
                # The default names a parameter; CloudFormation reads its value at deploy time.
                out[str(name)] = Unknown(f"{{{{resolve:ssm:{default}}}}}", (), reference=True)
                continue
            if ("List<" in ptype or ptype == "CommaDelimitedList") and isinstance(default, str):
                out[str(name)] = [s.strip() for s in default.split(",")]
            elif isinstance(default, str | int | float | bool | list):
                out[str(name)] = _plain(default)
            else:
                out[str(name)] = Unknown(f"${{{name}}}")
        return out

    # ------------------------------------------------------------------ conditions

    def condition(self, name: str) -> bool | None:
        """A named condition's value; ``None`` when it depends on deploy-time values."""
        if name in self._conditions:
            return self._conditions[name]
        if name in self._evaluating:
            self.problems.append((0, f"condition {name} refers to itself"))
            return None
        conditions = self.template.get("Conditions")
        spec = conditions.get(name) if isinstance(conditions, Mapping) else None
        if spec is None:
            self.problems.append((0, f"condition {name} is not declared"))
            self._conditions[name] = None
            return None
        self._evaluating.add(name)
        mentioned, self.mentioned = self.mentioned, None  # a condition is not the value's own
        prefix, self.prefix = self.prefix, ""  # nor are its names prefixed
        try:
            result = _truth(self.resolve(spec))
        finally:
            self._evaluating.discard(name)
            self.mentioned = mentioned
            self.prefix = prefix
        self._conditions[name] = result
        return result

    # ------------------------------------------------------------------ values

    def resolve(self, node: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            self.intrinsics += 1
            if self.mentioned is not None:
                self.mentioned.update(raw_refs(node))
            self.problems.append((line_of(node), "value nested too deeply"))
            return Unknown("(nested too deeply)")
        # the kinds decoders and resolution make, told by their class (an isinstance chain
        # costs several times as much); subclasses and other mappings take the checks after
        kind = node.__class__
        if kind is str:  # most values
            return node
        if kind is dict or kind is MarkedDict:
            return self._map(node, depth)
        if kind is list or kind is MarkedList:
            return self._list(node, depth)
        if kind is int or kind is bool or kind is float or node is None:
            return node  # as ``_plain`` gives it
        if kind is Unknown or kind is Ref:  # made before resolution (serverless.yml variables)
            # as ``_plain`` gives it, without its checks for other kinds
            return prefixed(node, self.prefix, self._moved) if self.prefix else node
        if isinstance(node, str):
            return str(node)
        if isinstance(node, list):
            return self._list(node, depth)
        if is_mapping(node):
            return self._map(node, depth)
        value = _plain(node)
        return prefixed(value, self.prefix, self._moved) if self.prefix else value

    # Inside a map or list, the usual items are told by class too: a string, integer or
    # boolean is its own value (a marked string its text) and a map or list is resolved
    # without going through ``resolve`` again (its depth is within the limit). At the limit
    # every item goes through ``resolve`` to be refused.

    def _list(self, node: list[Any], depth: int) -> list[Any]:
        items: list[Any] = []
        if depth >= _MAX_DEPTH:
            for v in node:
                value = self.resolve(v, depth + 1)
                if value is not NO_VALUE:
                    items.append(value)
            return items
        for v in node:
            vk = v.__class__
            if vk is str or vk is int or vk is bool:
                items.append(v)
            elif vk is MarkedStr:
                items.append(str(v))
            elif vk is dict or vk is MarkedDict:
                value = self._map(v, depth + 1)
                if value is not NO_VALUE:
                    items.append(value)
            elif vk is list or vk is MarkedList:
                items.append(self._list(v, depth + 1))
            else:
                value = self.resolve(v, depth + 1)
                if value is not NO_VALUE:
                    items.append(value)
        return items

    def _map(self, node: Mapping[Any, Any], depth: int) -> Any:
        if len(node) == 1:
            [key] = node
            if key == "Ref":
                arg = node[key]
                kind = arg.__class__
                named = self._named if kind is str else self._marked if kind is MarkedStr else None
                if named is None:
                    return self._outermost("Ref", arg, node, depth + 1)
                # the usual function, a name: what ``_intrinsic`` does for it, the answer taken
                # from the names already looked up when it can be
                self.intrinsics += 1
                if self.mentioned is not None:
                    self.mentioned.add(arg)
                found = named.get(arg, _UNSEEN)
                if found is _UNSEEN:
                    found = self._first(named, arg, arg, node)  # reads no value: unprefixed
                if not self.prefix:
                    return found
                moved = self._moved.get(id(found))  # ``_prefixed``'s answer when it has one
                return moved[1] if moved is not None else self._prefixed(found)
            if key == "Fn::GetAtt":
                arg = node[key]
                kind = arg.__class__
                if (kind is list or kind is MarkedList) and len(arg) == 2:
                    target, attr = arg
                    tk, ak = target.__class__, attr.__class__
                    if (tk is str or tk is MarkedStr) and (ak is str or ak is MarkedStr):
                        # the usual attribute, ``_intrinsic``'s way as for ``Ref`` above
                        self.intrinsics += 1
                        if self.mentioned is not None:
                            self.mentioned.add(target)
                        # (``_getatt`` reads the names as plain text)
                        pair = (str(target), str(attr))
                        found = self._attrs.get(pair, _UNSEEN)
                        if found is _UNSEEN:
                            found = self._first(self._attrs, pair, arg, node)
                        if not self.prefix:
                            return found
                        moved = self._moved.get(id(found))
                        return moved[1] if moved is not None else self._prefixed(found)
                return self._outermost("Fn::GetAtt", arg, node, depth + 1)
            if isinstance(key, str) and key.startswith("Fn::"):
                return self._outermost(str(key), node[key], node, depth + 1)
            if key == "Condition" and isinstance(node[key], str):
                return self.condition(node[key])
        out: dict[str, Any] = {}
        if depth >= _MAX_DEPTH:
            for k, v in node.items():
                value = self.resolve(v, depth + 1)
                if value is not NO_VALUE:
                    out[str(k)] = value
            return out
        for k, v in node.items():
            vk = v.__class__
            if vk is str or vk is int or vk is bool:
                out[str(k)] = v
            elif vk is MarkedStr:
                out[str(k)] = str(v)
            elif vk is dict or vk is MarkedDict:
                value = self._map(v, depth + 1)
                if value is not NO_VALUE:
                    out[str(k)] = value
            elif vk is list or vk is MarkedList:
                out[str(k)] = self._list(v, depth + 1)
            else:
                value = self.resolve(v, depth + 1)
                if value is not NO_VALUE:
                    out[str(k)] = value
        return out

    def _prefixed(self, value: Any) -> Any:
        """A value looked up before with ``prefix`` on its names, each one prefixed once (by
        identity: the entry keeps the value alive)."""
        pair = self._moved.get(id(value))
        if pair is None:
            pair = self._moved[id(value)] = (value, prefixed(value, self.prefix, self._moved))
        return pair[1]

    def _outermost(self, fn: str, arg: Any, node: Any, depth: int) -> Any:
        """``_intrinsic`` where a value is made: resolved without ``prefix``, then prefixed."""
        prefix = self.prefix
        if not prefix:
            return self._intrinsic(fn, arg, node, depth)
        self.prefix = ""
        try:
            value = self._intrinsic(fn, arg, node, depth)
        finally:
            self.prefix = prefix
        return prefixed(value, prefix, self._moved)

    def _intrinsic(self, fn: str, arg: Any, node: Any, depth: int) -> Any:
        self.intrinsics += 1
        mentioned = self.mentioned
        if fn == "Ref" and isinstance(arg, str):  # the usual function: a name, nothing inside
            if mentioned is not None:
                mentioned.add(arg)
            return self._ref(arg, node, depth)
        if (
            fn == "Fn::GetAtt"
            and isinstance(arg, list)
            and len(arg) == 2
            and isinstance(arg[0], str)
            and isinstance(arg[1], str)
        ):  # the usual attribute: names, nothing inside (``_mention`` would say the same)
            if mentioned is not None:
                mentioned.add(arg[0])
            return self._getatt(arg, node, depth)
        if mentioned is not None and not _mention(fn, arg, node, mentioned):
            # all the function mentions is in: what it resolves inside (a branch, a condition,
            # a mapping) adds none
            self.mentioned = None
            try:
                return self._call(fn, arg, node, depth)
            finally:
                self.mentioned = mentioned
        return self._call(fn, arg, node, depth)

    def _call(self, fn: str, arg: Any, node: Any, depth: int) -> Any:
        handler = _HANDLERS.get(fn)
        if handler is None:
            self.problems.append((line_of(node), f"intrinsic function {fn} is not understood"))
            return Unknown(f"{{{fn}}}")
        return handler(self, arg, node, depth)

    def _ref(self, arg: Any, node: Any, depth: int) -> Any:
        name = self.resolve(arg, depth) if not isinstance(arg, str) else arg
        if not isinstance(name, str):
            return Unknown("!Ref ?")
        if name.startswith("AWS::"):  # pseudo parameters all start so, none other is looked at
            if name == "AWS::NoValue":
                return NO_VALUE
            if name in _PSEUDO_KNOWN:
                return _PSEUDO_KNOWN[name]
            if name in _PSEUDO:
                return "${" + name + "}"
        if name in self._params:
            return self._params[name]
        if name in self.resources:
            return self._reference(name, None)
        self.problems.append((line_of(node), f"!Ref {name} names no parameter or resource"))
        return Unknown(f"${{{name}}}")

    def _getatt(self, arg: Any, node: Any, depth: int) -> Any:
        if isinstance(arg, str):
            target, _, attr = arg.partition(".")
        elif isinstance(arg, list) and len(arg) == 2:
            target = str(arg[0])
            attr_value = arg[1] if arg[1].__class__ is str else self.resolve(arg[1], depth)
            attr = attr_value if isinstance(attr_value, str) else "?"
        else:
            self.problems.append((line_of(node), "Fn::GetAtt expects [resource, attribute]"))
            return Unknown("!GetAtt ?")
        if target in self.resources:
            return self._reference(target, attr or None)
        self.problems.append((line_of(node), f"!GetAtt {target}.{attr} names no resource"))
        return Unknown(f"${{{target}.{attr}}}")

    def _first(self, named: dict[Any, Any], key: Any, arg: Any, node: Any) -> Any:
        """The value of a ``Ref`` (``arg`` a name) or a ``GetAtt`` (a pair of names) met for
        the first time, kept in ``named`` under ``key`` for the next unless it was a problem
        (each one is recorded where it is written)."""
        problems = len(self.problems)
        value = self._ref(arg, node, 0) if key is arg else self._getatt(arg, node, 0)
        if len(self.problems) == problems:
            named[key] = value
        return value

    def _reference(self, target: str, attr: str | None) -> Ref:
        """``Ref(target, attr)``, one per reference made (values that cannot change, so
        sharing them is safe; a name and its marked twin each keep their own)."""
        key = (target, target.__class__, attr, attr.__class__)
        found = self._references.get(key)
        if found is None:
            found = self._references[key] = Ref(target, attr)
        return found

    def _sub(self, arg: Any, node: Any, depth: int) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], Mapping):
            text = arg[0]
            variables = {str(k): self.resolve(v, depth) for k, v in arg[1].items()}
        else:
            text = arg
        if not isinstance(text, str):
            self.problems.append((line_of(node), "Fn::Sub expects a string"))
            return Unknown("!Sub ?")
        pieces: list[str] = []
        refs: list[str] = []
        known = True
        i = 0
        while i < len(text):
            start = text.find("${", i)
            if start < 0:
                pieces.append(text[i:])
                break
            pieces.append(text[i:start])
            end = text.find("}", start)
            if end < 0:
                pieces.append(text[start:])
                break
            name = text[start + 2 : end]
            i = end + 1
            if name.startswith("!"):
                pieces.append("${" + name[1:] + "}")
                continue
            value = variables[name] if name in variables else self._sub_name(name, node)
            refs.extend(_refs_of(value))
            text_value = self._as_text(value)
            named = isinstance(value, Ref) and value.target in self.ref_values and not value.attr
            if isinstance(value, Ref | Unknown) and not named:
                known = False
            pieces.append(text_value if text_value is not None else "${" + name + "}")
        result = "".join(pieces)
        return result if known else Unknown(result, tuple(dict.fromkeys(refs)))

    def _sub_name(self, name: str, node: Any) -> Any:
        if "." in name:
            target, _, attr = name.partition(".")
            if target in self.resources:
                return Ref(target, attr)
        return self._ref(name, node, 0)

    def _as_text(self, value: Any) -> str | None:
        """Text of a value inside ``!Sub`` / ``!Join``: a resource's known name when it has one."""
        if isinstance(value, Ref) and value.attr is None and value.target in self.ref_values:
            return self.ref_values[value.target]
        return placeholder(value)

    def _join(self, arg: Any, node: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            self.problems.append((line_of(node), "Fn::Join expects [delimiter, list]"))
            return Unknown("!Join ?")
        delimiter = self.resolve(arg[0], depth)
        items = self.resolve(arg[1], depth)
        if not isinstance(delimiter, str) or not isinstance(items, list):
            return Unknown("!Join ?", _refs_of(items))
        # each item's text and whether all are known, in one pass (text: most items)
        texts: list[str] = []
        known = True
        for item in items:
            if item.__class__ is str:
                texts.append(item)
                continue
            text = self._as_text(item)
            if text is None or isinstance(item, Ref | Unknown):
                known = False
            texts.append(text if text is not None else "?")
        joined = str(delimiter).join(texts)
        return joined if known else Unknown(joined, _refs_of(items))

    def _if(self, arg: Any, node: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
            self.problems.append((line_of(node), "Fn::If expects [condition, then, else]"))
            return Unknown("!If ?")
        choice = self.condition(arg[0])
        if choice is True:
            return self.resolve(arg[1], depth)
        if choice is False:
            return self.resolve(arg[2], depth)
        then, other = self.resolve(arg[1], depth), self.resolve(arg[2], depth)
        if then == other:
            return then
        return Unknown(f"!If {arg[0]}", _refs_of([then, other]))

    def _select(self, arg: Any, node: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            self.problems.append((line_of(node), "Fn::Select expects [index, list]"))
            return Unknown("!Select ?")
        index = self.resolve(arg[0], depth)
        items = self.resolve(arg[1], depth)
        try:
            position = int(index)
        except (TypeError, ValueError):
            return Unknown("!Select ?", _refs_of(items))
        if isinstance(items, list) and 0 <= position < len(items):
            return items[position]
        return Unknown("!Select ?", _refs_of(items))

    def _split(self, arg: Any, node: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            self.problems.append((line_of(node), "Fn::Split expects [delimiter, string]"))
            return Unknown("!Split ?")
        delimiter, text = self.resolve(arg[0], depth), self.resolve(arg[1], depth)
        if isinstance(delimiter, str) and isinstance(text, str) and delimiter:
            return text.split(delimiter)
        return Unknown("!Split ?", _refs_of(text))

    def _find_in_map(self, arg: Any, node: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) in (3, 4)):
            self.problems.append((line_of(node), "Fn::FindInMap expects [map, key, key]"))
            return Unknown("!FindInMap ?")
        keys = [self.resolve(a, depth) for a in arg[:3]]
        mappings = self.template.get("Mappings")
        current: Any = mappings if isinstance(mappings, Mapping) else {}
        for key in keys:
            if not isinstance(key, str | int) or not isinstance(current, Mapping):
                current = None
                break
            current = current.get(str(key))
        if current is None:
            if len(arg) == 4 and isinstance(arg[3], Mapping) and "DefaultValue" in arg[3]:
                return self.resolve(arg[3]["DefaultValue"], depth)
            return Unknown("!FindInMap " + ".".join(str(k) for k in keys))
        return self.resolve(current, depth)

    def _base64(self, arg: Any, node: Any, depth: int) -> Any:
        return self.resolve(arg, depth)

    def _to_json(self, arg: Any, node: Any, depth: int) -> Any:
        value = self.resolve(arg, depth)
        if _refs_of(value) or not _is_json(value):  # a deploy-time part: the text is unknown
            return Unknown("!ToJsonString", _refs_of(value))
        return json.dumps(value, separators=(",", ":"))

    def _length(self, arg: Any, node: Any, depth: int) -> Any:
        value = self.resolve(arg, depth)
        return len(value) if isinstance(value, list) else Unknown("!Length ?")


# Functions whose handler resolves all of their argument and nothing else: always, or when
# the argument is a list of two.
_RESOLVES_ARG = frozenset(
    {
        "Fn::Base64",
        "Fn::ToJsonString",
        "Fn::Length",
        "Fn::ImportValue",
        "Fn::GetAZs",
        "Fn::Cidr",
        "Fn::Equals",
        "Fn::And",
        "Fn::Or",
        "Fn::Not",
    }
)
_RESOLVES_PAIR = frozenset({"Fn::Join", "Fn::Select", "Fn::Split"})


def _mention(fn: str, arg: Any, node: Any, into: set[str]) -> bool:
    """Adds to ``into`` what ``raw_refs`` finds in ``node`` (``fn`` of ``arg``) that resolving
    it will not meet; ``True`` when resolving it meets exactly the rest (every part of ``arg``
    ``raw_refs`` walks, nothing else), ``False`` when ``into`` has all of it."""
    if fn == "Ref":
        if isinstance(arg, str):
            into.add(arg)
        return True  # another argument: ``_ref`` resolves it, and raw_refs walks it
    if fn in _RESOLVES_ARG or (fn in _RESOLVES_PAIR and isinstance(arg, list) and len(arg) == 2):
        return True
    if fn == "Fn::GetAtt":
        if isinstance(arg, str):
            into.add(arg.split(".", 1)[0])
            return True
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            into.add(arg[0])
        # ``_getatt`` resolves the attribute of a pair, which raw_refs does not walk
        return not (isinstance(arg, list) and len(arg) == 2 and not isinstance(arg[1], str))
    into.update(raw_refs(node))
    # a text to substitute in is all ``_sub`` reads; the other functions (If, FindInMap,
    # Sub with variables, ill-formed ones) resolve other parts than raw_refs walks
    return fn == "Fn::Sub" and isinstance(arg, str)


def _opaque(label: str, reference: bool = False) -> _Handler:
    def handler(self: Resolver, arg: Any, node: Any, depth: int) -> Any:
        value = self.resolve(arg, depth)
        return Unknown(f"!{label} {json.dumps(_plain_text(value))}", _refs_of(value), reference)

    return handler


def _logic(fn: str) -> _Handler:
    def handler(self: Resolver, arg: Any, node: Any, depth: int) -> Any:
        values = self.resolve(arg, depth)
        if not isinstance(values, list):
            self.problems.append((line_of(node), f"{fn} expects a list"))
            return None
        if fn == "Fn::Equals":
            if len(values) != 2 or any(_refs_of(v) or isinstance(v, Unknown) for v in values):
                return None
            return bool(_plain_text(values[0]) == _plain_text(values[1]))
        truths = [_truth(v) for v in values]
        if fn == "Fn::Not":
            return None if truths[0] is None else not truths[0]
        if fn == "Fn::And":
            return False if False in truths else (None if None in truths else True)
        return True if True in truths else (None if None in truths else False)

    return handler


def _is_json(value: Any) -> bool:
    """Plain JSON data all the way down (no ``Ref``, ``Unknown`` or ``AWS::NoValue``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif not (item is None or isinstance(item, str | int | float | bool)):
            return False
    return True


def _truth(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    return None


def _plain(node: Any) -> Any:
    """cfn-lint's position-carrying str/int subclasses as plain Python values."""
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if is_mapping(node):
        return {str(k): _plain(v) for k, v in node.items()}
    return node


def _plain_text(value: Any) -> Any:
    if isinstance(value, Ref | Unknown):
        return placeholder(value) or value.expr
    if value is NO_VALUE:  # ``!ImportValue !Ref AWS::NoValue``: named as written, not a crash
        return repr(value)
    if isinstance(value, list):
        return [_plain_text(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain_text(v) for k, v in value.items()}
    return value


_HANDLERS: dict[str, _Handler] = {
    "Ref": Resolver._ref,
    "Fn::GetAtt": Resolver._getatt,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::If": Resolver._if,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::FindInMap": Resolver._find_in_map,
    "Fn::Base64": Resolver._base64,
    "Fn::ToJsonString": Resolver._to_json,
    "Fn::Length": Resolver._length,
    "Fn::ImportValue": _opaque("ImportValue", reference=True),
    "Fn::GetAZs": _opaque("GetAZs"),
    "Fn::Cidr": _opaque("Cidr"),
    "Fn::Equals": _logic("Fn::Equals"),
    "Fn::And": _logic("Fn::And"),
    "Fn::Or": _logic("Fn::Or"),
    "Fn::Not": _logic("Fn::Not"),
}
