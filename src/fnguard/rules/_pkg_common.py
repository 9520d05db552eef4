"""What the artifact rules (PKG001, PKG002, PKG004-PKG007, SEC003) share: who deploys a
package, when a package was read too incompletely to call it clean, and which functions a
rule needs to look at at all.

A package is *incomplete* when reading it stopped early (a limit hit, recorded as a gap on the
package) or when members could not be read (``errors``): a rule that found nothing in it then
reports unknown, never a pass. A function whose artifact was not found has a gap with
``field="package"``, and the same holds.

Most functions deploy packages in which the rules find nothing to say (no binaries, no
wheels, nothing unread), and every rule would otherwise walk every function to learn it:
``concerned`` names, from a walk over the few packages, the functions a rule must judge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import Function
from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from fnguard.model import CollectionGap, Inventory, Package

__all__ = [
    "MIB",
    "concerned",
    "function_gap",
    "incomplete",
    "label",
    "listing",
    "package_gap",
    "unused",
    "users",
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


class _PackageGaps:
    """The first package gap of each resource, read in one walk over the inventory's gaps:
    of a function, the first with ``field="package"``; of a package, the first of that field
    or of none (``Inventory.gaps_for(address, "package")[0]``)."""

    __slots__ = ("of_function", "of_package")

    def __init__(self, inv: Inventory) -> None:
        self.of_function: dict[str, CollectionGap] = {}
        self.of_package: dict[str, CollectionGap] = {}
        for gap in inv.gaps:
            if gap.field == "package":
                self.of_function.setdefault(gap.resource, gap)
                self.of_package.setdefault(gap.resource, gap)
            elif not gap.field:
                self.of_package.setdefault(gap.resource, gap)


_package_gaps = per_object(_PackageGaps)


def package_gap(inv: Inventory, pkg: Package) -> CollectionGap | None:
    return _package_gaps(inv).of_package.get(pkg.address)


def function_gap(inv: Inventory, fn: Function) -> CollectionGap | None:
    return _package_gaps(inv).of_function.get(fn.address)


def concerned(inv: Inventory, judged: Callable[[Package], object]) -> Iterator[Function]:
    """The functions, in inventory order, whose artifact was not found or not opened
    (``function_gap``) or that deploy a package for which ``judged`` is true: those a package
    rule can say anything about (a function deploys the packages naming it in
    ``Package.functions``, as ``Inventory.packages_of`` answers)."""
    wanted = set(_package_gaps(inv).of_function)
    for pkg in inv.packages:
        if judged(pkg):
            wanted.update(pkg.functions)
    if not wanted:
        return
    for fn in inv.functions:
        if fn.address in wanted:
            yield fn


def incomplete(inv: Inventory, pkg: Package) -> str | None:
    """Why the package was not fully read, or ``None``."""
    gap = package_gap(inv, pkg)
    if gap is not None:
        return gap.reason
    if pkg.errors:
        return f"{len(pkg.errors)} member(s) unreadable: {pkg.errors[0]}"
    return None


@per_object
def unused(inv: Inventory) -> tuple[Package, ...]:
    """The packages no function of the inventory deploys (a layer published for others)."""
    if not inv.packages:
        return ()
    addresses = {fn.address for fn in inv.functions}
    deployed = {p.address for p in inv.packages if any(a in addresses for a in p.functions)}
    return tuple(p for p in inv.packages if p.address not in deployed)


def users(inv: Inventory, pkg: Package) -> list[Function]:
    """The functions deploying ``pkg`` (none for an unused layer)."""
    return [fn for a in pkg.functions if isinstance(fn := inv.get(a), Function)]
