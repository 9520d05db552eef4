"""``--organization``: the organisation's projects through Resource Manager, folders
included, ACTIVE ones only; a listing that is refused is a gap, not an empty organisation."""

from __future__ import annotations

from collect_gcp_live.gcp_fake_data import seed_acme
from collect_gcp_live.gcp_fake_server import FakeGcp, fake, forbidden

from fnguard.collect.gcp import collect_gcp
from fnguard.model import CollectionGap, Location

__all__ = ["fake"]

SEARCH = "GET /v3/projects:search?query=parent:"
FOLDERS = "GET /v3/folders?parent="


def project(project_id: str, parent: str, state: str = "ACTIVE") -> dict[str, str]:
    return {
        "name": f"projects/{100000 + len(project_id)}",
        "parent": parent,
        "projectId": project_id,
        "state": state,
        "displayName": project_id,
    }


def seed_organization(fake: FakeGcp) -> None:
    routes = fake.routes
    routes[SEARCH + "organizations/42"] = (
        200,
        {"projects": [project("acme", "organizations/42")]},
    )
    routes[FOLDERS + "organizations/42"] = (
        200,
        {"folders": [{"name": "folders/7", "parent": "organizations/42", "state": "ACTIVE"}]},
    )
    routes[SEARCH + "folders/7"] = (
        200,
        {
            "projects": [
                project("quiet", "folders/7"),
                project("gone", "folders/7", "DELETE_REQUESTED"),
            ]
        },
    )
    routes[FOLDERS + "folders/7"] = (
        200,
        {"folders": [{"name": "folders/8", "parent": "folders/7", "state": "ACTIVE"}]},
    )
    routes[SEARCH + "folders/8"] = (200, {})
    routes[FOLDERS + "folders/8"] = forbidden("resourcemanager.folders.list")
    seed_acme(fake)
    routes["GET /v1/projects/quiet/locations/-/functions"] = (200, {})
    routes["GET /v2/projects/quiet/locations/-/functions"] = (200, {})


def test_projects_below_the_organisation_and_its_folders(fake: FakeGcp) -> None:
    seed_organization(fake)
    inv = collect_gcp(fake.options(organization="42"))
    assert inv.sources == ("gcp://acme", "gcp://quiet")
    assert len(inv.functions) == 4
    assert "GET /v1/projects/gone/locations/-/functions" not in fake.requests
    assert inv.gaps == (
        CollectionGap(
            Location("gcp://folders/8", 0),
            "resourcemanager.folders.list answered 403 Forbidden",
            "folders/8",
            "projects",
        ),
    )


def test_named_projects_and_the_organisation_are_scanned_once_each(fake: FakeGcp) -> None:
    seed_organization(fake)
    collect_gcp(fake.options(organization="organizations/42", projects=("acme",)))
    assert fake.requests.count("GET /v1/projects/acme/locations/-/functions") == 1


def test_a_refused_organisation_is_a_gap(fake: FakeGcp) -> None:
    fake.routes[SEARCH + "organizations/9"] = forbidden()
    fake.routes[FOLDERS + "organizations/9"] = forbidden()
    inv = collect_gcp(fake.options(organization="9"))
    assert inv.functions == () and inv.sources == ()
    assert [g.reason for g in inv.gaps] == [
        "resourcemanager.projects.get answered 403 Forbidden",
        "resourcemanager.folders.list answered 403 Forbidden",
    ]
