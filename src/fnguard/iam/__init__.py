"""IAM: the permission questions rules ask, behind one interface.

``default_checker()`` is what the scanner injects into ``RuleContext.permissions``; today it is
the statement matcher, later the full evaluator, with no change for rules.
"""

from __future__ import annotations

import functools

from fnguard.iam._actions import ACCESS_LEVELS, dataset_version, resource_scopable
from fnguard.iam._compiled import as_list
from fnguard.iam._interface import Decision, PermissionChecker
from fnguard.iam._wildcard import is_policy_variable, placeholders, substitute

__all__ = [
    "ACCESS_LEVELS",
    "Decision",
    "PermissionChecker",
    "as_list",
    "dataset_version",
    "default_checker",
    "is_policy_variable",
    "placeholders",
    "resource_scopable",
    "substitute",
]


@functools.lru_cache(maxsize=1)
def default_checker() -> PermissionChecker:
    from fnguard.iam._matcher import StatementMatcher

    return StatementMatcher()
