"""PKG003, PKG008 and PKG009 on hand-built inventories; PKG009 with an injected date."""

from __future__ import annotations

import datetime as dt

from rules_network.rulekit import ctx, failures, fn, loc, rule, run, unknowns

from fnguard.config import Thresholds
from fnguard.model import (
    CodeSigningConfig,
    CollectionGap,
    Inventory,
    PackageRef,
    PackageType,
    Provider,
)
from fnguard.rules.package import RULES

PKG003 = rule(RULES, "PKG003")
PKG008 = rule(RULES, "PKG008")
PKG009 = rule(RULES, "PKG009")


def test_pkg003_local_zip_without_hash() -> None:
    bare = fn(package=PackageRef(path="build/api.zip"))
    [finding] = run(PKG003, Inventory(functions=(bare,)))
    assert finding.impact == 5 and "source_code_hash" in finding.message
    hashed = fn(package=PackageRef(path="build/api.zip", hash_declared=True))
    assert run(PKG003, Inventory(functions=(hashed,))) == []


def test_pkg003_images_by_tag_low_by_digest_quiet_and_s3_not_judged() -> None:
    tag = fn(
        package_type=PackageType.IMAGE,
        runtime=None,
        package=PackageRef(image_uri="1.dkr.ecr.eu-west-1.amazonaws.com/api:latest"),
    )
    [finding] = run(PKG003, Inventory(functions=(tag,)))
    assert finding.impact == 3
    digest = fn(
        package_type=PackageType.IMAGE,
        runtime=None,
        package=PackageRef(image_uri="1.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:" + "a" * 64),
    )
    s3 = fn(package=PackageRef(s3_bucket="artifacts", s3_key="api.zip"))
    assert run(PKG003, Inventory(functions=(digest, s3))) == []


def test_pkg008_missing_and_warn_fire_enforce_is_quiet() -> None:
    [missing] = run(PKG008, Inventory(functions=(fn(),)))
    assert missing.impact == 5
    warn = CodeSigningConfig(
        "aws_lambda_code_signing_config.csc", loc(80), "arn:aws:lambda:csc", "Warn"
    )
    enforce = CodeSigningConfig(
        "aws_lambda_code_signing_config.csc", loc(80), "arn:aws:lambda:csc", "Enforce"
    )
    f = fn(code_signing_config="aws_lambda_code_signing_config.csc")
    [warned] = run(PKG008, Inventory(functions=(f,), code_signing_configs=(warn,)))
    assert warned.resource == warn.address and "Warn" in warned.message
    assert run(PKG008, Inventory(functions=(f,), code_signing_configs=(enforce,))) == []
    by_arn = fn(code_signing_config="arn:aws:lambda:csc")
    assert run(PKG008, Inventory(functions=(by_arn,), code_signing_configs=(enforce,))) == []


def test_pkg008_images_and_unknowns() -> None:
    image = fn(package_type=PackageType.IMAGE, runtime=None)
    assert run(PKG008, Inventory(functions=(image,))) == []
    external = fn(code_signing_config="arn:aws:lambda:eu-west-1:1:code-signing-config:csc-1")
    assert len(unknowns(run(PKG008, Inventory(functions=(external,))))) == 1
    f = fn()
    gap = CollectionGap(loc(), "computed", resource=f.address, field="code_signing_config")
    assert len(unknowns(run(PKG008, Inventory(functions=(f,), gaps=(gap,))))) == 1


def _pkg009(runtime: str, today: dt.date, provider: Provider = Provider.AWS) -> list:  # type: ignore[type-arg]
    return run(
        PKG009, Inventory(functions=(fn(runtime=runtime, provider=provider),)), ctx(today=today)
    )


def test_pkg009_blocked_deprecated_and_upcoming_by_date() -> None:
    [blocked] = _pkg009("python3.8", dt.date(2026, 11, 25))
    assert blocked.impact == 8 and "updates blocked since 2025-11-01" in blocked.message
    [deprecated] = _pkg009("nodejs20.x", dt.date(2026, 5, 15))
    assert deprecated.impact == 6 and "deprecated since 2026-04-30" in deprecated.message
    [create_blocked] = _pkg009("nodejs20.x", dt.date(2026, 6, 15))
    assert create_blocked.impact == 7
    [soon] = _pkg009("python3.11", dt.date(2026, 5, 1))
    assert soon.impact == 4 and "to be deprecated on 2026-06-30" in soon.message
    assert ("days until deprecation", "60") in [(e.label, e.value) for e in soon.evidence]


def test_pkg009_quiet_for_supported_runtimes_and_respects_window() -> None:
    assert _pkg009("python3.13", dt.date(2026, 11, 25)) == []
    assert _pkg009("python3.11", dt.date(2026, 3, 1)) == []  # 121 days ahead
    wide = ctx(today=dt.date(2026, 3, 1), thresholds=Thresholds(runtime_warning_days=180))
    assert len(run(PKG009, Inventory(functions=(fn(runtime="python3.11"),)), wide)) == 1


def test_pkg009_gcp_runtime_decommissioned() -> None:
    [finding] = _pkg009("nodejs16", dt.date(2026, 1, 1), Provider.GCP)
    assert finding.impact == 8 and finding.provider is Provider.GCP
    # No decommission date recorded: deprecated only.
    [deprecated] = _pkg009("python38", dt.date(2026, 1, 1), Provider.GCP)
    assert deprecated.impact == 6


def test_pkg009_unknown_runtime_and_image_function() -> None:
    [finding] = _pkg009("python9.9", dt.date(2026, 11, 25))
    assert finding in unknowns([finding])
    assert any(e.label == "runtime table as of" for e in finding.evidence)
    assert failures(_pkg009("python3.13", dt.date(2026, 11, 25))) == []
    image = fn(package_type=PackageType.IMAGE, runtime=None)
    assert run(PKG009, Inventory(functions=(image,)), ctx()) == []
    assert len(unknowns(run(PKG009, Inventory(functions=(fn(runtime=None),)), ctx()))) == 1


def test_pkg009_upcoming_finding_key_is_stable_from_day_to_day() -> None:
    [monday] = _pkg009("python3.11", dt.date(2026, 5, 4))
    [tuesday] = _pkg009("python3.11", dt.date(2026, 5, 5))
    assert monday.key == tuesday.key
