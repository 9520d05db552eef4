"""Work every rule would repeat, done once before the rules run (and before they are shared
with a forked process, which inherits it): each function's role view and each role's
compiled policies. Nothing here changes a verdict; rules compute the same on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.rules._iam_common import role_views
from fnguard.rules._run_permissions import identity_policies

if TYPE_CHECKING:
    from fnguard.model import Inventory
    from fnguard.rules._base import RuleContext

__all__ = ["prepare"]


def prepare(inventory: Inventory, ctx: RuleContext) -> None:
    """Warm what the rules share, when the checker can be warmed (the engine can)."""
    warm = getattr(ctx.permissions, "prepare", None)
    if warm is None:
        return
    views = [view.policies for _, view in role_views(inventory) if not isinstance(view, str)]
    warm(views)
    warm(identity_policies(role) for role in inventory.roles)
