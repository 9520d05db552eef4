"""A live GCP scan end to end: resolve credentials and projects, read each project
concurrently, merge, and say what was read and what was refused."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from fnguard.collect.gcp._api import PERMISSIONS, SERVICES, Clients
from fnguard.collect.gcp._org import organization_projects
from fnguard.collect.gcp._project import collect_project
from fnguard.errors import UsageError
from fnguard.model import Inventory, Role

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fnguard.scan import Progress

__all__ = ["PERMISSIONS", "GcpOptions", "collect_gcp", "summary"]

_PROJECT_WORKERS = 8
_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
_REASON = re.compile(r"^(\S+) answered (.+)$")
# Project IDs (domain-scoped ones too: "example.com:app") or numbers; never a path.
_PROJECT_ID = re.compile(r"^(?:[a-z0-9.-]+:)?[a-z0-9-]+$")


@dataclass(frozen=True)
class GcpOptions:
    """What ``fnguard scan gcp`` was asked to read.

    ``endpoints`` maps a service ("cloudfunctions", "run", "cloudresourcemanager", or "*" for
    all) to a base URL such as ``http://127.0.0.1:8080`` (tests, emulators). ``credentials``
    are google-auth credentials; ``None`` means application default credentials.
    """

    projects: tuple[str, ...] = ()
    organization: str | None = None
    endpoints: Mapping[str, str] = field(default_factory=dict)
    credentials: Any = None
    retry_timeout_s: float = 60.0


def collect_gcp(options: GcpOptions, progress: Progress | None = None) -> Inventory:
    """Read every project (in parallel) into one inventory; refusals are gaps, never errors.

    Raises ``UsageError`` for what the user must fix first: no project named, the ``gcp``
    extra missing, no application default credentials.
    """
    unknown = set(options.endpoints) - {*SERVICES, "*"}
    if unknown:
        raise UsageError(f"unknown GCP service endpoint(s): {', '.join(sorted(unknown))}")
    bad = [p for p in options.projects if not _PROJECT_ID.match(p)]
    if bad:
        raise UsageError(f"--project {bad[0]!r} is not a project ID")
    credentials, default_project = _credentials(options)
    clients = Clients(credentials, options.endpoints, options.retry_timeout_s)
    projects = list(options.projects)
    pieces: list[Inventory] = []
    if options.organization:
        found, gaps = organization_projects(clients, options.organization)
        projects.extend(found)
        pieces.append(Inventory(gaps=gaps))
    if not projects and not options.organization:
        if not default_project:
            raise UsageError("name a project with --project ID (or --organization ID)")
        projects.append(default_project)
    projects = list(dict.fromkeys(projects))
    if progress is not None:
        progress.stage("reading GCP projects", len(projects))
    with ThreadPoolExecutor(min(_PROJECT_WORKERS, len(projects)) or 1) as pool:
        futures = [pool.submit(collect_project, clients, project) for project in projects]
        for future in as_completed(futures):
            pieces.append(future.result())
            if progress is not None:
                progress.advance()
    pieces.sort(key=lambda p: p.sources)  # completion order varies; the inventory's must not
    return _one_role_per_account(Inventory.combine(pieces))


def _credentials(options: GcpOptions) -> tuple[Any, str | None]:
    try:
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError
    except ImportError:
        raise UsageError(
            "scanning GCP needs the Google client libraries: pip install 'fnguard[gcp]'"
        ) from None
    if options.credentials is not None:
        return options.credentials, None
    try:
        credentials, project = google.auth.default(scopes=_SCOPES)
    except DefaultCredentialsError as exc:
        raise UsageError(
            "no Google application default credentials: run "
            "`gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS "
            f"({exc})"
        ) from None
    return credentials, project


def _one_role_per_account(inventory: Inventory) -> Inventory:
    """A service account used in several projects: one ``Role``, holding the roles it has
    on each of them (every project its functions run in grants it something)."""
    merged: dict[str, Role] = {}
    for role in inventory.roles:
        seen = merged.get(role.address)
        if seen is None:
            merged[role.address] = role
        else:
            roles = tuple(dict.fromkeys(seen.gcp_roles + role.gcp_roles))
            merged[role.address] = replace(seen, gcp_roles=roles)
    if len(merged) == len(inventory.roles):
        return inventory
    return replace(inventory, roles=tuple(merged.values()))


def summary(inventory: Inventory) -> str:
    """One line: what was read, and which permissions the scan lacked, each with the number
    of resources (project, function) it left unknown."""
    projects = {s for s in inventory.sources if s.startswith("gcp://")}
    read = (
        f"gcp: read {len(inventory.functions)} functions, {len(inventory.roles)} service "
        f"accounts, {len(inventory.triggers)} triggers, {len(inventory.front_doors)} front "
        f"doors in {len(projects)} project(s)"
    )
    refused: dict[str, set[str]] = {}
    for gap in inventory.gaps:
        match = _REASON.match(gap.reason)
        if match:
            refused.setdefault(f"{match.group(1)} ({match.group(2)})", set()).add(gap.resource)
    if not refused:
        return f"{read}; every call answered"
    lacking = ", ".join(f"{api} x{len(where)}" for api, where in sorted(refused.items()))
    return f"{read}; refused: {lacking}"


def anonymous_credentials() -> Any:
    """Credentials for emulators and test doubles: requests go out unsigned."""
    from google.auth.credentials import AnonymousCredentials

    return AnonymousCredentials()  # type: ignore[no-untyped-call]
