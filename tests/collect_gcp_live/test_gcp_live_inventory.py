"""The live GCP collector against the loopback fake: the exact inventory of project acme."""

from __future__ import annotations

from collect_gcp.test_collect_gcp import http
from collect_gcp_live.gcp_fake_data import (
    API,
    APPSPOT,
    COMPUTE,
    CONNECTOR,
    INVOKER,
    JOBS,
    KEY,
    ORDERS,
    ORDERS_RUN,
    ORDERS_SA,
    RUN_INVOKER,
    THUMBS,
    seed_acme,
)
from collect_gcp_live.gcp_fake_server import FakeGcp, fake
from rules_gcp.gcp_inventory import event

from fnguard.collect.gcp import collect_gcp, summary
from fnguard.model import (
    EnvVar,
    FrontDoor,
    Function,
    Inventory,
    Location,
    LoggingConfig,
    Permission,
    Provider,
    Role,
    Trigger,
    VpcConfig,
)

__all__ = ["fake"]


def where(region: str, name: str, service: str = "cloudfunctions") -> Location:
    return Location(f"gcp://acme/{region}/{service}/{name}", 0)


def live_function(address: str, region: str, **extra: object) -> Function:
    name = address.rsplit("/", 1)[1]
    return Function(
        address=address,
        provider=Provider.GCP,
        location=where(region, name),
        name=name,
        tracing_mode=None,
        recursive_loop=None,
        logging=LoggingConfig(),
        **extra,  # type: ignore[arg-type]
    )


API_FN = live_function(
    API,
    "us-central1",
    runtime="python311",
    memory_mb=256,
    timeout_s=60,
    handler="handle",
    environment=(EnvVar("STAGE", "prod", False, where("us-central1", "api")),),
    role=APPSPOT,
    gcp_generation=1,
    gcp_ingress="ALLOW_ALL",
    gcp_https_security_level="SECURE_OPTIONAL",
)
THUMBS_FN = live_function(
    THUMBS,
    "europe-west1",
    runtime="nodejs20",
    memory_mb=512,
    timeout_s=120,
    handler="thumbnail",
    environment=(
        EnvVar(
            "DB_PASSWORD",
            "projects/acme/secrets/db-password/versions/3",
            True,
            where("europe-west1", "thumbs"),
        ),
    ),
    kms_key_arn=KEY,
    role=ORDERS_SA,
    vpc=VpcConfig(subnet_ids=(CONNECTOR,)),
    tags={"team": "media"},
    gcp_generation=1,
    gcp_ingress="ALLOW_INTERNAL_ONLY",
    max_instances=10,
)
JOBS_FN = live_function(
    JOBS,
    "europe-west1",
    runtime="go122",
    memory_mb=256,
    timeout_s=60,
    handler="Run",
    role=ORDERS_SA,
    gcp_generation=2,
    gcp_ingress="ALLOW_INTERNAL_ONLY",
)
ORDERS_FN = live_function(
    ORDERS,
    "europe-west1",
    runtime="python312",
    memory_mb=1024,
    timeout_s=300,
    handler="orders",
    environment=(EnvVar("REGION", "eu", False, where("europe-west1", "orders")),),
    role=COMPUTE,
    gcp_generation=2,
    gcp_ingress="ALLOW_ALL",
    gcp_https_security_level="SECURE_ALWAYS",
    max_instances=100,
)


def http_entry(fn: Function, authorization: str) -> tuple[Trigger, FrontDoor]:
    """The HTTP trigger and front door, as the Terraform collector's tests expect them."""
    return http(fn, authorization=authorization)


def iam_location(email: str) -> Location:
    return Location(f"gcp://acme/global/iam/{email}", 0)


def scan_acme(fake: FakeGcp) -> Inventory:
    seed_acme(fake)
    return collect_gcp(fake.options(projects=("acme",)))


def test_functions_of_both_generations_from_both_apis(fake: FakeGcp) -> None:
    inv = scan_acme(fake)
    # Sorted by address; the gen 1 "api" listed by v2 too is read once, from v1.
    assert inv.functions == (JOBS_FN, ORDERS_FN, THUMBS_FN, API_FN)
    assert inv.sources == ("gcp://acme",)
    assert inv.gaps == ()


