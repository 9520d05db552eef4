import dataclasses
import json
from pathlib import Path

import pytest

from fnguard.baseline import Baseline
from fnguard.errors import ConfigError
from fnguard.model import Finding, Location, Remediation


def finding(rule: str, resource: str, message: str = "m") -> Finding:
    return Finding(
        rule_id=rule,
        title="t",
        impact=8,
        resource=resource,
        location=Location("main.tf", 3),
        message=message,
        remediation=Remediation("fix"),
    )


def test_round_trip_and_membership(tmp_path: Path) -> None:
    old = [finding("IAM001", "aws_iam_role.a"), finding("SEC001", "aws_lambda_function.f")]
    path = tmp_path / "b.json"
    path.write_text(Baseline.render(old))
    baseline = Baseline.load(path)
    assert all(f in baseline for f in old)
    assert finding("IAM001", "aws_iam_role.b") not in baseline
    # A moved line does not make a finding new.
    moved = dataclasses.replace(old[0], location=Location("main.tf", 99))
    assert moved in baseline


def test_render_is_sorted_and_stable() -> None:
    items = [finding("SEC001", "b"), finding("IAM001", "a"), finding("IAM001", "a")]
    text = Baseline.render(items)
    data = json.loads(text)
    assert data["version"] == 1
    assert [e["rule_id"] for e in data["findings"]] == ["IAM001", "SEC001"]
    assert text == Baseline.render(list(reversed(items)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "baseline is not JSON"),
        ("[]", "expected a fnguard baseline"),
        ('{"version": 1, "findings": [{"rule_id": "X"}]}', "every finding needs a fingerprint"),
    ],
)
def test_bad_baseline(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=expected):
        Baseline.load(path)
