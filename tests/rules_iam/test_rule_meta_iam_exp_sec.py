"""Every RuleMeta of the IAM, EXP and SEC packs is well-formed and matches the catalog."""

from __future__ import annotations

import re

import pytest

from fnguard.rules import Rule, load_pack

PACKS = ("IAM", "EXP", "SEC")
# Catalog impacts from DESIGN.md (the contract).
CATALOG = {
    "IAM001": 10,
    "IAM002": 10,
    "IAM003": 8,
    "IAM004": 8,
    "IAM005": 6,
    "IAM006": 8,
    "IAM007": 7,
    "IAM008": 8,
    "IAM009": 6,
    "EXP001": 10,
    "EXP002": 9,
    "EXP003": 7,
    "EXP004": 5,
    "EXP005": 7,
    "EXP006": 7,
    "EXP007": 7,
    "SEC001": 9,
    "SEC002": 7,
    "SEC003": 9,
    "SEC004": 8,
    "SEC005": 7,
}
RULES = [(prefix, rule) for prefix in PACKS for rule in load_pack(prefix)]


# Rules that must be in the packs; the others of the catalog land as their engineers finish.
REQUIRED = ("IAM001", "IAM003", "IAM004", "IAM005", "IAM006", "IAM008", "IAM009", "EXP001")


def test_packs_hold_only_catalog_rules() -> None:
    ids = {rule.meta.id for _, rule in RULES}
    assert ids <= set(CATALOG)
    assert set(REQUIRED) <= ids


@pytest.mark.parametrize(("prefix", "rule"), RULES, ids=[r.meta.id for _, r in RULES])
def test_rule_meta_well_formed(prefix: str, rule: Rule) -> None:
    meta = rule.meta
    assert re.fullmatch(rf"{prefix}\d{{3}}", meta.id)
    assert meta.impact == CATALOG[meta.id] and 1 <= meta.impact <= 10
    assert meta.title and meta.description.endswith(".")
    assert meta.remediation.text
    assert meta.remediation.terraform or meta.remediation.cli
    mappings = meta.mappings
    assert mappings.iso27001 or mappings.cis or mappings.owasp_serverless
    assert all(re.fullmatch(r"A\.[5-8]\.\d{1,2}", c) for c in mappings.iso27001)
    assert all(re.fullmatch(r"SAS-(?:[1-9]|10)", c) for c in mappings.owasp_serverless)
    assert meta.providers and callable(rule.check)
