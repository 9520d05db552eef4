"""The insecure demo in SAM and serverless.yml: the Terraform demo's flaws, the same verdict.

``examples/insecure-sam`` and ``examples/insecure-serverless`` declare the "orders" application
of ``examples/insecure`` in their own formats. These tests pin their READMEs' contract: each
flaw's rule fires on the function it names, the fake secrets never appear in full in the JSON
report, and the three demos fail the same (rule, function) pairs except for the flaws a format
cannot express (``NOT_EXPRESSIBLE``, documented in each README).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FUNCTIONS = ("api", "webhook", "uploads", "worker", "report")

# Flaws the Terraform demo has that these formats cannot write: SAM and the framework generate
# every event's permission with its SourceArn / SourceAccount (EXP003), and both upload local
# code under its content hash (PKG003).
NOT_EXPRESSIBLE = frozenset({"EXP003", "PKG003"})


def _terraform_demo_test() -> ModuleType:
    """The Terraform demo's test module: its README table (INTENDED) and FAKE_SECRETS."""
    path = Path(__file__).with_name("test_demo_examples.py")
    spec = importlib.util.spec_from_file_location("_terraform_demo_contract", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_TF = _terraform_demo_test()

# Each demo's folder and how its function addresses read as the short names above.
DEMOS: dict[str, tuple[Path, Callable[[str], str]]] = {
    "terraform": (EXAMPLES / "insecure", lambda a: a.removeprefix("aws_lambda_function.")),
    "sam": (EXAMPLES / "insecure-sam", lambda a: a.removesuffix("Function").lower()),
    "serverless": (
        EXAMPLES / "insecure-serverless",
        lambda a: a.removesuffix("LambdaFunction").lower(),
    ),
}


def _scan(path: Path, out: Path) -> tuple[str, dict[str, object]]:
    argv = [sys.executable, "-m", "fnguard", "scan", str(path), "--format", "json"]
    done = subprocess.run(
        [*argv, "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    raw = out.read_text(encoding="utf-8")
    return raw, json.loads(raw)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, dict[str, object]]]:
    out = tmp_path_factory.mktemp("demo-formats")
    return {name: _scan(folder, out / f"{name}.json") for name, (folder, _) in DEMOS.items()}


def _failed_pairs(demo: str, report: dict[str, object]) -> set[tuple[str, str]]:
    short = DEMOS[demo][1]
    findings = report["findings"]
    assert isinstance(findings, list)
    return {
        (str(f["rule_id"]), short(str(f["function"]))) for f in findings if f["status"] == "fail"
    }


def _intended() -> dict[str, frozenset[str]]:
    """The Terraform README's table in short names, less what the formats cannot express."""
    return {
        rule: frozenset(address.removeprefix("aws_lambda_function.") for address in functions)
        for rule, functions in _TF.INTENDED.items()
        if rule not in NOT_EXPRESSIBLE
    }


@pytest.mark.parametrize("demo", ["sam", "serverless"])
def test_each_flaw_is_reported_on_its_function(
    demo: str, reports: dict[str, tuple[str, dict[str, object]]]
) -> None:
    report = reports[demo][1]
    assert report["inventory"]["functions"] == len(FUNCTIONS)  # type: ignore[index]
    fired = _failed_pairs(demo, report)
    missing = {
        rule: sorted(fn for fn in wanted if (rule, fn) not in fired)
        for rule, wanted in _intended().items()
    }
    assert {rule: fns for rule, fns in missing.items() if fns} == {}
    assert len(_intended()) >= 20


@pytest.mark.parametrize("demo", ["sam", "serverless"])
def test_the_readme_table_lists_the_expressible_rules(demo: str) -> None:
    readme = (DEMOS[demo][0] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The flaws and the rules that report them", 1)[1].split("\n\n")[2]
    listed = {line.split("|")[1].strip() for line in table.splitlines()[2:]}
    assert listed == set(_intended())
    for rule in NOT_EXPRESSIBLE:
        assert rule in readme.split("## What this format cannot express", 1)[1]


@pytest.mark.parametrize("demo", ["sam", "serverless"])
def test_secrets_are_found_but_never_printed(
    demo: str, reports: dict[str, tuple[str, dict[str, object]]]
) -> None:
    raw, report = reports[demo]
    for secret in _TF.FAKE_SECRETS:
        assert secret not in raw
    # The same variables as in the Terraform demo: not DB_SECRET_ID (a secret's name) nor
    # PARTNER_EXPORT_BUCKET / DB_HOST.
    assert _secret_variables(report) == {
        "api": {"DB_PASSWORD", "STRIPE_SECRET_KEY"},
        "webhook": {"PARTNER_AWS_ACCESS_KEY_ID", "PARTNER_AWS_SECRET_ACCESS_KEY"},
    }


def _secret_variables(report: dict[str, object]) -> dict[str, set[str]]:
    """Function short name -> the environment variables SEC001 reports for it."""
    findings = report["findings"]
    assert isinstance(findings, list)
    found: dict[str, set[str]] = {}
    for finding in findings:
        if finding["status"] != "fail" or finding["rule_id"] != "SEC001":
            continue
        name = str(finding["function"]).split("Function")[0].split("Lambda")[0].lower()
        labels = [e["value"] for e in finding["evidence"] if e["label"] == "variable"]
        found.setdefault(name, set()).update(labels)
    return found


def test_the_three_demos_fail_the_same_rules_on_the_same_functions(
    reports: dict[str, tuple[str, dict[str, object]]],
) -> None:
    pairs = {demo: _failed_pairs(demo, report) for demo, (_, report) in reports.items()}
    common = {
        demo: {p for p in found if p[0] not in NOT_EXPRESSIBLE} for demo, found in pairs.items()
    }
    assert common["sam"] == common["terraform"]
    assert common["serverless"] == common["terraform"]
    # The Terraform demo does have the flaws the other formats cannot express.
    assert {rule for rule, _ in pairs["terraform"]} >= NOT_EXPRESSIBLE


def test_the_handlers_are_the_terraform_demos() -> None:
    sam = (EXAMPLES / "insecure-sam" / "template.yaml").read_text(encoding="utf-8")
    for fn in FUNCTIONS:
        assert f"CodeUri: ../insecure/src/{fn}\n" in sam
        linked = EXAMPLES / "insecure-serverless" / "src" / fn / "handler.py"
        assert linked.resolve() == (EXAMPLES / "insecure" / "src" / fn / "handler.py").resolve()