def test_service_accounts_with_their_project_roles(fake: FakeGcp) -> None:
    inv = scan_acme(fake)
    assert inv.roles == (
        Role(
            ORDERS_SA,
            Provider.GCP,
            iam_location(ORDERS_SA),
            name="fn-orders",
            arn=ORDERS_SA,
            gcp_roles=("roles/editor",),
        ),
        Role(
            COMPUTE,
            Provider.GCP,
            iam_location(COMPUTE),
            name="123456789012-compute",
            arn=COMPUTE,
            gcp_roles=("roles/cloudsql.client",),
            is_default_service_account=True,
        ),
        Role(
            APPSPOT,
            Provider.GCP,
            iam_location(APPSPOT),
            name="acme",
            arn=APPSPOT,
            is_default_service_account=True,
        ),
    )


def test_triggers_and_front_doors(fake: FakeGcp) -> None:
    inv = scan_acme(fake)
    orders_trigger, orders_door = http_entry(ORDERS_FN, "NONE")
    api_trigger, api_door = http_entry(API_FN, "NONE")
    assert inv.triggers == (
        event(
            JOBS_FN, "projects/acme/topics/jobs", "google.cloud.pubsub.topic.v1.messagePublished"
        ),
        orders_trigger,
        event(THUMBS_FN, "acme-uploads", "google.storage.object.finalize"),
        api_trigger,
    )
    assert inv.front_doors == (orders_door, api_door)


def test_invoker_grants_from_function_and_cloud_run_policies(fake: FakeGcp) -> None:
    inv = scan_acme(fake)
    run_where = where("europe-west1", "jobs", "run")
    orders_run = where("europe-west1", "orders", "run")
    assert inv.permissions == (
        Permission(
            "projects/acme/locations/europe-west1/services/jobs#iam",
            JOBS,
            run_where,
            action=RUN_INVOKER,
            principal=f"serviceAccount:{ORDERS_SA}",
        ),
        Permission(
            f"{ORDERS}#iam",
            ORDERS,
            ORDERS_FN.location,
            action=INVOKER,
            principal=f"serviceAccount:{ORDERS_SA}",
        ),
        Permission(f"{ORDERS_RUN}#iam", ORDERS, orders_run, RUN_INVOKER, "allUsers"),
        Permission(
            f"{ORDERS_RUN}#iam", ORDERS, orders_run, "roles/run.viewer", "allAuthenticatedUsers"
        ),
        Permission(f"{API}#iam", API, API_FN.location, INVOKER, "allUsers"),
    )


def test_calls_made(fake: FakeGcp) -> None:
    scan_acme(fake)
    calls = sorted(fake.requests)
    assert calls == sorted(
        [
            "GET /v1/projects/acme/locations/-/functions",
            "GET /v2/projects/acme/locations/-/functions",
            "GET /v2/projects/acme/locations/-/functions",  # the second page
            f"GET /v1/{API}:getIamPolicy",
            f"GET /v1/{THUMBS}:getIamPolicy",
            f"GET /v2/{ORDERS}:getIamPolicy",
            f"GET /v2/{ORDERS_RUN}:getIamPolicy",
            f"GET /v2/{JOBS}:getIamPolicy",
            "GET /v2/projects/acme/locations/europe-west1/services/jobs:getIamPolicy",
            "POST /v3/projects/acme:getIamPolicy",
        ]
    )


def test_summary_line(fake: FakeGcp) -> None:
    inv = scan_acme(fake)
    assert summary(inv) == (
        "gcp: read 4 functions, 3 service accounts, 4 triggers, 2 front doors in 1 project(s); "
        "every call answered"
    )


def test_progress_is_reported_per_project(fake: FakeGcp) -> None:
    seed_acme(fake)
    seen: list[tuple[str, int]] = []

    class Recorder:
        def stage(self, label: str, total: int) -> None:
            seen.append((label, total))

        def advance(self, amount: int = 1) -> None:
            seen.append(("advance", amount))

    collect_gcp(fake.options(projects=("acme", "acme")), Recorder())
    assert seen == [("reading GCP projects", 1), ("advance", 1)]
