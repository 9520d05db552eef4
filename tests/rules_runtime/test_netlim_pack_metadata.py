"""Every RuleMeta of the NET, LOG, LIM, PKG and RUN packs is well-formed and loads by prefix."""

from __future__ import annotations

import re

import pytest

from fnguard.rules import get_rule, load_pack

PACKS = ("NET", "LOG", "LIM", "PKG", "RUN")
EXPECTED = {
    "NET": {"NET001", "NET002", "NET003", "NET004"},
    "LOG": {"LOG001", "LOG002"},
    "LIM": {f"LIM00{i}" for i in range(1, 7)},
    "PKG": {"PKG003", "PKG008", "PKG009"},
    "RUN": {"RUN001"},
}
CATALOG_IMPACT = {
    "NET001": 7,
    "NET002": 6,
    "NET003": 6,
    "NET004": 5,
    "LOG001": 3,
    "LOG002": 4,
    "LIM001": 6,
    "LIM002": 5,
    "LIM003": 5,
    "LIM004": 5,
    "LIM005": 6,
    "LIM006": 4,
    "PKG003": 8,
    "PKG008": 5,
    "PKG009": 6,
    "RUN001": 7,
}
ISO = re.compile(r"^A\.[5-8]\.\d{1,2}$")
OWASP = re.compile(r"^SAS-(?:[1-9]|10)$")


@pytest.mark.parametrize("prefix", PACKS)
def test_pack_metadata_is_well_formed(prefix: str) -> None:
    rules = load_pack(prefix)
    assert {r.meta.id for r in rules} == EXPECTED[prefix]
    for rule in rules:
        meta = rule.meta
        assert re.fullmatch(rf"{prefix}\d{{3}}", meta.id)
        assert meta.impact == CATALOG_IMPACT[meta.id]
        assert meta.title and meta.description and meta.remediation.text
        assert meta.remediation.terraform or meta.remediation.cli
        assert meta.mappings.iso27001 or meta.mappings.owasp_serverless or meta.mappings.cis
        assert all(ISO.match(c) for c in meta.mappings.iso27001), meta.id
        assert all(OWASP.match(c) for c in meta.mappings.owasp_serverless), meta.id
        assert meta.providers and callable(rule.check)


def test_rules_resolve_by_id() -> None:
    assert get_rule("pkg009").meta.title.startswith("Runtime")
