"""Shared helpers for the CloudFormation collector tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fnguard.collect.cloudformation import CloudFormationCollector

if TYPE_CHECKING:
    from fnguard.model import Inventory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cloudformation"


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
