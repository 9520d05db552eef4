"""IAM, secret, network, limit, package and runtime rules on GCP functions: firing and near
misses on hand-built inventories."""

from __future__ import annotations

import datetime as _dt

from rules_gcp.gcp_inventory import SA, account, event, gfn, http_door, run

from fnguard.model import (
    EnvVar,
    Finding,
    FindingStatus,
    InheritedGrant,
    Inventory,
    Location,
    Policy,
    PolicyKind,
    Provider,
    VpcConfig,
)

# ------------------------------------------------------------------ IAM001


def test_iam001_editor_on_the_project() -> None:
    inv = Inventory(functions=(gfn(),), roles=(account(gcp_roles=("roles/editor",)),))
    [finding] = run("IAM001", inv)
    assert finding.resource == SA and finding.provider is Provider.GCP
    assert "roles/editor" in finding.message and finding.impact == 10


def test_iam001_near_miss_narrow_roles() -> None:
    roles = ("roles/storage.objectViewer", "roles/secretmanager.secretAccessor")
    inv = Inventory(functions=(gfn(),), roles=(account(gcp_roles=roles),))
    assert run("IAM001", inv) == []


def test_iam001_owner_inherited_from_the_organisation() -> None:
    above = InheritedGrant("roles/owner", "organization 123456789", Location("org.tf", 3))
    inv = Inventory(functions=(gfn(),), roles=(account(gcp_inherited=(above,)),))
    [finding] = run("IAM001", inv)
    assert "roles/owner on organization 123456789 (inherited by the project)" in finding.message
    assert [(e.label, e.value) for e in finding.evidence] == [
        ("inherited role", "roles/owner on organization 123456789")
    ]


def test_iam001_near_miss_narrow_role_on_a_folder() -> None:
    above = InheritedGrant("roles/logging.logWriter", "folder folders/42")
    inv = Inventory(functions=(gfn(),), roles=(account(gcp_inherited=(above,)),))
    assert run("IAM001", inv) == []


# ------------------------------------------------------------------ IAM006


def test_iam006_default_compute_service_account() -> None:
    email = "PROJECT_NUMBER-compute@developer.gserviceaccount.com"
    fn = gfn(role=email, gcp_generation=2)
    sa = account(email, arn=email, is_default_service_account=True)
    [finding] = run("IAM006", Inventory(functions=(fn,), roles=(sa,)))
    assert finding.resource == email and "(the Compute Engine one)" in finding.message


def test_iam006_near_miss_dedicated_account() -> None:
    assert run("IAM006", Inventory(functions=(gfn(),), roles=(account(),))) == []


# ------------------------------------------------------------------ SEC001 / SEC002


def _env(*pairs: tuple[str, str, bool]) -> tuple[EnvVar, ...]:
    return tuple(
        EnvVar(n, v, is_reference=r, location=Location("main.tf", 20)) for n, v, r in pairs
    )


def test_sec001_literal_password_fires_and_secret_manager_reference_does_not() -> None:
    env = _env(
        ("DB_PASSWORD", "Vq8#mZ2!pLw4", False),
        ("API_KEY", "projects/acme/secrets/api-key/versions/latest", True),
    )
    [finding] = run("SEC001", Inventory(functions=(gfn(environment=env),)))
    assert "DB_PASSWORD" in finding.message and "Vq8#mZ2!pLw4" not in str(finding.evidence)


def test_sec001_secret_data_copied_into_the_environment() -> None:
    copied = EnvVar(
        "TOKEN",
        None,
        is_reference=True,
        source_expr="data.google_secret_manager_secret_version.token.secret_data",
    )
    [finding] = run("SEC001", Inventory(functions=(gfn(environment=(copied,)),)))
    assert finding.impact == 7


def test_sec002_literals_without_cmek() -> None:
    fn = gfn(environment=_env(("STAGE", "prod", False)))
    [finding] = run("SEC002", Inventory(functions=(fn,)))
    assert "Google-managed key" in finding.message


def test_sec002_near_misses() -> None:
    cmek = gfn(
        environment=_env(("STAGE", "prod", False)),
        kms_key_arn="google_kms_crypto_key.fn",
    )
    only_refs = gfn(
        "google_cloudfunctions_function.refs",
        environment=_env(("KEY", "projects/acme/secrets/k/versions/1", True)),
    )
    assert run("SEC002", Inventory(functions=(cmek, only_refs))) == []


# ------------------------------------------------------------------ NET001


def _private_env() -> tuple[EnvVar, ...]:
    return (
        EnvVar(
            "REDIS_HOST",
            None,
            is_reference=True,
            source_expr="google_redis_instance.cache.host",
        ),
    )


def test_net001_memorystore_without_connector() -> None:
    [finding] = run("NET001", Inventory(functions=(gfn(environment=_private_env()),)))
    assert "no VPC connector" in finding.message
    assert "google_redis_instance.cache.host" in finding.message


def test_net001_private_address_literal() -> None:
    env = _env(("DB_HOST", "10.20.0.5", False))
    [finding] = run("NET001", Inventory(functions=(gfn(environment=env),)))
    assert "10.20.0.5" in finding.message


def test_net001_near_misses() -> None:
    connected = gfn(
        environment=_private_env(),
        vpc=VpcConfig(subnet_ids=("google_vpc_access_connector.main",)),
    )
    public_only = gfn(
        "google_cloudfunctions_function.public",
        environment=(
            EnvVar(
                "DB", None, True, source_expr="google_sql_database_instance.db.public_ip_address"
            ),
        ),
    )
    assert run("NET001", Inventory(functions=(connected, public_only))) == []


