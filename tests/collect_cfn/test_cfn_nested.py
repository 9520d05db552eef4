"""Nested stacks: a local child template is collected as part of its parent, with the values
the parent passes in, under addresses that name the nesting; what cannot be read is a gap.

A child that is also in the scanned tree is reported once per nesting (``Orders/Worker``,
``Billing/Worker``: two stacks, two deployed functions), not a third time on its own with its
defaults, which would contradict the deployed values."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from collect_cfn.cfn_helpers import LAMBDA_ROLE, scan_copies

from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.rules import all_rules
from fnguard.rules._base import RuleContext

if TYPE_CHECKING:
    from fnguard.model import Inventory

NESTED = Path(__file__).resolve().parent / "nested"


def _collect(folder: Path, *names: str) -> Inventory:
    collector = CloudFormationCollector()
    paths = [folder / n for n in names]
    assert all(collector.claims(p) for p in paths)
    return collector.collect(paths, folder)


def _findings(inv: Inventory, strip: str = "") -> set[tuple[str, str]]:
    context = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return {
        (f.rule_id, f.resource.removeprefix(strip))
        for rule in all_rules()
        for f in rule.check(inv, context)
    }


@pytest.fixture(scope="module")
def nested() -> Inventory:
    return _collect(NESTED, "child.yaml", "parent.yaml")


def test_child_takes_the_values_its_parent_passes(nested: Inventory) -> None:
    functions = {f.address: f for f in nested.functions}
    assert set(functions) == {"Orders/Worker", "Billing/Worker"}  # not "Worker" on its own
    assert {f.name for f in functions.values()} == {"worker-prod"}  # Stage passed by !Ref
    env = {a: {e.name: e.value for e in f.environment} for a, f in functions.items()}
    assert env["Orders/Worker"]["API_KEY"].startswith("sk_live_")
    assert env["Billing/Worker"]["API_KEY"] == "{{resolve:ssm:/billing/key}}"
    # the condition reads the passed value: only Orders is public
    assert [d.address for d in nested.front_doors] == ["Orders/WorkerUrl"]
    assert {f.location.file for f in functions.values()} == {"child.yaml"}


def test_remote_template_is_a_gap_on_the_stack(nested: Inventory) -> None:
    (gap,) = nested.gaps
    assert (gap.resource, gap.location.file, gap.location.line) == ("Remote", "parent.yaml", 24)
    assert "remote nested template https://" in gap.reason


def test_child_alone_keeps_its_defaults() -> None:
    inv = _collect(NESTED, "child.yaml")
    assert [(f.address, f.name) for f in inv.functions] == [("Worker", "worker-dev")]
    assert inv.front_doors == ()


def test_nested_findings_equal_the_same_function_written_flat(
    nested: Inventory, tmp_path: Path
) -> None:
    flat = (NESTED / "child.yaml").read_text(encoding="utf-8")
    for name, value in (
        ("dev", "prod"),
        ("none", "sk_live_51HfakeKeyForTests0000000000000000"),
        ('"false"', '"true"'),
    ):
        flat = flat.replace(f"Default: {name}", f"Default: {value}")
    (tmp_path / "flat.yaml").write_text(flat, encoding="utf-8")
    expected = _findings(_collect(tmp_path, "flat.yaml"))
    orders = {(r, a) for r, a in _findings(nested) if a.startswith("Orders/")}
    assert {(r, a.removeprefix("Orders/")) for r, a in orders} == expected
    assert {("SEC001", "Worker"), ("EXP002", "WorkerUrl")} <= expected


def _write(folder: Path, parent: str, child: str | None = None) -> None:
    (folder / "parent.yaml").write_text(parent, encoding="utf-8")
    if child is not None:
        (folder / "child.yaml").write_text(child, encoding="utf-8")


_STACK = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: {url}
"""


def test_missing_child_is_a_gap(tmp_path: Path) -> None:
    _write(tmp_path, _STACK.format(url="absent.yaml"))
    inv = _collect(tmp_path, "parent.yaml")
    (gap,) = inv.gaps
    assert (gap.resource, gap.location.line, gap.field) == ("Nested", 3, "nested_stack")
    assert "absent.yaml" in gap.reason


