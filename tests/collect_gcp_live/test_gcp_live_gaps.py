"""Refused and failed calls become gaps on what they hid (never an aborted scan, never a
silent pass), and the summary names the permissions the scan lacked."""

from __future__ import annotations

import re

from collect_gcp_live.gcp_fake_data import V1_API, V2_ORDERS, policy, seed_acme
from collect_gcp_live.gcp_fake_server import FakeGcp, disabled, fake, forbidden, throttled

from fnguard.collect.gcp import PERMISSIONS, GcpOptions, collect_gcp, summary
from fnguard.model import CollectionGap, Location

__all__ = ["fake"]

HOOK = "projects/beta/locations/us-east1/functions/hook"
WEB = "projects/beta/locations/us-east1/functions/web"
WEB_RUN = "projects/beta/locations/us-east1/services/web"
LISTED = Location("gcp://beta/-/cloudfunctions", 0)
HOOK_AT = Location("gcp://beta/us-east1/cloudfunctions/hook", 0)
WEB_AT = Location("gcp://beta/us-east1/cloudfunctions/web", 0)
REFUSED = "answered 403 Forbidden"


def seed_beta(fake: FakeGcp) -> None:
    """A project where the v2 listing, one function policy and the project policy are refused."""
    hook = V1_API | {"name": HOOK, "serviceAccountEmail": "hook@beta.iam.gserviceaccount.com"}
    fake.routes["GET /v1/projects/beta/locations/-/functions"] = (200, {"functions": [hook]})
    fake.routes["GET /v2/projects/beta/locations/-/functions"] = forbidden()
    fake.routes[f"GET /v1/{HOOK}:getIamPolicy"] = forbidden("cloudfunctions.functions.getIamPolicy")
    fake.routes["POST /v3/projects/beta:getIamPolicy"] = forbidden()


def test_refusals_are_gaps_on_what_they_hid(fake: FakeGcp) -> None:
    seed_beta(fake)
    inv = collect_gcp(fake.options(projects=("beta",)))
    [fn] = inv.functions
    assert fn.address == HOOK and fn.role == "hook@beta.iam.gserviceaccount.com"
    project_roles = f"resourcemanager.projects.getIamPolicy {REFUSED}"
    assert inv.gaps == (
        CollectionGap(
            LISTED, f"cloudfunctions.functions.list {REFUSED}", "projects/beta", "functions"
        ),
        CollectionGap(
            HOOK_AT, f"cloudfunctions.functions.getIamPolicy {REFUSED}", HOOK, "permissions"
        ),
        CollectionGap(
            Location("gcp://beta/global/iam", 0), project_roles, "projects/beta", "roles"
        ),
        CollectionGap(
            HOOK_AT,
            f"the project roles of hook@beta.iam.gserviceaccount.com could not be read "
            f"({project_roles})",
            HOOK,
            "role",
        ),
    )
    # Who may invoke it is unknown, not "IAM only"; the account is there without roles.
    [door] = inv.front_doors
    assert door.authorization is None
    [role] = inv.roles
    assert role.gcp_roles == ()


def test_summary_names_the_lacking_permissions(fake: FakeGcp) -> None:
    seed_beta(fake)
    seed_acme(fake)
    inv = collect_gcp(fake.options(projects=("beta", "acme")))
    assert summary(inv) == (
        "gcp: read 5 functions, 4 service accounts, 5 triggers, 3 front doors in 2 project(s); "
        "refused: cloudfunctions.functions.getIamPolicy (403 Forbidden) x1, "
        "cloudfunctions.functions.list (403 Forbidden) x1, "
        "resourcemanager.projects.getIamPolicy (403 Forbidden) x1"
    )
    # One project's refusals do not touch the other's inventory.
    assert {g.resource for g in inv.gaps} == {"projects/beta", HOOK}
    # Every refusal names a permission of the documented least-privilege list.
    named = {m.group(1) for g in inv.gaps if (m := re.match(r"(\S+) answered ", g.reason))}
    assert named and named <= set(PERMISSIONS)


