"""An organisation's projects through Resource Manager: the projects under the organisation
and, folder by folder, under every folder below it (``parent:`` only finds direct children).
Only ACTIVE projects are scanned; a listing that fails is a gap on that parent."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from fnguard.collect.gcp._api import FOLDERS_LIST, PROJECT_GET, Api
from fnguard.model import CollectionGap, Location

if TYPE_CHECKING:
    from fnguard.collect.gcp._api import Clients

__all__ = ["organization_projects"]

_ACTIVE = "ACTIVE"


def organization_projects(
    clients: Clients, organization: str
) -> tuple[tuple[str, ...], tuple[CollectionGap, ...]]:
    """The project IDs below ``organizations/<id>``, and the gaps of parents not listed."""
    org = organization.removeprefix("organizations/")
    api = Api(clients)
    projects: list[str] = []
    parents = [f"organizations/{org}"]
    while parents:
        parent = parents.pop(0)
        where = Location(f"gcp://{parent}", 0)
        found = api.guarded(
            PROJECT_GET,
            partial(clients.search_projects, parent),
            where=where,
            resource=parent,
            fields=("projects",),
        )
        for item in found.items if found else ():
            if item.get("state", _ACTIVE) == _ACTIVE and item.get("projectId"):
                projects.append(str(item["projectId"]))
        folders = api.guarded(
            FOLDERS_LIST,
            partial(clients.list_folders, parent),
            where=where,
            resource=parent,
            fields=("projects",),
        )
        for item in folders.items if folders else ():
            if item.get("state", _ACTIVE) == _ACTIVE and item.get("name"):
                parents.append(str(item["name"]))
    return tuple(dict.fromkeys(projects)), api.gaps
