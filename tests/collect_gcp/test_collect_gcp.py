"""The Terraform collector on Cloud Functions fixtures: the exact functions, service accounts,
triggers, front doors, invoker grants and gaps, for gen 1 and gen 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fnguard.collect.terraform import TerraformCollector
from fnguard.model import (
    CollectionGap,
    EnvVar,
    FrontDoor,
    FrontDoorKind,
    Function,
    Inventory,
    InvocationType,
    Location,
    LoggingConfig,
    PackageRef,
    Permission,
    Policy,
    PolicyKind,
    Provider,
    Role,
    Trigger,
    TriggerKind,
    VpcConfig,
)

FIXTURES = Path(__file__).parent / "fixtures"
APPSPOT = "PROJECT_ID@appspot.gserviceaccount.com"
COMPUTE = "PROJECT_NUMBER-compute@developer.gserviceaccount.com"
SA = "google_service_account.orders"


def collect(name: str) -> Inventory:
    root = FIXTURES / name
    return TerraformCollector().collect(sorted(root.glob("*.tf")), root)


@pytest.fixture(scope="module")
def gen1() -> Inventory:
    return collect("gen1")


@pytest.fixture(scope="module")
def gen2() -> Inventory:
    return collect("gen2")


def function(address: str, line: int, **extra: Any) -> Function:
    """A GCP function as the collector builds it: AWS-only settings left unknown."""
    return Function(
        address=address,
        provider=Provider.GCP,
        location=Location("main.tf", line),
        name=address.rsplit(".", 1)[1],
        tracing_mode=None,
        recursive_loop=None,
        logging=LoggingConfig(),
        **extra,
    )


def http(fn: Function, **extra: Any) -> tuple[Trigger, FrontDoor]:
    trigger = Trigger(
        address=fn.address,
        kind=TriggerKind.GCP_HTTP,
        function=fn.address,
        invocation=InvocationType.SYNC,
        location=fn.location,
        source=fn.address,
        front_door=fn.address,
    )
    door = FrontDoor(
        address=fn.address,
        kind=FrontDoorKind.GCP_HTTP,
        location=fn.location,
        functions=(fn.address,),
        **extra,
    )
    return trigger, door


def event(fn: str, line: int, source: str, event_type: str) -> Trigger:
    return Trigger(
        address=fn,
        kind=TriggerKind.GCP_EVENT,
        function=fn,
        invocation=InvocationType.ASYNC,
        location=Location("main.tf", line),
        source=source,
        filters=(("event", event_type),),
    )


# ------------------------------------------------------------------ gen 1

API = function(
    "google_cloudfunctions_function.api",
    47,
    runtime="python311",
    memory_mb=256,
    timeout_s=60,
    handler="handle",
    environment=(EnvVar("STAGE", "prod", False, Location("main.tf", 55)),),
    role=APPSPOT,
    package=PackageRef(path="build/orders.zip"),
    gcp_generation=1,
    gcp_ingress="ALLOW_ALL",
    gcp_https_security_level="SECURE_OPTIONAL",
)
THUMBS = function(
    "google_cloudfunctions_function.thumbs",
    66,
    runtime="nodejs20",
    memory_mb=512,
    timeout_s=120,
    handler="thumbnail",
    environment=(
        EnvVar(
            "DB_PASSWORD",
            "projects/acme/secrets/db-password/versions/3",
            True,
            Location("main.tf", 79),
        ),
    ),
    kms_key_arn="google_kms_crypto_key.fn",
    role=SA,
    vpc=VpcConfig(subnet_ids=("google_vpc_access_connector.main",)),
    gcp_generation=1,
    gcp_ingress="ALLOW_INTERNAL_ONLY",
    max_instances=10,
)
JOBS = function(
    "google_cloudfunctions_function.jobs",
    92,
    runtime="go121",
    memory_mb=256,
    timeout_s=60,
    handler="Run",
    role=SA,
    gcp_generation=1,
    gcp_ingress="ALLOW_ALL",
)


def test_gen1_functions(gen1: Inventory) -> None:
    assert gen1.functions == (API, THUMBS, JOBS)


def test_gen1_service_accounts(gen1: Inventory) -> None:
    writer = Policy(
        "google_storage_bucket.uploads IAM",
        PolicyKind.RESOURCE,
        {
            "bindings": [
                {
                    "role": "roles/storage.objectCreator",
                    "members": ["serviceAccount:${google_service_account.orders.email}"],
                }
            ]
        },
        "google_storage_bucket.uploads",
        Location("main.tf", 104),
    )
    assert gen1.roles == (
        Role(
            SA,
            Provider.GCP,
            Location("main.tf", 5),
            name="fn-orders",
            arn="fn-orders@acme.iam.gserviceaccount.com",
            policies=(writer,),
            gcp_roles=("roles/editor",),
        ),
        Role(
            APPSPOT,
            Provider.GCP,
            Location("main.tf", 47),
            name="PROJECT_ID",
            arn=APPSPOT,
            is_default_service_account=True,
        ),
    )


def test_gen1_triggers_doors_and_grants(gen1: Inventory) -> None:
    api_trigger, api_door = http(API, authorization="NONE")
    assert gen1.triggers == (
        api_trigger,
        event(
            THUMBS.address, 86, "google_storage_bucket.uploads", "google.storage.object.finalize"
        ),
        event(JOBS.address, 98, "google_pubsub_topic.jobs", "google.pubsub.topic.publish"),
    )
    assert gen1.front_doors == (api_door,)
    assert gen1.permissions == (
        Permission(
            "google_cloudfunctions_function_iam_member.public",
            API.address,
            Location("main.tf", 59),
            action="roles/cloudfunctions.invoker",
            principal="allUsers",
        ),
    )
    assert gen1.gaps == ()


# ------------------------------------------------------------------ gen 2

WEB = function(
    "google_cloudfunctions2_function.web",
    21,
    runtime="python312",
    memory_mb=1024,
    timeout_s=3600,
    handler="app",
    environment=(
        EnvVar(
            "DB_HOST",
            None,
            True,
            Location("main.tf", 40),
            "google_sql_database_instance.main.private_ip_address",
        ),
    ),
    role=COMPUTE,
    package=PackageRef(path="build/src.zip", hash_declared=True, source_dir="src"),
    gcp_generation=2,
    gcp_ingress="ALLOW_ALL",
    gcp_https_security_level="SECURE_ALWAYS",
)
ADMIN = function(
    "google_cloudfunctions2_function.admin",
    58,
    runtime="nodejs22",
    memory_mb=256,
    timeout_s=60,
    handler="admin",
    role="admin-fn@acme.iam.gserviceaccount.com",
    gcp_generation=2,
    gcp_ingress="ALLOW_INTERNAL_AND_GCLB",
    gcp_https_security_level="SECURE_ALWAYS",
    max_instances=5,
)
WORKER = function(
    "google_cloudfunctions2_function.worker",
    108,
    runtime="java21",
    memory_mb=512,
    timeout_s=60,
    handler="com.acme.Worker",
    role=COMPUTE,
    gcp_generation=2,
    gcp_ingress="ALLOW_ALL",
)


def test_gen2_functions(gen2: Inventory) -> None:
    assert gen2.functions == (WEB, ADMIN, WORKER)


def test_gen2_default_compute_account_holds_editor_through_the_project_number(
    gen2: Inventory,
) -> None:
    assert gen2.roles == (
        Role(
            COMPUTE,
            Provider.GCP,
            Location("main.tf", 21),
            name="PROJECT_NUMBER-compute",
            arn=COMPUTE,
            gcp_roles=("roles/editor",),
            is_default_service_account=True,
        ),
    )


def test_gen2_triggers_doors_and_grants(gen2: Inventory) -> None:
    web_trigger, web_door = http(WEB, authorization="NONE")
    admin_trigger, admin_door = http(
        ADMIN, authorization="IAM", waf_acl="google_compute_security_policy.edge"
    )
    assert gen2.triggers == (
        web_trigger,
        admin_trigger,
        event(
            WORKER.address,
            121,
            "google_pubsub_topic.work",
            "google.cloud.pubsub.topic.v1.messagePublished",
        ),
    )
    assert gen2.front_doors == (web_door, admin_door)
    assert gen2.permissions == (
        Permission(
            "google_cloud_run_v2_service_iam_member.open",
            WEB.address,
            Location("main.tf", 45),
            action="roles/run.invoker",
            principal="allAuthenticatedUsers",
        ),
        Permission(
            "google_cloudfunctions2_function_iam_policy.admin",
            ADMIN.address,
            Location("main.tf", 81),
            action="roles/cloudfunctions.invoker",
            principal="group:admins@example.com",
        ),
    )


def test_gen2_gaps_name_the_unreadable_policy_and_the_undeclared_account(
    gen2: Inventory,
) -> None:
    assert set(gen2.gaps) == {
        CollectionGap(
            Location("main.tf", 131),
            "invoker policy google_cloudfunctions2_function_iam_policy.worker cannot be read "
            "offline",
            WORKER.address,
            "permissions",
        ),
        CollectionGap(
            Location("main.tf", 58),
            "service account admin-fn@acme.iam.gserviceaccount.com is not declared in the "
            "scanned configuration",
            ADMIN.address,
            "role",
        ),
    }


def test_no_function_no_gcp_objects(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "google_service_account" "a" {\n  account_id = "lonely"\n}\n', "utf-8"
    )
    inv = TerraformCollector().collect([tmp_path / "main.tf"], tmp_path)
    assert inv.functions == () and inv.roles == ()
