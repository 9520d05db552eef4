"""PKG007 on hand-built inventories: one finding per function, dependency and advisory."""

from __future__ import annotations

from typing import Any

from rules_deps.deps_inventory import FN, fn, pkg
from rules_deps.deps_inventory import run as run_rules

from fnguard.model import (
    Advisory,
    CollectionGap,
    Dependency,
    Finding,
    FindingStatus,
    Inventory,
    Location,
    Package,
    Provider,
    Severity,
)
from fnguard.rules._pkg_vulns import PKG007, RULES

JINJA = Dependency("PyPI", "jinja2", "3.1.2", "build/fn.zip!/requirements.txt", 4)
JINJA_IN_LAYER = Dependency(
    "PyPI", "jinja2", "3.1.2", "build/layer.zip!/python/jinja2-3.1.2.dist-info/METADATA", 3
)
REQUESTS = Dependency("PyPI", "requests", "2.31.0", "build/fn.zip!/requirements.txt", 5)
LODASH = Dependency("npm", "lodash", "4.17.20", "build/fn.zip!/package-lock.json")

GHSA_JINJA = Advisory(
    id="GHSA-h5c8-rqwp-cp95",
    ecosystem="PyPI",
    name="jinja2",
    version="3.1.2",
    summary="Jinja vulnerable to HTML attribute injection",
    impact=6,
    aliases=("CVE-2024-22195", "PYSEC-2024-1"),
    fixed=("3.1.3",),
)
GHSA_LODASH = Advisory(
    id="GHSA-35jh-r3h4-6jhm",
    ecosystem="npm",
    name="lodash",
    version="4.17.20",
    summary="Command injection in lodash",
    impact=9,
)


def package(path: str, *deps: Dependency, **extra: Any) -> Package:
    return pkg(path, dependencies=deps, **extra)


def run(inv: Inventory) -> list[Finding]:
    return run_rules(RULES, inv)


def ev(finding: Finding) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in finding.evidence:
        out.setdefault(e.label, []).append(e.value)
    return out


def test_vulnerable_dependency_fires_with_the_advisory_impact_and_evidence() -> None:
    inv = Inventory(
        functions=(fn(name="api"),),
        packages=(package("build/fn.zip", JINJA, REQUESTS, LODASH),),
        advisories=(GHSA_JINJA, GHSA_LODASH),
    )
    jinja, lodash = run(inv)
    assert jinja.rule_id == "PKG007" and jinja.status is FindingStatus.FAIL
    assert jinja.resource == FN and jinja.function == FN
    assert jinja.location == Location("build/fn.zip!/requirements.txt", 4)
    assert jinja.impact == 6 and jinja.severity is Severity.MEDIUM
    assert jinja.message == (
        "api: jinja2 3.1.2 has a known vulnerability, GHSA-h5c8-rqwp-cp95: "
        "Jinja vulnerable to HTML attribute injection"
    )
    assert ev(jinja) == {
        "package": ["jinja2 (PyPI)"],
        "version": ["3.1.2"],
        "advisory": ["GHSA-h5c8-rqwp-cp95"],
        "aliases": ["CVE-2024-22195, PYSEC-2024-1"],
        "fixed in": ["3.1.3"],
        "manifest": ["build/fn.zip!/requirements.txt"],
        "deployed in": ["build/fn.zip"],
    }
    assert lodash.impact == 9 and lodash.severity is Severity.CRITICAL
    assert ev(lodash)["fixed in"] == ["no fixed version published"]
    assert ev(lodash)["aliases"] == ["none"]


