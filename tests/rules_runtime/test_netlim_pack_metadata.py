"""Every RuleMeta of the NET, LOG, LIM, PKG, RUN and INJ packs is well-formed and loads."""

from __future__ import annotations

import re

import pytest

from fnguard.rules import get_rule, load_pack

PACKS = ("NET", "LOG", "LIM", "PKG", "RUN", "INJ")
EXPECTED = {
    "NET": {"NET001", "NET002", "NET003", "NET004"},
    "LOG": {"LOG001", "LOG002", "LOG003"},
    "LIM": {f"LIM00{i}" for i in range(1, 7)},
    "PKG": {f"PKG00{i}" for i in range(1, 10)},
    "RUN": {"RUN001", "RUN002", "RUN003"},
    "INJ": {f"INJ00{i}" for i in range(1, 7)},
}
CATALOG_IMPACT = {
    "NET001": 7,
    "NET002": 6,
    "NET003": 6,
    "NET004": 5,
    "LOG001": 3,
    "LOG002": 4,
    "LOG003": 5,
    "LIM001": 6,
    "LIM002": 5,
    "LIM003": 5,
    "LIM004": 5,
    "LIM005": 6,
    "LIM006": 4,
    "PKG001": 8,
    "PKG002": 7,
    "PKG003": 8,
    "PKG004": 8,
    "PKG005": 5,
    "PKG006": 4,
    "PKG007": 7,  # "from the advisory": the rule's default, each finding takes the advisory's
    "PKG008": 5,
    "PKG009": 6,
    "RUN001": 7,
    "RUN002": 4,
    "RUN003": 4,
    "INJ001": 9,
    "INJ002": 9,
    "INJ003": 8,
    "INJ004": 7,
    "INJ005": 8,
    "INJ006": 3,
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
