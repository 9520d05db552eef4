"""What the artifact rules (PKG001, PKG002, PKG004-PKG006) share: who deploys a package, and
when a package was read too incompletely to call it clean.

A package is *incomplete* when reading it stopped early (a limit hit, recorded as a gap on the
package) or when members could not be read (``errors``): a rule that found nothing in it then
reports unknown, never a pass. A function whose artifact was not found has a gap with
``field="package"``, and the same holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import Function
from fnguard.rules._gaps import inventory_gaps

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from fnguard.model import CollectionGap, Inventory, Package

__all__ = [
    "MIB",
    "deployments",
    "function_gap",
    "incomplete",
    "label",
    "listing",
    "package_gap",
    "what",
]

MIB = 1024 * 1024


def label(fn: Function) -> str:
    return fn.name or fn.address


def what(pkg: Package) -> str:
    return f"layer {pkg.path}" if pkg.is_layer else f"package {pkg.path}"


def listing(items: Iterable[str], shown: int = 5) -> str:
    """'a, b, c and 4 more': enough to act on, short enough for a message."""
    values = list(items)
    head = ", ".join(values[:shown])
    return f"{head} and {len(values) - shown} more" if len(values) > shown else head


def package_gap(inv: Inventory, pkg: Package) -> CollectionGap | None:
    found = inventory_gaps(inv).get(pkg.address, "package")
    return found[0] if found else None


def function_gap(inv: Inventory, fn: Function) -> CollectionGap | None:
    found = [g for g in inventory_gaps(inv).get(fn.address, "package") if g.field == "package"]
    return found[0] if found else None


def incomplete(inv: Inventory, pkg: Package) -> str | None:
    """Why the package was not fully read, or ``None``."""
    gap = package_gap(inv, pkg)
    if gap is not None:
        return gap.reason
    if pkg.errors:
        return f"{len(pkg.errors)} member(s) unreadable: {pkg.errors[0]}"
    return None


def deployments(inv: Inventory) -> Iterator[tuple[Package, Function | None]]:
    """Each package with each function deploying it; an unused layer once, with ``None``."""
    for pkg in inv.packages:
        users = [fn for a in pkg.functions if isinstance(fn := inv.get(a), Function)]
        if not users:
            yield pkg, None
        for fn in users:
            yield pkg, fn
