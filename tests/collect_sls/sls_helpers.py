"""Shared helpers for the Serverless Framework collector tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fnguard.collect.serverless import ServerlessCollector

if TYPE_CHECKING:
    from fnguard.model import Inventory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "serverless"


def collect_fixture(folder: str) -> Inventory:
    """One fixture service, collected as a scan of its folder would."""
    path = FIXTURES / folder / "serverless.yml"
    collector = ServerlessCollector()
    assert collector.claims(path)
    return collector.collect([path], path.parent)


def collect_source(tmp_path: Path, text: str, name: str = "serverless.yml") -> Inventory:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return ServerlessCollector().collect([path], tmp_path)
