"""SEC003 on hand-built inventories: secrets in every package a function deploys."""

from __future__ import annotations

from typing import Any

from rules_deps.deps_inventory import FN, fn, pkg
from rules_deps.deps_inventory import run as run_rules

from fnguard.content import inspect
from fnguard.masking import mask
from fnguard.model import (
    CodeIssue,
    CollectionGap,
    Finding,
    FindingStatus,
    FoundSecret,
    Inventory,
    Location,
    Package,
)
from fnguard.rules._sec_files import RULES, SEC003

ENV_SECRET = FoundSecret(
    "build/fn.zip!/.env",
    2,
    ".env file: literal value of a secret-named variable (DB_PASSWORD)",
    mask("Zt9-qW2_kPx81"),
)
LAYER_KEY = FoundSecret(
    "build/layer.zip!/certs/server.key", 1, "RSA private key", mask("MIIEowIBAAKCAQEA")
)


def package(path: str, *secrets: FoundSecret, **extra: Any) -> Package:
    return pkg(path, secrets=secrets, **extra)


def run(inv: Inventory) -> list[Finding]:
    return run_rules(RULES, inv)


def test_secrets_in_the_code_package_and_in_layers() -> None:
    inv = Inventory(
        functions=(fn(name="api"),),
        packages=(
            package("build/fn.zip", ENV_SECRET),
            package("build/layer.zip", LAYER_KEY, is_layer=True),
        ),
    )
    env, key = run(inv)
    assert env.rule_id == "SEC003" and env.impact == 9 and env.resource == FN
    assert env.location == Location("build/fn.zip!/.env", 2)
    assert env.message == (
        "api: package build/fn.zip ships a secret in build/fn.zip!/.env:2 "
        "(.env file: literal value of a secret-named variable (DB_PASSWORD))"
    )
    assert {e.label: e.value for e in env.evidence} == {
        "file": "build/fn.zip!/.env:2",
        "kind": ENV_SECRET.kind,
        "value": mask("Zt9-qW2_kPx81"),
        "deployed in": "package build/fn.zip",
    }
    assert "Zt9-qW2_kPx81" not in repr(env)
    assert key.location == Location("build/layer.zip!/certs/server.key", 1)
    assert "layer build/layer.zip ships a secret" in key.message


def test_encrypted_private_key_is_high_not_critical() -> None:
    secret = FoundSecret("k.zip!/id_rsa", 1, "encrypted OPENSSH private key", mask("x" * 40))
    (finding,) = run(Inventory(functions=(fn(),), packages=(package("k.zip", secret),)))
    assert finding.impact == 7


def test_a_shared_layer_is_reported_for_each_function_and_an_orphan_once() -> None:
    other = "aws_lambda_function.worker"
    inv = Inventory(
        functions=(fn(), fn(other)),
        packages=(
            package("build/layer.zip", LAYER_KEY, functions=(FN, other), is_layer=True),
            package("build/old-layer.zip", LAYER_KEY, functions=(), is_layer=True),
        ),
    )
    assert [f.resource for f in run(inv)] == [FN, other, "package:build/old-layer.zip"]


def test_code_issues_filed_under_sec003_are_reported_once() -> None:
    same_place = CodeIssue(
        "SEC003", FN, Location("build/fn.zip!/.env", 2), "secret in code", sink="literal"
    )
    elsewhere = CodeIssue("SEC003", FN, Location("src/app.js", 9), "api key literal in code")
    inv = Inventory(
        functions=(fn(),),
        packages=(package("build/fn.zip", ENV_SECRET),),
        code_issues=(same_place, elsewhere, CodeIssue("SEC004", FN, Location("a.py", 1), "log")),
    )
    findings = run(inv)
    assert [f.location for f in findings] == [
        Location("build/fn.zip!/.env", 2),
        Location("src/app.js", 9),
    ]
    assert findings[1].message == "api key literal in code"


def test_clean_packages_and_functions_without_packages_pass() -> None:
    inv = Inventory(functions=(fn(), fn("aws_lambda_function.bare")), packages=(package("a.zip"),))
    assert run(inv) == []


def test_unread_packages_are_unknown_not_clean() -> None:
    errors = package("build/fn.zip", errors=("app/x.py: bad CRC-32",))
    (finding,) = run(Inventory(functions=(fn(),), packages=(errors,)))
    assert finding.status is FindingStatus.UNKNOWN
    assert "files not searched for secrets (build/fn.zip: 1 member(s) unreadable" in finding.message
    limit = CollectionGap(
        Location("a.zip"), "exceeds the max-archive-bytes limit", "package:a.zip", "package"
    )
    (finding,) = run(Inventory(functions=(fn(),), packages=(package("a.zip"),), gaps=(limit,)))
    assert finding.status is FindingStatus.UNKNOWN
    # an OSV gap is PKG007's business, not SEC003's
    osv = CollectionGap(Location("a.zip"), "offline", "package:a.zip", "advisories")
    assert run(Inventory(functions=(fn(),), packages=(package("a.zip"),), gaps=(osv,))) == []


def test_end_to_end_from_content_inspection() -> None:
    """What ``fnguard.content`` finds is what SEC003 reports: a firing file and a near miss."""
    env = inspect(".env", b"DB_PASSWORD=Zt9-qW2_kPx81\nAPI_KEY=changeme\n", "fn.zip!/.env")
    example = inspect(
        "app/settings.py", b'ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"\n', "fn.zip!/app/settings.py"
    )
    secrets = env.secrets + example.secrets
    (finding,) = run(Inventory(functions=(fn(),), packages=(package("fn.zip", *secrets),)))
    assert finding.location == Location("fn.zip!/.env", 1)


def test_metadata_is_complete() -> None:
    assert SEC003.impact == 9 and SEC003.area == "secrets"
    assert SEC003.remediation.terraform and SEC003.remediation.cloudformation
    assert SEC003.remediation.cli and SEC003.mappings.owasp_serverless == ("SAS-7",)