def test_broken_child_is_a_gap_in_the_child(tmp_path: Path) -> None:
    _write(tmp_path, _STACK.format(url="child.yaml"), "Resources:\n  A: [unclosed\n")
    inv = _collect(tmp_path, "parent.yaml")
    (gap,) = inv.gaps
    assert gap.location.file == "child.yaml" and gap.resource == "Nested"


def test_a_template_nesting_itself_is_a_gap(tmp_path: Path) -> None:
    _write(tmp_path, _STACK.format(url="parent.yaml"))
    inv = _collect(tmp_path, "parent.yaml")
    assert [g.field for g in inv.gaps] == ["nested_stack"]
    assert "nests itself" in inv.gaps[0].reason


def test_repository_application_is_a_gap(tmp_path: Path) -> None:
    parent = (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  App:\n"
        "    Type: AWS::Serverless::Application\n    Properties:\n      Location:\n"
        "        ApplicationId: arn:aws:serverlessrepo:us-east-1:1:applications/x\n"
        "        SemanticVersion: 1.0.0\n"
    )
    _write(tmp_path, parent)
    inv = _collect(tmp_path, "parent.yaml")
    assert [(g.resource, g.field) for g in inv.gaps] == [("App", "nested_stack")]
    assert "Serverless Application Repository" in inv.gaps[0].reason


def test_cli_scan_reports_the_nested_instances(tmp_path: Path) -> None:
    code, result = scan_copies(NESTED, ("parent.yaml", "child.yaml"), tmp_path)
    assert code == 1
    found = {(f["rule_id"], f["resource"], f["location"]["file"]) for f in result["findings"]}
    assert {
        ("SEC001", "Orders/Worker", "child.yaml"),
        ("EXP002", "Orders/WorkerUrl", "child.yaml"),
    } <= found
    assert not any(res in ("Worker", "Billing/WorkerUrl") for _, res, _ in found)
    assert [g["resource"] for g in result["gaps"]] == ["Remote"]


_ROLE_PARENT = (
    "Resources:\n  Role:\n"
    + LAMBDA_ROLE
    + """\
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement: [{Effect: Allow, Action: "*", Resource: "*"}]
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: child.yaml
      Parameters:
        RoleArn: !GetAtt Role.Arn
"""
)
_ROLE_CHILD = """\
Parameters:
  RoleArn:
    Type: String
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !Ref RoleArn
      Code: {ZipFile: "x"}
"""


def test_a_parent_resource_passed_in_is_that_resource(tmp_path: Path) -> None:
    _write(tmp_path, _ROLE_PARENT, _ROLE_CHILD)
    inv = _collect(tmp_path, "parent.yaml", "child.yaml")
    assert inv.gaps == ()
    assert [(f.address, f.role) for f in inv.functions] == [("Child/Fn", "Role")]
    flat_dir = tmp_path / "flat"
    flat_dir.mkdir()
    flat = _ROLE_PARENT.split("  Child:")[0] + _ROLE_CHILD.split("Resources:\n")[1]
    (flat_dir / "flat.yaml").write_text(flat.replace("!Ref RoleArn", "!GetAtt Role.Arn"), "utf-8")
    expected = _findings(_collect(flat_dir, "flat.yaml"))
    assert _findings(inv, "Child/") == expected
    assert ("IAM001", "Role") in expected


def test_a_suppression_in_the_child_covers_its_nested_instances(tmp_path: Path) -> None:
    child = (NESTED / "child.yaml").read_text(encoding="utf-8")
    child = child.replace("  Worker:\n", "  # fnguard:ignore[SEC001] test key\n  Worker:\n", 1)
    _write(tmp_path, (NESTED / "parent.yaml").read_text(encoding="utf-8"), child)
    inv = _collect(tmp_path, "parent.yaml", "child.yaml")
    covered = {(s.rule_id, s.resource, s.location.file) for s in inv.suppressions}
    # as in a template of its own, the comment covers what the SAM function generates too
    assert covered == {
        ("SEC001", f"{stack}/{target}", "child.yaml")
        for stack in ("Orders", "Billing")
        for target in ("Worker", "WorkerRole")
    }
