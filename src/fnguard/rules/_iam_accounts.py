"""Which AWS accounts are "ours": read from ARNs the inventory itself declares.

Used by IAM006 (cross-account trust) and EXP007 (layers from other accounts). A layer or a
trusted principal is judged against accounts the sources show the functions live in, plus the
user's ``trusted_accounts``; ARNs that *point elsewhere* (policy resources, layers, principals)
are deliberately not read here, or every foreign account would count as ours.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from fnguard.model import Inventory

__all__ = ["account_of", "own_accounts"]

_ACCOUNT = re.compile(r"^\d{12}$")


def account_of(value: str | None) -> str | None:
    """The 12-digit account of an ARN or a bare account ID; ``None`` when it names none."""
    if not value:
        return None
    value = value.strip()
    # The length first: most values are ARNs or addresses, and a regex call costs more.
    if len(value) == 12 and _ACCOUNT.match(value):
        return value
    if not value.startswith("arn:"):  # ``parts[0] == "arn"`` below, without splitting
        return None
    parts = value.split(":")
    if len(parts) >= 6 and _ACCOUNT.match(parts[4]):
        return parts[4]
    return None


@per_object
def _declared(inv: Inventory) -> frozenset[str]:
    """Walked once per inventory: IAM006 and EXP007 both ask."""
    found: set[str | None] = set()
    for fn in inv.functions:
        found.update(
            account_of(v)
            for v in (fn.address, fn.kms_key_arn, fn.dead_letter_target, fn.on_failure_destination)
        )
    found.update(account_of(r.arn) for r in inv.roles)
    found.update(account_of(k.arn) for k in inv.kms_keys)
    found.update(account_of(q.arn) for q in inv.queues)
    found.update(account_of(c.arn) for c in inv.code_signing_configs)
    found.update(account_of(p.source_account) for p in inv.permissions)
    return frozenset(a for a in found if a)


def own_accounts(inv: Inventory, trusted: tuple[str, ...] = ()) -> frozenset[str]:
    """The inventory's own accounts plus the trusted ones (the walk is kept per inventory)."""
    return _declared(inv) | frozenset(a for a in (account_of(t) for t in trusted) if a)
