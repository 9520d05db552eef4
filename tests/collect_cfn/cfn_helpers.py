"""Shared helpers for the CloudFormation collector tests."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from fnguard.cli import main
from fnguard.collect.cloudformation import CloudFormationCollector

if TYPE_CHECKING:
    from typing import Any

    from fnguard.model import Inventory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cloudformation"

# A role's YAML body (under its logical ID) that Lambda may assume.
LAMBDA_ROLE = """\
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
"""


def collect_fixture(name: str) -> Inventory:
    """One fixture template, collected as a scan of its folder would."""
    path = FIXTURES / name
    collector = CloudFormationCollector()
    assert collector.claims(path)
    return collector.collect([path], FIXTURES)


def collect_source(tmp_path: Path, text: str, name: str = "template.yaml") -> Inventory:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return CloudFormationCollector().collect([path], tmp_path)


def scan_copies(source: Path, names: tuple[str, ...], into: Path) -> tuple[int, dict[str, Any]]:
    """``fnguard scan`` (JSON) of a folder holding copies of ``names``: exit code and result."""
    for name in names:
        shutil.copy(source / name, into / name)
    out = io.StringIO()
    code = main(["scan", str(into), "--osv", "off", "--format", "json", "--no-progress"], out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return code, result