# ------------------------------------------------------------------ LIM002


def test_lim002_gen1_over_540() -> None:
    [finding] = run("LIM002", Inventory(functions=(gfn(timeout_s=600),)))
    assert "1st gen" in finding.message


def test_lim002_gen2_http_up_to_3600_but_event_driven_540() -> None:
    http = gfn("google_cloudfunctions2_function.http", gcp_generation=2, timeout_s=3600)
    worker = gfn("google_cloudfunctions2_function.worker", gcp_generation=2, timeout_s=900)
    inv = Inventory(
        functions=(http, worker),
        front_doors=(http_door(http),),
        triggers=(
            event(worker, "google_storage_bucket.in", "google.cloud.storage.object.v1.finalized"),
        ),
    )
    [finding] = run("LIM002", inv)
    assert finding.resource == worker.address and "event-driven" in finding.message


# ------------------------------------------------------------------ LIM005


def test_lim005_public_http_without_max_instances() -> None:
    fn = gfn()
    inv = Inventory(functions=(fn,), front_doors=(http_door(fn, authorization="NONE"),))
    [finding] = run("LIM005", inv)
    assert "max instances" in finding.message


def test_lim005_near_misses() -> None:
    capped = gfn(max_instances=20)
    private = gfn("google_cloudfunctions_function.private")
    inv = Inventory(
        functions=(capped, private),
        front_doors=(http_door(capped), http_door(private, authorization="IAM")),
    )
    assert run("LIM005", inv) == []


# ------------------------------------------------------------------ PKG009


def _pkg009(runtime: str, today: _dt.date) -> list[Finding]:
    return run("PKG009", Inventory(functions=(gfn(runtime=runtime),)), today=today)


def test_pkg009_decommissioned_gcp_runtime() -> None:
    [finding] = _pkg009("nodejs16", _dt.date(2026, 11, 25))
    assert "updates blocked since 2025-01-30" in finding.message


def test_pkg009_supported_gcp_runtime_and_unknown_one() -> None:
    assert _pkg009("python313", _dt.date(2026, 11, 25)) == []
    [finding] = _pkg009("cobol85", _dt.date(2026, 11, 25))
    assert finding.status is FindingStatus.UNKNOWN


# ------------------------------------------------------------------ RUN001

FINALIZE = "google.storage.object.finalize"


def _bucket_grant(role: str, bucket: str = "google_storage_bucket.in") -> Policy:
    document = {"bindings": [{"role": role, "members": ["serviceAccount:fn@acme.iam"]}]}
    return Policy(f"{bucket} IAM", PolicyKind.RESOURCE, document, bucket, Location("iam.tf", 9))


def test_run001_writer_on_the_trigger_bucket() -> None:
    fn = gfn(gcp_ingress=None)
    sa = account(policies=(_bucket_grant("roles/storage.objectCreator"),))
    inv = Inventory(
        functions=(fn,), roles=(sa,), triggers=(event(fn, "google_storage_bucket.in", FINALIZE),)
    )
    [finding] = run("RUN001", inv)
    assert finding.impact == 8 and "roles/storage.objectCreator on google_storage_bucket.in" in (
        finding.message
    )


def test_run001_editor_on_the_project_and_pubsub_publisher() -> None:
    fn = gfn()
    sa = account(gcp_roles=("roles/pubsub.publisher",))
    topic = event(fn, "google_pubsub_topic.jobs", "google.cloud.pubsub.topic.v1.messagePublished")
    [finding] = run("RUN001", Inventory(functions=(fn,), roles=(sa,), triggers=(topic,)))
    assert "topic google_pubsub_topic.jobs" in finding.message


def test_run001_publisher_inherited_from_a_folder() -> None:
    fn = gfn()
    sa = account(gcp_inherited=(InheritedGrant("roles/pubsub.publisher", "folder folders/42"),))
    topic = event(fn, "google_pubsub_topic.jobs", "google.cloud.pubsub.topic.v1.messagePublished")
    [finding] = run("RUN001", Inventory(functions=(fn,), roles=(sa,), triggers=(topic,)))
    assert "roles/pubsub.publisher on folder folders/42 (inherited by the project)" in (
        finding.message
    )


def test_run001_near_misses() -> None:
    fn = gfn()
    other_bucket = _bucket_grant("roles/storage.objectAdmin", "google_storage_bucket.out")
    reader = _bucket_grant("roles/storage.objectViewer")
    sa = account(policies=(other_bucket, reader))
    deleted = event(fn, "google_storage_bucket.in", "google.storage.object.delete")
    created = event(fn, "google_storage_bucket.in", FINALIZE)
    assert run("RUN001", Inventory(functions=(fn,), roles=(sa,), triggers=(created, deleted))) == []


def test_run001_default_account_is_unknown() -> None:
    email = "acme@appspot.gserviceaccount.com"
    fn = gfn(role=email)
    sa = account(email, arn=email, is_default_service_account=True)
    trig = event(fn, "google_storage_bucket.in", FINALIZE)
    [finding] = run("RUN001", Inventory(functions=(fn,), roles=(sa,), triggers=(trig,)))
    assert finding.status is FindingStatus.UNKNOWN and "roles/editor" in finding.message
