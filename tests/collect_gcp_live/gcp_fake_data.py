"""Canned answers for project ``acme`` (number 123456789012): two gen 1 functions (an HTTP one
open to allUsers on the App Engine default account, a Storage-triggered one with CMEK, a
connector, a secret and an editor account) and two gen 2 ones (an HTTP one whose Cloud Run
service lets allUsers in, on the Compute default account; a Pub/Sub one). The v2 API lists
the gen 1 functions too, as Google's does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collect_gcp_live.gcp_fake_server import FakeGcp

PROJECT = "acme"
NUMBER = "123456789012"
ORDERS_SA = "fn-orders@acme.iam.gserviceaccount.com"
APPSPOT = "acme@appspot.gserviceaccount.com"
COMPUTE = f"{NUMBER}-compute@developer.gserviceaccount.com"
API = "projects/acme/locations/us-central1/functions/api"
THUMBS = "projects/acme/locations/europe-west1/functions/thumbs"
ORDERS = "projects/acme/locations/europe-west1/functions/orders"
JOBS = "projects/acme/locations/europe-west1/functions/jobs"
ORDERS_RUN = "projects/acme/locations/europe-west1/services/orders"
CONNECTOR = "projects/acme/locations/europe-west1/connectors/main"
KEY = "projects/acme/locations/europe-west1/keyRings/fn/cryptoKeys/fn-key"

V1_API: dict[str, Any] = {
    "name": API,
    "sourceArchiveUrl": "gs://acme-uploads/orders.zip",
    "httpsTrigger": {
        "url": "https://us-central1-acme.cloudfunctions.net/api",
        "securityLevel": "SECURE_OPTIONAL",
    },
    "status": "ACTIVE",
    "entryPoint": "handle",
    "runtime": "python311",
    "timeout": "60s",
    "availableMemoryMb": 256,
    "serviceAccountEmail": APPSPOT,
    "updateTime": "2026-11-20T10:00:00Z",
    "versionId": "3",
    "environmentVariables": {"STAGE": "prod"},
    "ingressSettings": "ALLOW_ALL",
}
V1_THUMBS: dict[str, Any] = {
    "name": THUMBS,
    "eventTrigger": {
        "eventType": "google.storage.object.finalize",
        "resource": "projects/_/buckets/acme-uploads",
        "service": "storage.googleapis.com",
        "failurePolicy": {"retry": {}},
    },
    "status": "ACTIVE",
    "entryPoint": "thumbnail",
    "runtime": "nodejs20",
    "timeout": "120s",
    "availableMemoryMb": 512,
    "serviceAccountEmail": ORDERS_SA,
    "labels": {"team": "media"},
    "maxInstances": 10,
    "vpcConnector": CONNECTOR,
    "vpcConnectorEgressSettings": "ALL_TRAFFIC",
    "ingressSettings": "ALLOW_INTERNAL_ONLY",
    "kmsKeyName": KEY,
    "secretEnvironmentVariables": [
        {"key": "DB_PASSWORD", "projectId": "acme", "secret": "db-password", "version": "3"}
    ],
}
V2_ORDERS: dict[str, Any] = {
    "name": ORDERS,
    "environment": "GEN_2",
    "state": "ACTIVE",
    "buildConfig": {
        "runtime": "python312",
        "entryPoint": "orders",
        "source": {"storageSource": {"bucket": "acme-src", "object": "orders.zip"}},
    },
    "serviceConfig": {
        "service": ORDERS_RUN,
        "timeoutSeconds": 300,
        "availableMemory": "1Gi",
        "maxInstanceCount": 100,
        "ingressSettings": "ALLOW_ALL",
        "uri": "https://orders-xyz-ew.a.run.app",
        "serviceAccountEmail": COMPUTE,
        "environmentVariables": {"LOG_EXECUTION_ID": "true", "REGION": "eu"},
        "allTrafficOnLatestRevision": True,
    },
    "url": "https://europe-west1-acme.cloudfunctions.net/orders",
}
V2_JOBS: dict[str, Any] = {
    "name": JOBS,
    "environment": "GEN_2",
    "state": "ACTIVE",
    "buildConfig": {"runtime": "go122", "entryPoint": "Run"},
    "serviceConfig": {
        "service": "projects/acme/locations/europe-west1/services/jobs",
        "timeoutSeconds": 60,
        "availableMemory": "256M",
        "ingressSettings": "ALLOW_INTERNAL_ONLY",
        "serviceAccountEmail": ORDERS_SA,
    },
    "eventTrigger": {
        "trigger": "projects/acme/locations/europe-west1/triggers/jobs-123",
        "triggerRegion": "europe-west1",
        "eventType": "google.cloud.pubsub.topic.v1.messagePublished",
        "pubsubTopic": "projects/acme/topics/jobs",
        "retryPolicy": "RETRY_POLICY_DO_NOT_RETRY",
    },
}
# How the v2 API shows a gen 1 function (the collector keeps the v1 view of it).
V2_OF_API: dict[str, Any] = {
    "name": API,
    "environment": "GEN_1",
    "buildConfig": {"runtime": "python311", "entryPoint": "handle"},
    "serviceConfig": {"availableMemory": "256M", "serviceAccountEmail": APPSPOT},
}


def policy(*bindings: tuple[str, list[str]]) -> dict[str, Any]:
    return {
        "version": 1,
        "etag": "BwYxyz0=",
        "bindings": [{"role": role, "members": members} for role, members in bindings],
    }


INVOKER = "roles/cloudfunctions.invoker"
RUN_INVOKER = "roles/run.invoker"


def seed_acme(fake: FakeGcp) -> None:
    """The healthy project: every call answers."""
    routes = fake.routes
    routes["GET /v1/projects/acme/locations/-/functions"] = (
        200,
        {"functions": [V1_THUMBS, V1_API]},
    )
    # Two pages: the collector must follow nextPageToken.
    routes["GET /v2/projects/acme/locations/-/functions"] = (
        200,
        {"functions": [V2_OF_API, V2_ORDERS], "nextPageToken": "p2"},
    )
    routes["GET /v2/projects/acme/locations/-/functions?pageToken=p2"] = (
        200,
        {"functions": [V2_JOBS]},
    )
    routes[f"GET /v1/{API}:getIamPolicy"] = (200, policy((INVOKER, ["allUsers"])))
    routes[f"GET /v1/{THUMBS}:getIamPolicy"] = (200, {"version": 1, "etag": "ACAB"})
    routes[f"GET /v2/{ORDERS}:getIamPolicy"] = (
        200,
        policy((INVOKER, [f"serviceAccount:{ORDERS_SA}"])),
    )
    routes[f"GET /v2/{ORDERS_RUN}:getIamPolicy"] = (
        200,
        policy((RUN_INVOKER, ["allUsers"]), ("roles/run.viewer", ["allAuthenticatedUsers"])),
    )
    routes[f"GET /v2/{JOBS}:getIamPolicy"] = (200, {"etag": "ACAB"})
    routes["GET /v2/projects/acme/locations/europe-west1/services/jobs:getIamPolicy"] = (
        200,
        policy((RUN_INVOKER, [f"serviceAccount:{ORDERS_SA}"])),
    )
    routes["POST /v3/projects/acme:getIamPolicy"] = (
        200,
        policy(
            ("roles/editor", [f"serviceAccount:{ORDERS_SA}", "user:ops@example.com"]),
            ("roles/cloudsql.client", [f"serviceAccount:{COMPUTE}"]),
            ("roles/owner", ["user:boss@example.com"]),
        ),
    )
    routes["GET /v3/projects/acme"] = (
        200,
        {"name": f"projects/{NUMBER}", "projectId": "acme", "state": "ACTIVE"},
    )
