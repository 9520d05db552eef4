"""examples/insecure-gcp through the CLI: each flaw its README lists is reported on the
function it names, and nothing else is; secrets are never printed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "insecure-gcp"

_API = "google_cloudfunctions_function.api"
_WORKER = "google_cloudfunctions_function.worker"
_WEBHOOK = "google_cloudfunctions2_function.webhook"
_UPLOADS = "google_cloudfunctions2_function.uploads"

# The table in examples/insecure-gcp/README.md.
INTENDED: dict[str, frozenset[str]] = {
    "IAM001": frozenset({_UPLOADS, _WORKER}),
    "IAM005": frozenset({_UPLOADS, _WORKER}),
    "IAM006": frozenset({_API, _WEBHOOK}),
    "EXP002": frozenset({_API, _WEBHOOK}),
    "EXP005": frozenset({_API, _WEBHOOK}),
    "EXP006": frozenset({_API}),
    "SEC001": frozenset({_API, _WEBHOOK}),
    "SEC002": frozenset({_API, _WEBHOOK}),
    "NET001": frozenset({_API}),
    "LIM002": frozenset({_UPLOADS, _WORKER}),
    "LIM005": frozenset({_API, _WEBHOOK}),
    "PKG009": frozenset({_API}),
    "RUN001": frozenset({_UPLOADS, _WORKER}),
}
FAKE_SECRETS = (
    "Orders-Pr0d-2024!x7Qm",
    "sk_live_51Hq3kTqL9vXw2ZyB7nR4mPaC8dE6fG0hJ",
    "pk_prod_9fJ2kQ7xLm4Rt8Vw3Zb6Nc1Hd5Sg0Ya",
)


@pytest.fixture(scope="module")
def scan() -> tuple[int, str, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "fnguard", "scan", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout, json.loads(done.stdout)


def test_each_flaw_is_reported_on_the_functions_the_readme_names(
    scan: tuple[int, str, dict[str, object]],
) -> None:
    code, _, report = scan
    assert code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    failed: dict[str, set[str]] = {}
    for finding in findings:
        if finding["status"] == "fail":
            failed.setdefault(finding["rule_id"], set()).add(finding["function"])
    assert failed == {rule: set(fns) for rule, fns in INTENDED.items()}
    assert not [f for f in findings if f["status"] != "fail"]


def test_secrets_are_never_printed(scan: tuple[int, str, dict[str, object]]) -> None:
    _, out, _ = scan
    for secret in FAKE_SECRETS:
        assert secret not in out


def test_the_hardened_twin_gives_no_finding_at_all() -> None:
    """Every near miss of the demo's flaws at once: no finding, no unknown, no gap."""
    hardened = Path(__file__).parent / "fixtures" / "hardened"
    done = subprocess.run(
        [sys.executable, "-m", "fnguard", "scan", str(hardened), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    assert (done.returncode, report["findings"], report["gaps"]) == (0, [], [])
    assert report["summary"]["functions"] == 4