def test_a_refused_cloud_run_policy_leaves_a_gap_but_a_public_grant_still_counts(
    fake: FakeGcp,
) -> None:
    web = V2_ORDERS | {
        "name": WEB,
        "serviceConfig": V2_ORDERS["serviceConfig"] | {"service": WEB_RUN},
    }
    fake.routes["GET /v1/projects/beta/locations/-/functions"] = (200, {})
    fake.routes["GET /v2/projects/beta/locations/-/functions"] = (200, {"functions": [web]})
    fake.routes[f"GET /v2/{WEB}:getIamPolicy"] = (
        200,
        policy(("roles/cloudfunctions.invoker", ["allAuthenticatedUsers"])),
    )
    fake.routes[f"GET /v2/{WEB_RUN}:getIamPolicy"] = forbidden()
    fake.routes["POST /v3/projects/beta:getIamPolicy"] = (200, policy())
    inv = collect_gcp(fake.options(projects=("beta",)))
    run_at = Location("gcp://beta/us-east1/run/web", 0)
    assert inv.gaps == (
        CollectionGap(run_at, f"run.services.getIamPolicy {REFUSED}", WEB, "permissions"),
    )
    [door] = inv.front_doors
    assert door.authorization == "NONE"


def test_gen2_function_without_a_service_is_unknown_who_invokes(fake: FakeGcp) -> None:
    web = V2_ORDERS | {
        "name": WEB,
        "serviceConfig": {"serviceAccountEmail": "a@b.iam.gserviceaccount.com"},
    }
    fake.routes["GET /v1/projects/beta/locations/-/functions"] = (200, {})
    fake.routes["GET /v2/projects/beta/locations/-/functions"] = (200, {"functions": [web]})
    fake.routes[f"GET /v2/{WEB}:getIamPolicy"] = (200, {})
    fake.routes["POST /v3/projects/beta:getIamPolicy"] = (200, {})
    inv = collect_gcp(fake.options(projects=("beta",)))
    [gap] = inv.gaps
    assert (gap.resource, gap.field) == (WEB, "permissions")
    assert inv.front_doors[0].authorization is None


def test_api_not_enabled_means_no_functions_not_a_gap(fake: FakeGcp) -> None:
    answer = disabled("cloudfunctions.googleapis.com")
    fake.routes["GET /v1/projects/quiet/locations/-/functions"] = answer
    fake.routes["GET /v2/projects/quiet/locations/-/functions"] = answer
    inv = collect_gcp(fake.options(projects=("quiet",)))
    assert inv.functions == () and inv.gaps == ()
    assert inv.sources == ("gcp://quiet",)


def test_unreachable_locations_are_gaps(fake: FakeGcp) -> None:
    fake.routes["GET /v1/projects/far/locations/-/functions"] = (
        200,
        {"unreachable": ["asia-east1"]},
    )
    fake.routes["GET /v2/projects/far/locations/-/functions"] = (
        200,
        {"unreachable": ["asia-east1", "me-west1"]},
    )
    inv = collect_gcp(fake.options(projects=("far",)))
    assert [g.reason for g in inv.gaps] == [
        "cloudfunctions.functions.list could not reach asia-east1",
        "cloudfunctions.functions.list could not reach me-west1",
    ]
    assert {(g.resource, g.field) for g in inv.gaps} == {("projects/far", "functions")}


