"""End to end through the CLI on the bundled examples and on broken inputs."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSECURE = REPO / "examples" / "insecure"
HARDENED = REPO / "examples" / "hardened"


def fnguard(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fnguard", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=300,
    )


def json_report(*args: str) -> tuple[int, dict[str, object]]:
    done = fnguard("scan", *args, "--format", "json")
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


def test_insecure_example_fires_at_least_20_distinct_rules() -> None:
    code, report = json_report(str(INSECURE))
    assert code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    rules = {f["rule_id"] for f in findings if f["status"] == "fail"}
    assert len(rules) >= 20, sorted(rules)
    for finding in findings:
        assert finding["location"] is None or finding["location"]["file"].endswith((".tf", ".py"))


def test_hardened_example_has_nothing_high_or_above() -> None:
    code, report = json_report(str(HARDENED))
    findings = report["findings"]
    assert isinstance(findings, list)
    serious = [
        (f["rule_id"], f["resource"], f["message"])
        for f in findings
        if f["severity"] in ("critical", "high") and f["status"] == "fail"
    ]
    assert serious == []
    assert code == 0


def test_text_report_groups_findings_and_summarises() -> None:
    done = fnguard("scan", str(INSECURE), "--color", "never")
    assert done.returncode == 1
    assert "IAM001" in done.stdout
    assert "\x1b[" not in done.stdout


def test_fail_on_none_exits_0() -> None:
    done = fnguard("scan", str(INSECURE), "--fail-on", "none", "--format", "json")
    assert done.returncode == 0


def test_several_formats_at_once(tmp_path: Path) -> None:
    sarif = tmp_path / "out" / "r.sarif"
    junit = tmp_path / "r.xml"
    done = fnguard(
        "scan",
        str(INSECURE),
        "--format", "text", "--format", "sarif", "--format", "junit",
        "--output", "-", "--output", str(sarif), "--output", str(junit),
        "--color", "never",
    )  # fmt: skip
    assert done.returncode == 1
    log = json.loads(sarif.read_text())
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["results"]
    assert ET.parse(junit).getroot().tag in ("testsuites", "testsuite")
    assert "IAM001" in done.stdout


def test_baseline_then_only_new_findings(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    made = fnguard("baseline", str(INSECURE), "--output", str(baseline))
    assert made.returncode == 0, made.stderr
    assert json.loads(baseline.read_text())["findings"]
    code, report = json_report(str(INSECURE), "--baseline", str(baseline))
    assert code == 0
    assert report["findings"] == [] or all(
        f["status"] == "unknown"
        for f in report["findings"]  # type: ignore[union-attr]
    )


def test_inline_suppression_needs_and_takes_a_reason(tmp_path: Path) -> None:
    tf = tmp_path / "main.tf"
    tf.write_text(
        """
resource "aws_lambda_function" "big" {
  # fnguard:ignore[LIM001] nightly batch needs the memory
  function_name = "big"
  role          = "arn:aws:iam::123456789012:role/x"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "x.zip"
  memory_size   = 20000
}
"""
    )
    _, report = json_report(str(tmp_path), "--select", "LIM001")
    assert report["findings"] == []
    tf.write_text(tf.read_text().replace(" nightly batch needs the memory", ""))
    _, report = json_report(str(tmp_path), "--select", "LIM001")
    assert [f["rule_id"] for f in report["findings"]] == ["LIM001"]  # type: ignore[index]


def test_malformed_hcl_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.tf").write_text('resource "aws_lambda_function" "f" {\n  memory_size = \n}\n')
    done = fnguard("scan", str(tmp_path))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "bad.tf:" in lines[0]
    assert "Traceback" not in done.stderr


def test_unreadable_source_is_a_gap_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "ok.tf").write_text(
        'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  memory_size = 20000\n'
        '  role = "arn:aws:iam::123456789012:role/x"\n}\n'
    )
    (tmp_path / "binary.tf").write_bytes(b"\xff\xfe\x00garbage\x80")
    done = fnguard("scan", str(tmp_path), "--format", "json")
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert any("binary.tf" in json.dumps(g) for g in report["gaps"])
    assert any(f["rule_id"] == "LIM001" for f in report["findings"])  # the rest was scanned
    assert "binary.tf" in done.stderr


def test_rules_and_explain() -> None:
    listed = fnguard("rules", "--format", "json")
    assert listed.returncode == 0
    ids = {r["id"] for r in json.loads(listed.stdout)}
    assert {"IAM001", "SEC001", "LIM003", "PKG009", "RUN001"} <= ids
    explained = fnguard("explain", "exp002")
    assert explained.returncode == 0
    assert "EXP002" in explained.stdout


def test_file_without_read_permission_is_a_gap_not_a_pass(tmp_path: Path) -> None:
    from unprivileged import permission_honouring_prefix

    prefix = permission_honouring_prefix()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  memory_size = 20000\n'
        '  role = "arn:aws:iam::123456789012:role/x"\n}\n'
    )
    secret = tmp_path / "secret.tf"
    secret.write_text('variable "x" {}\n')
    secret.chmod(0)
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "fnguard", "scan", str(tmp_path), "--format", "json"],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=300,
        )
    finally:
        secret.chmod(0o644)
    assert done.returncode == 2, done.stderr
    report = json.loads(done.stdout)
    gaps = [g for g in report["gaps"] if "secret.tf" in json.dumps(g)]
    assert gaps and "Permission denied" in json.dumps(gaps)
    assert any(f["rule_id"] == "LIM001" for f in report["findings"])
    assert "secret.tf" in done.stderr and "Traceback" not in done.stderr
