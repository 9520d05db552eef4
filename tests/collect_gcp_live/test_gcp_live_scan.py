"""End to end: the live GCP collector's inventory through ``fnguard.scan.scan`` fires the GCP
rules exactly where the fake project is misconfigured, and says "unknown" where a refusal hid
what a rule needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_gcp_live.gcp_fake_data import (
    API,
    APPSPOT,
    COMPUTE,
    JOBS,
    ORDERS,
    ORDERS_RUN,
    ORDERS_SA,
    THUMBS,
    seed_acme,
)
from collect_gcp_live.gcp_fake_server import FakeGcp, fake
from collect_gcp_live.test_gcp_live_gaps import HOOK, seed_beta

from fnguard.collect.gcp import collect_gcp
from fnguard.config import Config
from fnguard.iam import default_checker
from fnguard.model import Finding, FindingStatus
from fnguard.rules import all_rules
from fnguard.scan import ScanRequest, scan

if TYPE_CHECKING:
    from fnguard.result import ScanResult

__all__ = ["fake"]


def scan_live(fake: FakeGcp, *projects: str) -> ScanResult:
    inventory = collect_gcp(fake.options(projects=projects))
    request = ScanRequest(
        targets=(),
        config=Config(),
        collectors=(),
        rules=all_rules(),
        permissions=default_checker(),
        inventory=inventory,
    )
    return scan(request)


def of(result: ScanResult, rule_id: str, status: FindingStatus) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule_id and f.status is status]


def test_public_invokers_fire_exp002_on_gen1_and_gen2(fake: FakeGcp) -> None:
    seed_acme(fake)
    result = scan_live(fake, "acme")
    found = {(f.resource, f.function) for f in of(result, "EXP002", FindingStatus.FAIL)}
    # allUsers on the gen 1 function's policy and on the gen 2 function's Cloud Run service;
    # the run.viewer grant to allAuthenticatedUsers lets nobody call it.
    assert found == {(f"{API}#iam", API), (f"{ORDERS_RUN}#iam", ORDERS)}


def test_editor_account_fires_iam001_for_each_function_running_as_it(fake: FakeGcp) -> None:
    seed_acme(fake)
    result = scan_live(fake, "acme")
    found = {(f.resource, f.function) for f in of(result, "IAM001", FindingStatus.FAIL)}
    assert found == {(ORDERS_SA, THUMBS), (ORDERS_SA, JOBS)}
    assert all("roles/editor" in f.message for f in of(result, "IAM001", FindingStatus.FAIL))


def test_default_accounts_fire_iam006(fake: FakeGcp) -> None:
    seed_acme(fake)
    result = scan_live(fake, "acme")
    found = {(f.resource, f.function) for f in of(result, "IAM006", FindingStatus.FAIL)}
    assert found == {(APPSPOT, API), (COMPUTE, ORDERS)}


def test_plain_http_fires_exp006_only_on_the_secure_optional_gen1_function(
    fake: FakeGcp,
) -> None:
    seed_acme(fake)
    result = scan_live(fake, "acme")
    assert [f.function for f in of(result, "EXP006", FindingStatus.FAIL)] == [API]


def test_secret_manager_reference_is_not_a_plaintext_secret(fake: FakeGcp) -> None:
    seed_acme(fake)
    result = scan_live(fake, "acme")
    assert of(result, "SEC001", FindingStatus.FAIL) == []


def test_refusals_make_the_rules_say_unknown(fake: FakeGcp) -> None:
    seed_beta(fake)
    result = scan_live(fake, "beta")
    [exp002] = of(result, "EXP002", FindingStatus.UNKNOWN)
    assert exp002.function == HOOK and "403 Forbidden" in exp002.message
    [iam001] = of(result, "IAM001", FindingStatus.UNKNOWN)
    assert iam001.function == HOOK and "project roles" in iam001.message
    assert of(result, "EXP002", FindingStatus.FAIL) == []
    assert of(result, "IAM001", FindingStatus.FAIL) == []
