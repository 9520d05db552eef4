"""Resolve a function's VPC attachment to the subnets, VPCs and security groups collected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from fnguard._kept import kept
from fnguard.model import Function, Inventory, SecurityGroup, Subnet
from fnguard.rules._memo import per_object

__all__ = ["VpcView", "in_vpc", "vpc_view"]

_T = TypeVar("_T")


def in_vpc(fn: Function) -> bool:
    """Attached to a VPC: Lambda needs at least one subnet for that."""
    return fn.vpc is not None and bool(fn.vpc.subnet_ids)


@dataclass(frozen=True)
class VpcView:
    """A function's subnets and security groups looked up in the inventory, with those not found:
    they make a NET rule's answer unknown rather than a pass."""

    subnets: tuple[Subnet, ...]  # resolved
    missing_subnets: tuple[str, ...]  # ids / addresses not in the inventory
    security_groups: tuple[SecurityGroup, ...]
    missing_security_groups: tuple[str, ...]

    @kept
    def vpc_ids(self) -> frozenset[str]:
        return frozenset(s.vpc_id for s in self.subnets if s.vpc_id) | frozenset(
            g.vpc_id for g in self.security_groups if g.vpc_id
        )


def _resolve(inv: Inventory, kind: type[_T], keys: tuple[str, ...]) -> tuple[list[_T], list[str]]:
    found: list[_T] = []
    missing: list[str] = []
    for key in keys:
        item = inv.lookup(kind, key)
        if item is None:
            missing.append(key)
        else:
            found.append(item)
    return found, missing


@per_object
def _views(inv: Inventory) -> dict[int, tuple[Function, VpcView]]:
    """Each function's view once per inventory: NET002, NET003 and NET004 all ask."""
    return {}


def vpc_view(inv: Inventory, fn: Function) -> VpcView:
    views = _views(inv)
    found = views.get(id(fn))
    if found is None or found[0] is not fn:  # the function held: its id is not reused
        found = views[id(fn)] = (fn, _vpc_view(inv, fn))
    return found[1]


def _vpc_view(inv: Inventory, fn: Function) -> VpcView:
    if fn.vpc is None:
        return VpcView((), (), (), ())
    subnets, missing_subnets = _resolve(inv, Subnet, fn.vpc.subnet_ids)
    groups, missing_groups = _resolve(inv, SecurityGroup, fn.vpc.security_group_ids)
    return VpcView(tuple(subnets), tuple(missing_subnets), tuple(groups), tuple(missing_groups))
