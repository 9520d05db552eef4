"""Turning the handler analysis' facts into findings, the same way for every code rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import Evidence
from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.model import Finding, Function, Inventory
    from fnguard.rules._base import RuleMeta

__all__ = ["code_issue_findings"]


def code_issue_findings(meta: RuleMeta, inventory: Inventory) -> Iterator[Finding]:
    """One finding per ``CodeIssue`` filed under ``meta.id``, with its flow as evidence.

    The finding sits on the code line (SARIF shows it there); ``function`` groups it with
    the function's other findings.
    """
    for fn in _with_issues(inventory):
        for issue in inventory.code_issues_of(fn, meta.id):
            evidence = [Evidence("sink", issue.sink)] if issue.sink else []
            evidence.extend(
                Evidence(f"step {n}", f"{step.location}: {step.note}")
                for n, step in enumerate(issue.steps, 1)
            )
            yield meta.finding(
                resource=fn.address,
                location=issue.location,
                message=issue.message,
                evidence=evidence,
                function=fn,
            )


@per_object
def _with_issues(inventory: Inventory) -> tuple[Function, ...]:
    """The functions with any code issue, in inventory order (once per inventory: a dozen
    code rules each walk them, and most functions have none)."""
    if not inventory.code_issues:
        return ()
    concerned = {issue.function for issue in inventory.code_issues}
    return tuple(fn for fn in inventory.functions if fn.address in concerned)
