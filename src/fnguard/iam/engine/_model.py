"""Policy documents parsed into frozen statements, validated the way IAM rejects them.

Every kind of policy shares one grammar; the kind decides which elements are required
(``Principal`` in resource and trust policies, ``Resource`` everywhere but trust policies) and
which are forbidden (``Principal`` in identity, boundary, SCP, RCP and session policies).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fnguard._kept import kept
from fnguard.iam._wildcard import matches
from fnguard.iam.engine._errors import PolicyError
from fnguard.iam.engine._operators import validate_values

__all__ = [
    "ConditionTest",
    "Effect",
    "Policy",
    "PolicyKind",
    "PrincipalSpec",
    "Statement",
    "action_index",
    "parse_policy",
    "parse_policy_json",
    "parse_statement",
]

CURRENT_VERSION = "2012-10-17"
_VERSIONS = frozenset({CURRENT_VERSION, "2008-10-17"})
_ACTION_CACHE = 4096
_PRINCIPAL_TYPES = {"AWS": "aws", "Service": "service", "Federated": "federated"}


class PolicyKind(StrEnum):
    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"
    BOUNDARY = "boundary"
    SCP = "scp"
    RCP = "rcp"
    SESSION = "session"

    @property
    def has_principal(self) -> bool:
        return self in (PolicyKind.RESOURCE, PolicyKind.TRUST, PolicyKind.RCP)


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True)
class PrincipalSpec:
    """A ``Principal`` / ``NotPrincipal`` element. ``anyone``: ``"*"`` or ``{"AWS": "*"}``.
    Account IDs in ``aws`` are normalised to their ``arn:aws:iam::ID:root`` form."""

    anyone: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConditionTest:
    """One key under one operator: ``"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": [...]}``.
    ``operator`` is the bare lower-case operator (``stringlike``); the key keeps its spelling
    but matches case-insensitively."""

    operator: str
    key: str
    values: tuple[str, ...]
    qualifier: str = ""  # "", "forallvalues" or "foranyvalue"
    if_exists: bool = False
    written: str = ""  # the operator as written, for explanations


@dataclass(frozen=True, init=False)
class Statement:
    """One policy statement, parsed and validated: a decision cites it (``ref``), and the evaluator
    matches actions against it through an index."""

    policy: str
    index: int
    effect: Effect
    actions: tuple[str, ...]
    not_action: bool = False
    resources: tuple[str, ...] | None = None  # None: no Resource element (trust policies)
    not_resource: bool = False
    principal: PrincipalSpec | None = None
    not_principal: bool = False
    conditions: tuple[ConditionTest, ...] = ()
    sid: str | None = None

    def __init__(
        self,
        policy: str,
        index: int,
        effect: Effect,
        actions: tuple[str, ...],
        not_action: bool = False,
        resources: tuple[str, ...] | None = None,
        not_resource: bool = False,
        principal: PrincipalSpec | None = None,
        not_principal: bool = False,
        conditions: tuple[ConditionTest, ...] = (),
        sid: str | None = None,
    ) -> None:
        # ``@dataclass``'s, minus its ``object.__setattr__`` call per field: a scan reads
        # every statement of every role (thousands).
        self.__dict__.update(
            policy=policy,
            index=index,
            effect=effect,
            actions=actions,
            not_action=not_action,
            resources=resources,
            not_resource=not_resource,
            principal=principal,
            not_principal=not_principal,
            conditions=conditions,
            sid=sid,
        )

    def covers_action(self, action: str) -> bool:
        """Does the Action (or NotAction) element cover ``action``? Case-insensitive."""
        exact, patterns = self.action_index
        hit = action.lower() in exact or any(matches(p, action, ignore_case=True) for p in patterns)
        return hit != self.not_action

    @kept
    def action_index(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """(lower-cased actions written without wildcards, the patterns with them): most
        actions are written out, and a set answers for all of them at once."""
        return action_index(self.actions)

    @property
    def ref(self) -> str:
        """``policy#Sid``, or ``policy#index`` when the statement has no Sid."""
        return f"{self.policy}#{self.sid if self.sid else self.index}"


_ActionIndex = tuple[frozenset[str], tuple[str, ...]]
# By Action list: the roles of a stack write the same few lists over and over.
_INDEXES: dict[tuple[str, ...], _ActionIndex] = {}
_INDEXES_KEPT = 4096


