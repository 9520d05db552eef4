"""Inventory policies as engine policies, without rejecting what IaC sources really contain.

The engine's parser refuses what IAM refuses (``fnguard iam validate`` reports it). Policies read
from Terraform, CloudFormation or an account still carry unresolved references, lower-case
effects, GCP principals or conditions the parser cannot type; rules must judge them anyway, so
statements are built here without rejecting: a condition fnguard cannot type becomes a test the
evaluator leaves undecided (the answer is then ``conditional``), and only a statement with
neither a usable Effect nor actions is dropped. Parsed policies are cached per document object
(by identity, the document held), name and kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fnguard.iam._elements import as_list
from fnguard.iam._held import Held
from fnguard.iam.engine import (
    ConditionTest,
    Effect,
    Policy,
    PolicyKind,
    PrincipalSpec,
    Statement,
)
from fnguard.iam.engine._operators import OPERATORS, validate_values
from fnguard.model import Policy as InventoryPolicy
from fnguard.model import PolicyKind as InventoryKind

__all__ = [
    "UNJUDGED",
    "engine_policy",
    "may_name_stranger",
    "names_anyone",
    "statements_policy",
]

UNJUDGED = "unjudged"  # operator of a test the evaluator cannot decide
_PUBLIC = frozenset({"*", "allusers", "allauthenticatedusers"})
_EFFECTS = {"Allow": Effect.ALLOW, "Deny": Effect.DENY}
_KINDS = {
    InventoryKind.BOUNDARY: PolicyKind.BOUNDARY,
    InventoryKind.TRUST: PolicyKind.TRUST,
    InventoryKind.RESOURCE: PolicyKind.RESOURCE,
}


def _root(name: str) -> str:
    return f"arn:aws:iam::{name}:root" if name.isdigit() and len(name) == 12 else name


def _principal(raw: Any) -> PrincipalSpec:
    if isinstance(raw, str):
        return PrincipalSpec(anyone=raw.strip().lower() in _PUBLIC, aws=(_root(raw),))
    if not isinstance(raw, Mapping):
        return PrincipalSpec()
    found: dict[str, tuple[str, ...]] = {}
    anyone = False
    for key, values in raw.items():
        names = as_list(values)
        anyone = anyone or any(n.strip().lower() in _PUBLIC for n in names)
        field = {"AWS": "aws", "Service": "service", "Federated": "federated"}.get(str(key))
        if field == "aws":
            names = tuple(_root(n) for n in names)
        if field:
            found[field] = names
    return PrincipalSpec(anyone=anyone, **found)


def names_anyone(raw: Any) -> bool:
    """``_principal(raw).anyone`` without building the rest of the principal."""
    if isinstance(raw, str):
        return raw.strip().lower() in _PUBLIC
    if type(raw) is not dict and not isinstance(raw, Mapping):  # the exact type: no ABC check
        return False
    for values in raw.values():  # loops, not a generator: asked of every function's statements
        for name in as_list(values):
            if name.strip().lower() in _PUBLIC:
                return True
    return False


def may_name_stranger(body: Any) -> bool:
    """Could this statement, read in a resource policy, apply to an anonymous caller? Only
    without a Principal (NotPrincipal, or none) or with a public one; a statement the reading
    drops applies to no one."""
    if type(body) is not dict and not isinstance(body, Mapping):
        return False
    return "Principal" not in body or names_anyone(body["Principal"])


def _tests(raw: Any) -> tuple[ConditionTest, ...]:
    if not raw:
        return ()
    if not isinstance(raw, Mapping):
        return (ConditionTest(UNJUDGED, "?", ()),)
    tests: list[ConditionTest] = []
    for written, block in raw.items():
        qualifier, _, bare = str(written).lower().rpartition(":")
        if_exists = bare.endswith("ifexists") and bare != "null"
        operator = bare.removesuffix("ifexists") if if_exists else bare
        if not isinstance(block, Mapping):
            tests.append(ConditionTest(UNJUDGED, "?", (), written=str(written)))
            continue
        for key, values in block.items():
            texts = as_list(values)
            usable = (
                operator in OPERATORS
                and qualifier in ("", "forallvalues", "foranyvalue")
                and validate_values(operator, texts) is None
            )
            op = operator if usable else UNJUDGED
            tests.append(ConditionTest(op, str(key), texts, qualifier, if_exists, str(written)))
    return tuple(tests)


def _lenient(
    body: Mapping[str, Any], index: int, name: str, kind: PolicyKind, principals: bool
) -> Statement | None:
    """One statement read without rejecting (``principals``: the kind has a Principal)."""
    written = body.get("Effect", "")
    # Most statements write "Allow" or "Deny" as such: one look-up, no string made.
    effect = _EFFECTS.get(written) if type(written) is str else None
    if effect is None:
        effect = _EFFECTS.get(str(written).strip().capitalize())
        if effect is None:
            return None
    if "Action" in body:
        actions, not_action = as_list(body["Action"]), False
    elif "NotAction" in body:
        actions, not_action = as_list(body["NotAction"]), True
    else:
        return None
    if "Resource" in body:
        resources: tuple[str, ...] | None = as_list(body["Resource"])
        not_resource = False
    else:  # NotResource, or neither element (None, flagged as NotResource)
        resources = as_list(body["NotResource"]) if "NotResource" in body else None
        not_resource = True
    principal = None
    not_principal = False
    if principals:
        if "Principal" in body:
            principal = _principal(body["Principal"])
        elif "NotPrincipal" in body:
            principal = _principal(body["NotPrincipal"])
            not_principal = True
    sid = body.get("Sid")
    condition = body.get("Condition")
    # Positional: a call with eleven keywords costs twice as much, once per statement read.
    return Statement(
        name,
        index,
        effect,
        actions,
        not_action,
        resources,
        not_resource,
        principal,
        not_principal,
        _tests(condition) if condition else (),
        str(sid) if sid else None,
    )


def statements_policy(
    statements: Sequence[Mapping[str, Any]],
    name: str = "",
    kind: PolicyKind = PolicyKind.RESOURCE,
    version: str = "2012-10-17",
) -> Policy:
    """Loose statements (a function's resource policy, one trust statement) as a policy."""
    principals = kind.has_principal
    parsed: list[Statement] = []
    for i, body in enumerate(statements):
        # Parsed JSON is made of dicts: the exact type test spares the ABC check.
        if type(body) is dict or isinstance(body, Mapping):
            statement = _lenient(body, i, name, kind, principals)
            if statement is not None:
                parsed.append(statement)
    return Policy(name, kind, tuple(parsed), version)


# Keyed by the document's identity with its name and kind: the engine's reading depends on
# nothing else, and collectors hand every role the same document object for one AWS-managed
# policy, so a thousand attachments are read (and later matched) once.
_READ: Held[Policy] = Held()


def engine_policy(policy: InventoryPolicy) -> Policy:
    """The engine's reading of an inventory policy (whose ``document`` is known)."""
    document = policy.document
    kind = _KINDS.get(policy.kind, PolicyKind.IDENTITY)
    if document is None:
        return Policy(policy.name, kind, ())

    def read() -> Policy:
        version = str(document.get("Version", "2008-10-17"))
        return statements_policy(policy.statements, policy.name, kind, version)

    return _READ.get((document,), (policy.name, policy.kind), read)
