"""The live collector and the Terraform GCP mapper describe the same deployed functions with
the same inventory shapes: only addresses and locations (ARN-like names vs. Terraform
addresses, ``gcp://`` vs. file:line) differ, so every GCP rule reads both alike."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from collect_gcp_live.gcp_fake_data import APPSPOT, COMPUTE, seed_acme
from collect_gcp_live.gcp_fake_server import FakeGcp, fake

from fnguard.collect.gcp import collect_gcp
from fnguard.collect.terraform import TerraformCollector

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.model import Function, Inventory

__all__ = ["fake"]

# The acme project as Terraform would declare it, every value a literal.
MAIN_TF = """
resource "google_cloudfunctions_function" "api" {
  project                      = "acme"
  name                         = "api"
  runtime                      = "python311"
  entry_point                  = "handle"
  trigger_http                 = true
  https_trigger_security_level = "SECURE_OPTIONAL"
  service_account_email        = "acme@appspot.gserviceaccount.com"
  environment_variables = {
    STAGE = "prod"
  }
}

resource "google_cloudfunctions_function_iam_member" "public" {
  cloud_function = google_cloudfunctions_function.api.name
  role           = "roles/cloudfunctions.invoker"
  member         = "allUsers"
}

resource "google_cloudfunctions_function" "thumbs" {
  project               = "acme"
  name                  = "thumbs"
  runtime               = "nodejs20"
  entry_point           = "thumbnail"
  available_memory_mb   = 512
  timeout               = 120
  max_instances         = 10
  service_account_email = "fn-orders@acme.iam.gserviceaccount.com"
  kms_key_name          = "projects/acme/locations/europe-west1/keyRings/fn/cryptoKeys/fn-key"
  vpc_connector         = "projects/acme/locations/europe-west1/connectors/main"
  ingress_settings      = "ALLOW_INTERNAL_ONLY"
  labels = {
    team = "media"
  }
  secret_environment_variables {
    key        = "DB_PASSWORD"
    project_id = "acme"
    secret     = "db-password"
    version    = "3"
  }
  event_trigger {
    event_type = "google.storage.object.finalize"
    resource   = "projects/_/buckets/acme-uploads"
  }
}

resource "google_cloudfunctions2_function" "orders" {
  project  = "acme"
  location = "europe-west1"
  name     = "orders"
  build_config {
    runtime     = "python312"
    entry_point = "orders"
  }
  service_config {
    available_memory      = "1Gi"
    timeout_seconds       = 300
    max_instance_count    = 100
    ingress_settings      = "ALLOW_ALL"
    service_account_email = "123456789012-compute@developer.gserviceaccount.com"
    environment_variables = {
      REGION = "eu"
    }
  }
}

resource "google_cloud_run_service_iam_member" "public" {
  service = google_cloudfunctions2_function.orders.name
  role    = "roles/run.invoker"
  member  = "allUsers"
}

resource "google_cloudfunctions2_function" "jobs" {
  project  = "acme"
  location = "europe-west1"
  name     = "jobs"
  build_config {
    runtime     = "go122"
    entry_point = "Run"
  }
  service_config {
    available_memory      = "256M"
    timeout_seconds       = 60
    ingress_settings      = "ALLOW_INTERNAL_ONLY"
    service_account_email = "fn-orders@acme.iam.gserviceaccount.com"
  }
  event_trigger {
    event_type   = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic = "projects/acme/topics/jobs"
  }
}
"""


def both(fake: FakeGcp, tmp_path: Path) -> tuple[Inventory, Inventory]:
    seed_acme(fake)
    live = collect_gcp(fake.options(projects=("acme",)))
    (tmp_path / "main.tf").write_text(MAIN_TF)
    declared = TerraformCollector().collect([tmp_path / "main.tf"], tmp_path)
    return live, declared


def _as_live(declared: Function, live: Function) -> Function:
    """The declared function with the live one's identity: address and locations."""
    env = tuple(replace(e, location=live.location) for e in declared.environment)
    return replace(declared, address=live.address, location=live.location, environment=env)


def test_same_functions(fake: FakeGcp, tmp_path: Path) -> None:
    live, declared = both(fake, tmp_path)
    by_name = {fn.name: fn for fn in live.functions}
    assert len(declared.functions) == len(live.functions) == 4
    for fn in declared.functions:
        assert _as_live(fn, by_name[fn.name]) == by_name[fn.name], fn.name


def test_same_triggers_doors_and_grants(fake: FakeGcp, tmp_path: Path) -> None:
    live, declared = both(fake, tmp_path)

    def shapes(inv: Inventory) -> set[tuple[object, ...]]:
        names = {fn.address: fn.name for fn in inv.functions}
        out: set[tuple[object, ...]] = set()
        for t in inv.triggers:
            out.add(("trigger", names[t.function], t.kind, t.invocation, t.filters))
            if t.kind.value == "gcp-event":
                out.add(("source", names[t.function], t.source))
        for d in inv.front_doors:
            out.add(("door", names[d.functions[0]], d.kind, d.authorization, d.public))
        for p in inv.permissions:
            if p.principal == "allUsers":
                out.add(("grant", names[p.function], p.action, p.principal))
        return out

    assert shapes(live) == shapes(declared)


def test_same_default_accounts(fake: FakeGcp, tmp_path: Path) -> None:
    live, declared = both(fake, tmp_path)

    def defaults(inv: Inventory) -> set[tuple[object, ...]]:
        return {(r.address, r.name, r.arn) for r in inv.roles if r.is_default_service_account}

    assert (
        defaults(live)
        == defaults(declared)
        == {
            (APPSPOT, "acme", APPSPOT),
            (COMPUTE, "123456789012-compute", COMPUTE),
        }
    )