def action_index(actions: tuple[str, ...]) -> _ActionIndex:
    """``Statement.action_index`` of a statement whose Action element is ``actions``."""
    found = _INDEXES.get(actions)
    if found is None:
        exact: list[str] = []
        patterns: list[str] = []
        for p in actions:
            if "*" in p or "?" in p or "${" in p:
                patterns.append(p)
            else:
                exact.append(p.lower())
        found = (frozenset(exact), tuple(patterns))
        if len(_INDEXES) < _INDEXES_KEPT:
            _INDEXES[actions] = found
    return found


def _covers_lowered(statement: Statement, lowered: str, action: str) -> bool:
    """``statement.covers_action(action)`` given its lower case too (no generator). Patterns
    see the action as written: lower-casing can change a string's length ("İ" is two code
    points in lower case), and a pattern's ``?`` would then count differently."""
    exact, patterns = statement.action_index
    hit = lowered in exact
    if not hit:
        for pattern in patterns:
            if matches(pattern, action, ignore_case=True):
                hit = True
                break
    return hit != statement.not_action


@dataclass(frozen=True, init=False)
class Policy:
    """A policy document parsed and validated for its kind; it memoises the statements covering each
    action (a role is asked about few actions, many times)."""

    name: str
    kind: PolicyKind
    statements: tuple[Statement, ...]
    version: str = "2008-10-17"

    def __init__(
        self,
        name: str,
        kind: PolicyKind,
        statements: tuple[Statement, ...],
        version: str = "2008-10-17",
    ) -> None:
        # as ``Statement``: one per policy of every role
        self.__dict__.update(name=name, kind=kind, statements=statements, version=version)

    @kept
    def _by_action(self) -> dict[str, tuple[Statement, ...]]:
        return {}

    def statements_for(self, action: str) -> tuple[Statement, ...]:
        """The statements whose Action element covers ``action``, memoised per policy: a
        role is asked about many resources for few actions."""
        lowered = action.lower()
        # AWS's actions are ASCII: kept under their lower case, asked in any case, answered
        # once. Any other text is kept as written (its lower case may answer differently).
        key = lowered if action.isascii() else action
        cache = self._by_action
        found = cache.get(key)
        if found is None:
            found = tuple(s for s in self.statements if _covers_lowered(s, lowered, action))
            if len(cache) < _ACTION_CACHE:
                cache[key] = found
        return found

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under version 2012-10-17; older (or absent)
        versions take ``${...}`` literally."""
        return self.version == CURRENT_VERSION


def _scalar(value: Any, name: str, pointer: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise PolicyError(name, pointer, "expected a string, number or boolean")


def _strings(raw: Any, name: str, pointer: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, str):
            where = f"{pointer}/{i}" if isinstance(raw, list) else pointer
            raise PolicyError(name, where, "expected a string")
        out.append(item)
    if not out and not allow_empty:
        raise PolicyError(name, pointer, "expected at least one value")
    return tuple(out)


def _aws_principal(value: str) -> str:
    return f"arn:aws:iam::{value}:root" if len(value) == 12 and value.isdigit() else value


def _principal(raw: Any, name: str, pointer: str) -> PrincipalSpec:
    if raw == "*":
        return PrincipalSpec(anyone=True)
    if not isinstance(raw, Mapping) or not raw:
        raise PolicyError(name, pointer, 'expected "*" or an object of AWS/Service/Federated')
    found: dict[str, tuple[str, ...]] = {}
    anyone = False
    for key, values in raw.items():
        field = "canonical_user" if key == "CanonicalUser" else _PRINCIPAL_TYPES.get(key)
        if field is None:
            raise PolicyError(name, f"{pointer}/{key}", "unknown principal type")
        names = _strings(values, name, f"{pointer}/{key}")
        if field == "aws":
            anyone = anyone or "*" in names
            names = tuple(_aws_principal(n) for n in names if n != "*")
        found[field] = names
    return PrincipalSpec(anyone=anyone, **found)


def _conditions(raw: Any, name: str, pointer: str) -> tuple[ConditionTest, ...]:
    if not isinstance(raw, Mapping):
        raise PolicyError(name, pointer, "expected an object of condition operators")
    tests: list[ConditionTest] = []
    for written, block in raw.items():
        where = f"{pointer}/{written}"
        qualifier, _, bare = str(written).lower().rpartition(":")
        if qualifier not in ("", "forallvalues", "foranyvalue"):
            raise PolicyError(name, where, "unknown set operator (ForAllValues or ForAnyValue)")
        if_exists = bare.endswith("ifexists") and bare != "null"
        operator = bare.removesuffix("ifexists") if if_exists else bare
        if not isinstance(block, Mapping) or not block:
            raise PolicyError(name, where, "expected an object of condition keys")
        for key, values in block.items():
            items = values if isinstance(values, list) else [values]
            texts = tuple(_scalar(v, name, f"{where}/{key}") for v in items)
            problem = validate_values(operator, texts)
            if problem:
                raise PolicyError(name, f"{where}/{key}", problem)
            tests.append(ConditionTest(operator, str(key), texts, qualifier, if_exists, written))
    return tuple(tests)


def _one_of(body: Mapping[str, Any], a: str, b: str, name: str, pointer: str) -> str | None:
    if a in body and b in body:
        raise PolicyError(name, pointer, f"{a} and {b} are mutually exclusive")
    return a if a in body else b if b in body else None


_ELEMENTS = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    }
)


def parse_statement(body: Any, index: int, name: str, kind: PolicyKind, pointer: str) -> Statement:
    """One statement of a ``kind`` policy; ``PolicyError`` (at ``pointer``) if IAM rejects it."""
    if not isinstance(body, Mapping):
        raise PolicyError(name, pointer, "expected a statement object")
    unknown = sorted(set(body) - _ELEMENTS)
    if unknown:
        raise PolicyError(name, f"{pointer}/{unknown[0]}", "unknown statement element")
    sid = body.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(name, f"{pointer}/Sid", "expected a string")
    effect_raw = body.get("Effect")
    if effect_raw not in ("Allow", "Deny"):
        raise PolicyError(name, f"{pointer}/Effect", 'expected "Allow" or "Deny"')
    action_key = _one_of(body, "Action", "NotAction", name, pointer)
    if action_key is None:
        raise PolicyError(name, pointer, "expected Action or NotAction")
    actions = _strings(body[action_key], name, f"{pointer}/{action_key}")
    for i, action in enumerate(actions):
        if action != "*" and ":" not in action:
            raise PolicyError(name, f"{pointer}/{action_key}/{i}", "expected service:action")
    resource_key = _one_of(body, "Resource", "NotResource", name, pointer)
    if resource_key is None and kind is not PolicyKind.TRUST:
        raise PolicyError(name, pointer, "expected Resource or NotResource")
    resources = (
        _strings(body[resource_key], name, f"{pointer}/{resource_key}") if resource_key else None
    )
    principal_key = _one_of(body, "Principal", "NotPrincipal", name, pointer)
    if principal_key and not kind.has_principal:
        raise PolicyError(name, f"{pointer}/{principal_key}", f"not allowed in a {kind} policy")
    if principal_key == "NotPrincipal" and (effect_raw == "Allow" or kind is PolicyKind.TRUST):
        raise PolicyError(name, f"{pointer}/NotPrincipal", "NotPrincipal is only for a Deny")
    if principal_key is None and kind in (PolicyKind.RESOURCE, PolicyKind.TRUST):
        raise PolicyError(name, pointer, "expected Principal or NotPrincipal")
    principal = (
        _principal(body[principal_key], name, f"{pointer}/{principal_key}")
        if principal_key
        else None
    )
    conditions = (
        _conditions(body["Condition"], name, f"{pointer}/Condition") if "Condition" in body else ()
    )
    return Statement(
        policy=name,
        index=index,
        effect=Effect(effect_raw),
        actions=actions,
        not_action=action_key == "NotAction",
        resources=resources,
        not_resource=resource_key == "NotResource",
        principal=principal,
        not_principal=principal_key == "NotPrincipal",
        conditions=conditions,
        sid=sid or None,
    )


def parse_policy(document: Any, name: str, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy:
    """A policy document (already decoded JSON) as a frozen ``Policy``; ``PolicyError`` if IAM
    would reject it."""
    if not isinstance(document, Mapping):
        raise PolicyError(name, "", "expected a policy object")
    version = document.get("Version", "2008-10-17")
    if version not in _VERSIONS:
        raise PolicyError(name, "/Version", 'expected "2012-10-17" or "2008-10-17"')
    if "Statement" not in document:
        raise PolicyError(name, "", "expected a Statement element")
    raw = document["Statement"]
    bodies = raw if isinstance(raw, list) else [raw]
    pointer = "/Statement" if isinstance(raw, list) else ""
    statements = tuple(
        parse_statement(body, i, name, kind, f"{pointer}/{i}" if pointer else "/Statement")
        for i, body in enumerate(bodies)
    )
    return Policy(name=name, kind=kind, statements=statements, version=str(version))


def parse_policy_json(text: str, name: str, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy:
    """``parse_policy`` on JSON text; a syntax error is a ``PolicyError`` with its line."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyError(name, "", f"invalid JSON: {exc.msg}", line=exc.lineno) from exc
    return parse_policy(document, name, kind)
