"""The demo application: each flaw its README lists is reported, on the function it names.

The CLI's own end-to-end tests check the totals (at least 20 rules, nothing high in the
hardened twin); these tests pin the demo's contract with its README: which rule fires on which
function, that secrets are found but never printed, and that names / references of secrets are
not mistaken for secrets.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INSECURE = EXAMPLES / "insecure"
HARDENED = EXAMPLES / "hardened"

_API = "aws_lambda_function.api"
_WEBHOOK = "aws_lambda_function.webhook"
_UPLOADS = "aws_lambda_function.uploads"
_WORKER = "aws_lambda_function.worker"
_REPORT = "aws_lambda_function.report"
_ALL = frozenset({_API, _WEBHOOK, _UPLOADS, _WORKER, _REPORT})

# The table in examples/insecure/README.md: rule -> the functions it must be reported for.
INTENDED: dict[str, frozenset[str]] = {
    "IAM001": frozenset({_REPORT}),
    "IAM003": frozenset({_API, _WEBHOOK, _UPLOADS}),
    "IAM004": frozenset({_API, _WEBHOOK, _WORKER}),
    "IAM005": frozenset({_API, _WEBHOOK}),
    "IAM006": frozenset({_WORKER}),
    "IAM008": frozenset({_WORKER}),
    "IAM009": frozenset({_REPORT}),
    "EXP001": frozenset({_WEBHOOK}),
    "EXP002": frozenset({_WEBHOOK}),
    "EXP003": frozenset({_API, _UPLOADS}),
    "EXP004": frozenset({_WEBHOOK}),
    "EXP005": frozenset({_API, _WEBHOOK}),
    "EXP007": frozenset({_API}),
    "SEC001": frozenset({_API, _WEBHOOK}),
    "SEC002": _ALL,
    "NET001": frozenset({_API}),
    "NET002": frozenset({_WORKER}),
    "NET003": frozenset({_WORKER}),
    "NET004": frozenset({_WORKER}),
    "LOG001": _ALL,
    "LOG002": _ALL,
    "LIM001": frozenset({_UPLOADS}),
    "LIM002": frozenset({_REPORT}),
    "LIM003": frozenset({_API}),
    "LIM004": frozenset({_WORKER}),
    "LIM005": frozenset({_API, _WEBHOOK}),
    "LIM006": frozenset({_UPLOADS, _REPORT}),
    "PKG003": frozenset({_UPLOADS}),
    "PKG008": _ALL,
    "PKG009": frozenset({_API, _UPLOADS, _WORKER}),
    "RUN001": frozenset({_UPLOADS}),
}

# The fake secrets written in the insecure example (AWS's documented example key pair, a
# made-up Stripe-shaped key and database password): found, and never printed in full.
FAKE_SECRETS = (
    "sk_live_51Hq3kTqL9vXw2ZyB7nR4mPaC8dE6fG0hJ",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "Orders-Pr0d-2024!x7Qm",
)


def _scan(path: Path) -> tuple[str, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "fnguard", "scan", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout, json.loads(done.stdout)


@pytest.fixture(scope="module")
def insecure() -> tuple[str, dict[str, object]]:
    return _scan(INSECURE)


def _failed(report: dict[str, object]) -> list[dict[str, object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f for f in findings if f["status"] == "fail"]


def test_each_flaw_in_the_readme_is_reported_on_its_function(
    insecure: tuple[str, dict[str, object]],
) -> None:
    fired: dict[str, set[object]] = {}
    for finding in _failed(insecure[1]):
        fired.setdefault(str(finding["rule_id"]), set()).add(finding["function"])
    missing = {
        rule: sorted(functions - fired.get(rule, set()))
        for rule, functions in INTENDED.items()
        if not functions <= fired.get(rule, set())
    }
    assert missing == {}
    assert len(INTENDED) >= 20


def test_every_rule_id_in_the_readme_table_is_pinned_here() -> None:
    readme = (INSECURE / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The flaws and the rules that report them", 1)[1].split("\n\n")[2]
    listed = {line.split("|")[1].strip() for line in table.splitlines()[2:]}
    assert listed == set(INTENDED)


def test_secrets_are_found_but_never_printed(insecure: tuple[str, dict[str, object]]) -> None:
    raw, report = insecure
    for secret in FAKE_SECRETS:
        assert secret not in raw
    flagged = {
        e["value"]
        for f in _failed(report)
        if f["rule_id"] == "SEC001"
        for e in f["evidence"]  # type: ignore[attr-defined]
        if e["label"] == "variable"
    }
    # DB_SECRET_ID (a secret's name), PARTNER_EXPORT_BUCKET and DB_HOST (a reference) are not.
    assert flagged == {
        "DB_PASSWORD",
        "STRIPE_SECRET_KEY",
        "PARTNER_AWS_ACCESS_KEY_ID",
        "PARTNER_AWS_SECRET_ACCESS_KEY",
    }


def test_the_fixed_twin_has_none_of_the_insecure_rules_failing_on_the_same_function() -> None:
    """Rules decided from literal settings must all pass in the hardened example."""
    _, report = _scan(HARDENED)
    literal_rules = {
        "IAM001", "IAM003", "IAM005", "IAM006", "IAM008", "IAM009", "EXP001", "EXP002",
        "EXP003", "EXP004", "EXP005", "EXP007", "NET001", "NET002", "NET003", "NET004",
        "LOG001", "LOG002", "LIM001", "LIM002", "LIM003", "LIM004", "LIM005", "LIM006",
        "PKG003", "PKG008", "PKG009",
    }  # fmt: skip
    still = sorted(
        (str(f["rule_id"]), str(f["function"]))
        for f in _failed(report)
        if f["rule_id"] in literal_rules
    )
    assert still == []


@pytest.mark.parametrize("folder", [INSECURE, HARDENED], ids=["insecure", "hardened"])
def test_terraform_parses_and_every_function_has_a_handler(folder: Path) -> None:
    handlers = {p.parent.name for p in (folder / "src").glob("*/handler.py")}
    assert handlers == {"api", "webhook", "uploads", "worker", "report"}
    for tf in sorted(folder.glob("*.tf")):
        with tf.open(encoding="utf-8") as handle:
            assert isinstance(hcl2.load(handle), dict), tf
    for handler in sorted((folder / "src").glob("*/handler.py")):
        compile(handler.read_text(encoding="utf-8"), str(handler), "exec")


def test_the_hardened_twin_has_no_high_finding_no_unknown_and_no_gap() -> None:
    """A user cannot act on an undecided check or a gap in the "what good looks like" demo."""
    _, report = _scan(HARDENED)
    findings = report["findings"]
    assert isinstance(findings, list)
    summary = [(f["rule_id"], f["status"], f["severity"], f["resource"]) for f in findings]
    assert [s for s in summary if s[1] == "unknown" or s[2] in ("critical", "high")] == []
    assert report["gaps"] == []
