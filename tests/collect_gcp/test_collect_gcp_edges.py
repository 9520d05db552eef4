"""Less common forms: default accounts named through data sources, Storage paths, bindings,
Cloud Run v1 IAM, memory in bytes, unresolvable inputs (gaps), functions inside modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnguard.collect.terraform import TerraformCollector
from fnguard.collect.terraform._gcp import memory_mb
from fnguard.model import CollectionGap, Inventory, Location, Permission, PolicyKind

FIXTURE = Path(__file__).parent / "fixtures" / "edge"
DROP = "google_cloudfunctions_function.drop"
HOOK = "google_cloudfunctions2_function.hook"
REPORTS = "module.reports.google_cloudfunctions2_function.fn"
COMPUTE = "PROJECT_NUMBER-compute@developer.gserviceaccount.com"


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return TerraformCollector().collect(sorted(FIXTURE.rglob("*.tf")), FIXTURE)


def test_functions_in_the_root_and_in_a_module(inv: Inventory) -> None:
    by_address = {fn.address: fn for fn in inv.functions}
    assert list(by_address) == [DROP, HOOK, REPORTS]
    drop, hook, reports = by_address[DROP], by_address[HOOK], by_address[REPORTS]
    assert (drop.runtime, drop.role, drop.gcp_ingress) == ("ruby33", COMPUTE, None)
    assert (hook.memory_mb, hook.role, hook.gcp_ingress) == (512, None, "ALLOW_INTERNAL_ONLY")
    assert (reports.name, reports.memory_mb, reports.role) == (
        "reports",
        2048,
        "module.reports.google_service_account.fn",
    )
    assert reports.location == Location("modules/fn/main.tf", 9)


def test_a_secret_value_copied_into_the_environment_keeps_its_expression(
    inv: Inventory,
) -> None:
    [token] = next(fn for fn in inv.functions if fn.address == DROP).environment
    assert token.is_reference
    assert token.source_expr == "google_secret_manager_secret_version.token.secret_data"


def test_default_account_named_through_its_data_source_and_its_grants(inv: Inventory) -> None:
    default = next(r for r in inv.roles if r.address == COMPUTE)
    assert default.is_default_service_account
    assert default.gcp_roles == ("roles/viewer",)  # from a jsonencode'd project policy
    [topic] = default.policies
    assert (topic.kind, topic.arn, topic.location) == (
        PolicyKind.RESOURCE,
        "google_pubsub_topic.events",
        Location("main.tf", 74),
    )
    assert topic.document == {
        "bindings": [
            {
                "role": "roles/pubsub.publisher",
                "members": [
                    "serviceAccount:${data.google_compute_default_service_account.default.email}"
                ],
            }
        ]
    }


def test_storage_path_and_entries(inv: Inventory) -> None:
    assert [(t.function, t.kind.value, t.source) for t in inv.triggers] == [
        (DROP, "gcp-event", "google_storage_bucket.drop"),
        (HOOK, "gcp-http", HOOK),
        (REPORTS, "gcp-http", REPORTS),
    ]
    assert [(d.address, d.authorization, d.public) for d in inv.front_doors] == [
        (HOOK, "NONE", False),
        (REPORTS, "IAM", True),
    ]


def test_binding_members_and_cloud_run_v1_invoker(inv: Inventory) -> None:
    binding = "google_cloudfunctions_function_iam_binding.drop"
    assert inv.permissions == (
        Permission(
            binding,
            DROP,
            Location("main.tf", 37),
            "roles/cloudfunctions.invoker",
            "group:ops@example.com",
        ),
        Permission(
            binding,
            DROP,
            Location("main.tf", 37),
            "roles/cloudfunctions.invoker",
            "allAuthenticatedUsers",
        ),
        Permission(
            "google_cloud_run_service_iam_member.hook",
            HOOK,
            Location("main.tf", 58),
            "roles/run.invoker",
            "allUsers",
        ),
    )


def test_unresolvable_inputs_are_gaps_on_the_field_they_hide(inv: Inventory) -> None:
    assert inv.gaps == (
        CollectionGap(
            Location("main.tf", 22), "var.ingress cannot be resolved offline", DROP, "ingress"
        ),
        CollectionGap(
            Location("main.tf", 51), "var.runner cannot be resolved offline", HOOK, "role"
        ),
    )


@pytest.mark.parametrize(
    ("written", "mb"),
    [("256M", 256), ("512Mi", 512), ("1G", 1024), ("4Gi", 4096), ("131072k", 128)],
)
def test_gen2_memory_units(written: str, mb: int) -> None:
    assert memory_mb(written) == mb


def test_gen2_memory_unreadable() -> None:
    assert memory_mb("a lot") is None and memory_mb(True) is None


def test_folder_and_organisation_grants_are_inherited_roles() -> None:
    root = Path(__file__).parent / "fixtures" / "ancestors"
    inv = TerraformCollector().collect(sorted(root.glob("*.tf")), root)
    [account] = [r for r in inv.roles if r.address == "google_service_account.fn"]
    assert account.gcp_roles == ()
    assert [(g.role, g.scope, g.location) for g in account.gcp_inherited] == [
        ("roles/pubsub.publisher", "folder folders/42", Location("main.tf", 24)),
        ("roles/owner", "organization 123456789", Location("main.tf", 18)),
    ]