def test_same_dependency_in_code_and_layer_is_one_finding_per_function() -> None:
    other = "aws_lambda_function.worker"
    inv = Inventory(
        functions=(fn(), fn(other)),
        packages=(
            package("build/fn.zip", JINJA),
            package("build/layer.zip", JINJA_IN_LAYER, functions=(FN, other), is_layer=True),
        ),
        advisories=(GHSA_JINJA,),
    )
    findings = run(inv)
    assert [(f.resource, f.rule_id) for f in findings] == [(FN, "PKG007"), (other, "PKG007")]
    assert ev(findings[0])["manifest"] == [JINJA.manifest, JINJA_IN_LAYER.manifest]
    assert ev(findings[0])["deployed in"] == ["build/fn.zip, build/layer.zip"]
    assert findings[1].location == Location(JINJA_IN_LAYER.manifest, 3)


def test_two_advisories_for_one_dependency_are_two_findings() -> None:
    second = Advisory("GHSA-other", "PyPI", "jinja2", "3.1.2", "Another flaw", 3)
    inv = Inventory(
        functions=(fn(),),
        packages=(package("build/fn.zip", JINJA),),
        advisories=(GHSA_JINJA, second),
    )
    assert [f.impact for f in run(inv)] == [6, 3]


def test_near_misses_stay_quiet() -> None:
    # an advisory for another version, another ecosystem, a package no function deploys
    # without advisories, a function without any package
    inv = Inventory(
        functions=(fn(), fn("aws_lambda_function.bare")),
        packages=(
            package("build/fn.zip", REQUESTS, Dependency("npm", "jinja2", "3.1.2", "x")),
            package("build/unused.zip", REQUESTS, functions=()),
        ),
        advisories=(
            Advisory("GHSA-x", "PyPI", "requests", "2.30.0", "old version only", 5),
            GHSA_JINJA,
        ),
    )
    assert run(inv) == []


def test_advisory_gap_makes_the_function_unknown() -> None:
    gap = CollectionGap(
        Location("build/fn.zip"),
        "OSV API https://api.osv.dev unreachable (timed out); 2 dependencies not checked",
        resource="package:build/fn.zip",
        field="advisories",
    )
    inv = Inventory(
        functions=(fn(),),
        packages=(package("build/fn.zip", JINJA, REQUESTS),),
        gaps=(gap,),
    )
    (finding,) = run(inv)
    assert finding.status is FindingStatus.UNKNOWN and finding.resource == FN
    assert "dependencies not checked (build/fn.zip: OSV API" in finding.message


def test_unread_package_or_missing_artifact_is_unknown() -> None:
    unread = CollectionGap(
        Location("build/fn.zip"), "expected a zip archive", "package:build/fn.zip", "package"
    )
    inv = Inventory(functions=(fn(),), packages=(package("build/fn.zip"),), gaps=(unread,))
    assert [f.status for f in run(inv)] == [FindingStatus.UNKNOWN]
    missing = CollectionGap(Location("main.tf", 1), "build/fn.zip not found", FN, "package")
    inv = Inventory(functions=(fn(),), gaps=(missing,))
    (finding,) = run(inv)
    assert finding.status is FindingStatus.UNKNOWN and "build/fn.zip not found" in finding.message
    # a gap about something else does not hide a pass
    other = CollectionGap(Location("main.tf", 1), "role unknown", FN, "role")
    assert run(Inventory(functions=(fn(),), gaps=(other,))) == []


def test_findings_of_a_package_no_function_deploys_name_the_package() -> None:
    gap = CollectionGap(Location("layer.zip"), "off", "package:layer.zip", "advisories")
    inv = Inventory(
        packages=(package("layer.zip", JINJA, functions=(), is_layer=True),),
        advisories=(GHSA_JINJA,),
        gaps=(gap,),
    )
    found, unknown = run(inv)
    assert found.resource == "package:layer.zip" and found.function is None
    assert found.message.startswith("layer layer.zip: jinja2 3.1.2")
    assert unknown.status is FindingStatus.UNKNOWN and unknown.resource == "package:layer.zip"


def test_metadata_is_complete() -> None:
    assert PKG007.remediation.terraform and PKG007.remediation.cloudformation
    assert PKG007.remediation.cli and PKG007.mappings.owasp_serverless == ("SAS-6",)
    assert set(PKG007.providers) == {Provider.AWS, Provider.GCP}
