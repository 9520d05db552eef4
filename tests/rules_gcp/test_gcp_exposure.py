"""EXP002, EXP005 and EXP006 on GCP functions: each fires where it must, not on near misses."""

from __future__ import annotations

from rules_gcp.gcp_inventory import FN, gfn, grant, http_door, run

from fnguard.model import CollectionGap, FindingStatus, Inventory, Location

# ------------------------------------------------------------------ EXP002


def test_exp002_all_users_invoker_on_the_function() -> None:
    fn = gfn()
    [finding] = run("EXP002", Inventory(functions=(fn,), permissions=(grant("allUsers"),)))
    assert finding.resource == "google_cloudfunctions_function_iam_member.invoker"
    assert finding.location == Location("main.tf", 30)
    assert finding.impact == 9 and "allUsers (anyone)" in finding.message


def test_exp002_all_authenticated_users_on_the_cloud_run_service_of_a_gen2_function() -> None:
    fn = gfn("google_cloudfunctions2_function.api", gcp_generation=2)
    run_grant = grant(
        "allAuthenticatedUsers",
        "roles/run.invoker",
        address="google_cloud_run_v2_service_iam_member.open",
        function=fn.address,
    )
    [finding] = run("EXP002", Inventory(functions=(fn,), permissions=(run_grant,)))
    assert finding.resource == "google_cloud_run_v2_service_iam_member.open"
    assert "any Google account" in finding.message and "roles/run.invoker" in finding.message


def test_exp002_declared_public_is_info() -> None:
    inv = Inventory(functions=(gfn(),), permissions=(grant("allUsers"),))
    [finding] = run("EXP002", inv, allowed_public=("api",))
    assert finding.impact == 2


def test_exp002_near_misses() -> None:
    named = grant("serviceAccount:caller@acme.iam.gserviceaccount.com")
    viewer = grant("allUsers", "roles/cloudfunctions.viewer")
    assert run("EXP002", Inventory(functions=(gfn(),), permissions=(named, viewer))) == []


def test_exp002_unreadable_invoker_policy_is_unknown() -> None:
    gap = CollectionGap(Location("main.tf", 30), "policy unreadable", FN, "permissions")
    [finding] = run("EXP002", Inventory(functions=(gfn(),), gaps=(gap,)))
    assert finding.status is FindingStatus.UNKNOWN


# ------------------------------------------------------------------ EXP005


def test_exp005_public_allow_all_without_armor() -> None:
    fn = gfn()
    [finding] = run("EXP005", Inventory(functions=(fn,), front_doors=(http_door(fn),)))
    assert finding.resource == FN and finding.impact == 7
    assert "ALLOW_ALL" in finding.message


def test_exp005_armor_bypassed_by_the_function_url_is_lower() -> None:
    fn = gfn()
    door = http_door(fn, waf_acl="google_compute_security_policy.edge")
    [finding] = run("EXP005", Inventory(functions=(fn,), front_doors=(door,)))
    assert finding.impact == 5 and "bypasses" in finding.message


def test_exp005_near_misses() -> None:
    authenticated = gfn()
    behind_lb = gfn("google_cloudfunctions_function.lb", gcp_ingress="ALLOW_INTERNAL_AND_GCLB")
    internal = gfn("google_cloudfunctions_function.int", gcp_ingress="ALLOW_INTERNAL_ONLY")
    inv = Inventory(
        functions=(authenticated, behind_lb, internal),
        front_doors=(
            http_door(authenticated, authorization="IAM"),
            http_door(behind_lb),
            http_door(internal, public=False),
        ),
    )
    assert run("EXP005", inv) == []


def test_exp005_unknown_invoker_policy() -> None:
    fn = gfn()
    door = http_door(fn, authorization=None)
    [finding] = run("EXP005", Inventory(functions=(fn,), front_doors=(door,)))
    assert finding.status is FindingStatus.UNKNOWN and "invoker policy" in finding.message


# ------------------------------------------------------------------ EXP006


def test_exp006_secure_optional_http_trigger() -> None:
    fn = gfn(gcp_https_security_level="SECURE_OPTIONAL")
    [finding] = run("EXP006", Inventory(functions=(fn,), front_doors=(http_door(fn),)))
    assert finding.resource == FN and finding.impact == 7
    assert "SECURE_OPTIONAL" in finding.message


def test_exp006_near_misses() -> None:
    https_only = gfn(gcp_https_security_level="SECURE_ALWAYS")
    event_only = gfn("google_cloudfunctions_function.worker", gcp_https_security_level=None)
    inv = Inventory(functions=(https_only, event_only), front_doors=(http_door(https_only),))
    assert run("EXP006", inv) == []


def test_exp006_unknown_level() -> None:
    fn = gfn(gcp_https_security_level=None)
    [finding] = run("EXP006", Inventory(functions=(fn,), front_doors=(http_door(fn),)))
    assert finding.status is FindingStatus.UNKNOWN


def test_exp002_internal_only_ingress_is_lower() -> None:
    fn = gfn(gcp_ingress="ALLOW_INTERNAL_ONLY")
    [finding] = run("EXP002", Inventory(functions=(fn,), permissions=(grant("allUsers"),)))
    assert finding.impact == 5 and "inside the VPC network" in finding.message