def test_gen1_listed_only_by_v2_when_v1_is_refused(fake: FakeGcp) -> None:
    gen1 = {
        "name": HOOK,
        "environment": "GEN_1",
        "buildConfig": {"runtime": "python311", "entryPoint": "handle"},
        "serviceConfig": {
            "serviceAccountEmail": "hook@beta.iam.gserviceaccount.com",
            "securityLevel": "SECURE_ALWAYS",
            "availableMemory": "512M",
            "timeoutSeconds": 30,
        },
    }
    queue = {
        "name": WEB,
        "environment": "GEN_1",
        "serviceConfig": {"serviceAccountEmail": "hook@beta.iam.gserviceaccount.com"},
        "eventTrigger": {
            "eventType": "providers/cloud.pubsub/eventTypes/topic.publish",
            "pubsubTopic": "projects/beta/topics/work",
        },
    }
    fake.routes["GET /v1/projects/beta/locations/-/functions"] = forbidden()
    fake.routes["GET /v2/projects/beta/locations/-/functions"] = (
        200,
        {"functions": [gen1, queue]},
    )
    fake.routes[f"GET /v2/{HOOK}:getIamPolicy"] = (200, {})
    fake.routes[f"GET /v2/{WEB}:getIamPolicy"] = (200, {})
    fake.routes["POST /v3/projects/beta:getIamPolicy"] = (200, {})
    inv = collect_gcp(fake.options(projects=("beta",)))
    fn, queued = inv.functions
    # Named like the v1 API's resource would give it (and the Terraform mapper records it).
    assert [(t.function, t.source) for t in inv.triggers_of(queued)] == [(WEB, "work")]
    assert (fn.gcp_generation, fn.memory_mb, fn.timeout_s) == (1, 512, 30)
    assert fn.gcp_https_security_level == "SECURE_ALWAYS"
    assert inv.gaps == ()  # v2 lists both generations: nothing is hidden
    assert inv.front_doors[0].authorization == "IAM"


def test_an_unreachable_endpoint_is_a_gap_not_a_crash(fake: FakeGcp) -> None:
    options = fake.options(projects=("acme",))
    closed = GcpOptions(
        projects=options.projects,
        endpoints={"*": "http://127.0.0.1:1"},
        credentials=options.credentials,
        retry_timeout_s=1.0,
    )
    inv = collect_gcp(closed)
    [gap] = inv.gaps
    assert (gap.resource, gap.field) == ("projects/acme", "functions")
    assert gap.reason.startswith("cloudfunctions.functions.list answered ")


def test_throttling_is_retried_not_a_gap(fake: FakeGcp) -> None:
    seed_acme(fake)
    listing = "GET /v1/projects/acme/locations/-/functions"
    fake.sequences[listing] = [throttled()]
    inv = collect_gcp(fake.options(projects=("acme",), retry_timeout_s=30.0))
    assert inv.gaps == () and len(inv.functions) == 4
    assert fake.requests.count(listing) == 2


def _without_account(name: str) -> dict[str, object]:
    service = {k: v for k, v in V2_ORDERS["serviceConfig"].items() if k != "serviceAccountEmail"}
    return V2_ORDERS | {"name": name, "serviceConfig": service | {"service": WEB_RUN}}


def _seed_unnamed_accounts(fake: FakeGcp) -> None:
    functions = [_without_account(WEB), _without_account(HOOK)]
    fake.routes["GET /v1/projects/beta/locations/-/functions"] = (200, {})
    fake.routes["GET /v2/projects/beta/locations/-/functions"] = (200, {"functions": functions})
    for name in (WEB, HOOK, WEB_RUN):
        fake.routes[f"GET /v2/{name}:getIamPolicy"] = (200, {})
    fake.routes["POST /v3/projects/beta:getIamPolicy"] = (200, {})


def test_unnamed_gen2_account_is_the_compute_default_read_once(fake: FakeGcp) -> None:
    _seed_unnamed_accounts(fake)
    fake.routes["GET /v3/projects/beta"] = (200, {"name": "projects/42", "projectId": "beta"})
    inv = collect_gcp(fake.options(projects=("beta",)))
    compute = "42-compute@developer.gserviceaccount.com"
    assert [fn.role for fn in inv.functions] == [compute, compute]
    assert [(r.address, r.is_default_service_account) for r in inv.roles] == [(compute, True)]
    assert fake.requests.count("GET /v3/projects/beta") == 1 and inv.gaps == ()


def test_unnamed_gen2_account_without_the_project_number_is_unknown(fake: FakeGcp) -> None:
    _seed_unnamed_accounts(fake)
    fake.routes["GET /v3/projects/beta"] = forbidden()
    inv = collect_gcp(fake.options(projects=("beta",)))
    assert [fn.role for fn in inv.functions] == [None, None]
    assert [(g.resource, g.field, g.reason) for g in inv.gaps] == [
        (HOOK, "role", f"resourcemanager.projects.get {REFUSED}"),
        (WEB, "role", f"resourcemanager.projects.get {REFUSED}"),
    ]
