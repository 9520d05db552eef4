"""Shared helpers for the Terraform collector tests: collect a fixture folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fnguard.collect.terraform import TerraformCollector

if TYPE_CHECKING:
    from fnguard.model import Inventory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "terraform"


def collect_fixture(name: str) -> Inventory:
    root = FIXTURES / name
    collector = TerraformCollector()
    paths = sorted(p for p in root.rglob("*") if p.is_file() and collector.claims(p))
    return collector.collect(paths, root)


def collect_dir(root: Path) -> Inventory:
    collector = TerraformCollector()
    paths = sorted(p for p in root.rglob("*") if p.is_file() and collector.claims(p))
    return collector.collect(paths, root)
