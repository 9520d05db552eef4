"""The question IAM rules ask, behind one interface.

Issue 2 ships a simple statement matcher (``fnguard.iam._matcher``); the full offline
evaluator (issue 4) implements the same protocol and replaces it in ``default_checker``.
Rules never look at policy JSON themselves for allow/deny questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from fnguard.model import Policy

__all__ = ["Decision", "PermissionChecker"]


@dataclass(frozen=True)
class Decision:
    """Answer to "is this allowed?" with the statements that decided it.

    ``conditional`` is true when the deciding Allow carries conditions the checker did not
    evaluate to a definite answer (the caller decides whether that matters).
    """

    allowed: bool
    deciding: tuple[str, ...] = ()  # "policy-name#Sid-or-index" of the deciding statements
    conditional: bool = False


class PermissionChecker(Protocol):
    def identity_allows(
        self, policies: Sequence[Policy], action: str, resource: str = "*"
    ) -> Decision:
        """Do these identity policies (with explicit denies) allow ``action`` on ``resource``?"""
        ...

    def resource_allows_anonymous(
        self, statements: Sequence[Mapping[str, Any]], action: str, resource: str = "*"
    ) -> Decision:
        """Would a caller from an unrelated account, with no matching context, be allowed?"""
        ...

    def expand_action(self, pattern: str) -> tuple[str, ...]:
        """Every known action matching ``pattern`` ("s3:Get*"), from the action dataset."""
        ...

    def access_level(self, action: str) -> str | None:
        """ "Read", "List", "Write", "Permissions management", "Tagging", or None if unknown."""
        ...
