"""What IAM rules share: a function's role with its policies sorted into known and unknown.

Findings are on the role (``resource`` = role address), one per function that uses it, so
each function's report shows what its role lets it do; the message names the function, which
keeps the findings' keys distinct for baselines.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnguard.model import (
    Evidence,
    Finding,
    Function,
    Inventory,
    Location,
    Policy,
    PolicyKind,
    Role,
)
from fnguard.rules._gaps import GapIndex, inventory_gaps
from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from fnguard.rules._base import RuleMeta

__all__ = [
    "GapIndex",
    "RoleView",
    "resolve_role",
    "role_finding",
    "role_views",
    "sorted_policies",
]


@dataclass(frozen=True, init=False)
class RoleView:
    """A function's execution role with its policies sorted into known and unknown text, so that IAM
    rules report unknown rather than pass on a policy they cannot read."""

    fn: Function
    role: Role
    policies: tuple[Policy, ...]  # identity policies with known text, plus a known boundary
    unknown: tuple[Policy, ...]  # identity policies (or boundary) whose text is unknown

    def __init__(
        self, fn: Function, role: Role, policies: tuple[Policy, ...], unknown: tuple[Policy, ...]
    ) -> None:
        # ``@dataclass``'s without a setattr per field: one per function of the inventory
        self.__dict__.update(fn=fn, role=role, policies=policies, unknown=unknown)

    @property
    def subject(self) -> str:
        return f"{self.role.address} (role of {self.fn.address})"

    def policy_named(self, name: str) -> Policy | None:
        return next((p for p in self.policies if p.name == name), None)

    def unknown_evidence(self) -> tuple[Evidence, ...]:
        return tuple(Evidence("policy text unknown", p.arn or p.name) for p in self.unknown)


def resolve_role(inv: Inventory, fn: Function, gaps_index: GapIndex) -> RoleView | str:
    """The function's role view, or why it cannot be judged (a message for an UNKNOWN)."""
    gaps = gaps_index.get(fn.address, "role")
    if fn.role is None or gaps:
        why = gaps[0].reason if gaps else "the source does not say which role it uses"
        return f"{fn.address}: execution role unknown ({why})"
    role = inv.role_of(fn)
    if role is None:
        return f"{fn.address}: execution role {fn.role} is not declared in the scanned sources"
    known, unknown = sorted_policies(role)
    return RoleView(fn=fn, role=role, policies=known, unknown=unknown)


@per_object
def sorted_policies(role: Role) -> tuple[tuple[Policy, ...], tuple[Policy, ...]]:
    """(identity policies with known text plus a known boundary, those with unknown text):
    one pair of tuples per role, so every view of a role asks the checker with the same one
    (which it recognises without looking at the policies)."""
    known: list[Policy] = []
    unknown: list[Policy] = []
    candidates = [p for p in role.policies if p.kind not in (PolicyKind.TRUST, PolicyKind.RESOURCE)]
    if role.boundary is not None:
        candidates.append(role.boundary)
    for policy in candidates:
        (known if policy.document is not None else unknown).append(policy)
    return tuple(known), tuple(unknown)


_VIEWS: dict[int, tuple[weakref.ref[Inventory], tuple[tuple[Function, RoleView | str], ...]]] = {}


def role_views(inv: Inventory) -> tuple[tuple[Function, RoleView | str], ...]:
    """Every function with its role view (or why it has none), computed once per inventory.

    Six IAM rules walk the same views; the cache is keyed by the inventory's identity and
    dropped with it (inventories are frozen, so the views cannot go stale).
    """
    key = id(inv)
    cached = _VIEWS.get(key)
    if cached is not None and cached[0]() is inv:
        return cached[1]
    gaps = inventory_gaps(inv)
    views = tuple((fn, resolve_role(inv, fn, gaps)) for fn in inv.functions)

    def forget(_ref: weakref.ref[Inventory]) -> None:
        _VIEWS.pop(key, None)

    _VIEWS[key] = (weakref.ref(inv, forget), views)
    return views


def _location(view: RoleView, deciding: Sequence[str]) -> Location:
    for ident in deciding:
        policy = view.policy_named(ident.rsplit("#", 1)[0])
        if policy is not None and policy.location is not None:
            return policy.location
    return view.role.location


def role_finding(
    meta: RuleMeta,
    view: RoleView,
    message: str,
    *,
    deciding: Sequence[str] = (),
    evidence: Iterable[Evidence] = (),
    impact: int | None = None,
) -> Finding:
    """A finding on the role for one function; located at the deciding policy when known."""
    facts = [Evidence("statement", ident) for ident in deciding]
    facts.extend(evidence)
    return meta.finding(
        resource=view.role.address,
        location=_location(view, deciding),
        message=f"{view.subject} {message}",
        evidence=facts,
        function=view.fn,
        impact=impact,
    )
