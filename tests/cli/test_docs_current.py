"""docs/rules.md is generated from the rule metadata; it must not drift from it."""

import io
from pathlib import Path

from fnguard.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_rules_doc_is_generated_from_the_catalog() -> None:
    out = io.StringIO()
    assert main(["rules", "--format", "markdown"], stdout=out) == 0
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == out.getvalue(), "run: fnguard rules --format markdown > docs/rules.md"
