"""The primed finding text for each evidence shape writes what the generic writer writes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fnguard.model import Evidence, Finding, Inventory, Location, Provider, Remediation
from fnguard.report._common import dump_json
from fnguard.report._json import JsonReporter, report_document
from fnguard.result import ScanResult

_BASE = Finding(
    rule_id="SEC001",
    title="t",
    impact=8,
    resource='aws_lambda_function.a"\u2014',
    location=Location("dir/main.tf", 12),
    message="m\n",
    remediation=Remediation("fix", "tf", "cfn", "cli"),
    function="aws_lambda_function.a",
    provider=Provider.GCP,
)
_EMPTY = ScanResult(tool_version="0", targets=(), inventory=Inventory(), findings=(), rules=())


@pytest.mark.parametrize("count", [0, 1, 2, 3])
@pytest.mark.parametrize("location", [None, Location("x.yml", 0), Location("y.tf", True)])
def test_primed_text_matches_the_generic_writer(count: int, location: Location | None) -> None:
    evidence = tuple(Evidence(f"label {n}", f"value\t{n}") for n in range(count))
    finding = replace(_BASE, evidence=evidence, location=location, function=None)
    reporter = JsonReporter()
    reporter.prime(finding)  # a bool line is refused here and written by the generic path
    result = replace(_EMPTY, findings=(finding, _BASE))
    assert reporter.render(result) == dump_json(report_document(result))
