"""The rule catalog: an explicit registry of rule packs, imported only when asked for.

Each pack module exposes ``RULES: tuple[Rule, ...]``. ``fnguard --version`` and the CLI's
start-up import none of them; a scan imports the packs it runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from fnguard.errors import RuleError
from fnguard.rules._base import Check, Mappings, Rule, RuleContext, RuleMeta

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "PACKS",
    "Check",
    "Mappings",
    "Rule",
    "RuleContext",
    "RuleMeta",
    "all_rules",
    "get_rule",
    "load_pack",
]

# Rule-ID prefix -> module. The list is the registry; adding a pack means adding a line here.
PACKS: dict[str, str] = {
    "IAM": "fnguard.rules.iam",
    "EXP": "fnguard.rules.exposure",
    "SEC": "fnguard.rules.secrets",
    "NET": "fnguard.rules.network",
    "LOG": "fnguard.rules.logging",
    "LIM": "fnguard.rules.limits",
    "PKG": "fnguard.rules.package",
    "RUN": "fnguard.rules.runtime",
}


def load_pack(prefix: str) -> tuple[Rule, ...]:
    module_name = PACKS.get(prefix)
    if module_name is None:
        raise RuleError(f"no rule pack for prefix {prefix!r}")
    module = importlib.import_module(module_name)
    rules = getattr(module, "RULES", None)
    if not isinstance(rules, tuple) or not all(isinstance(r, Rule) for r in rules):
        raise RuleError(f"{module_name}.RULES must be a tuple of Rule")
    for rule in rules:
        if not rule.meta.id.startswith(prefix):
            raise RuleError(f"{module_name}: rule {rule.meta.id} does not belong to {prefix}")
    return rules


def all_rules(prefixes: Iterable[str] | None = None) -> tuple[Rule, ...]:
    chosen = list(PACKS) if prefixes is None else list(prefixes)
    rules: list[Rule] = []
    for prefix in chosen:
        rules.extend(load_pack(prefix))
    return tuple(sorted(rules, key=lambda r: r.meta.id))


def get_rule(rule_id: str) -> Rule:
    rule_id = rule_id.strip().upper()
    prefix = rule_id[:3]
    if prefix not in PACKS:
        raise RuleError(f"unknown rule {rule_id!r}")
    for rule in load_pack(prefix):
        if rule.meta.id == rule_id:
            return rule
    raise RuleError(f"unknown rule {rule_id!r}")
