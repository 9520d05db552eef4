"""The rule catalog: an explicit registry of rule packs, imported only when asked for.

A pack is one or more modules, each exposing ``RULES: tuple[Rule, ...]`` (an attribute named
after ``:`` picks another tuple of the module, e.g. ``package:ARTIFACT_RULES``).
``fnguard --version`` and the CLI's start-up import none of them; a scan imports the packs
it runs.
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

# Rule-ID prefix -> modules. The table is the registry: adding a rule module means a line here.
PACKS: dict[str, tuple[str, ...]] = {
    "IAM": (
        "fnguard.rules.iam",
        "fnguard.rules._iam_unused",
    ),
    "EXP": ("fnguard.rules.exposure",),
    "SEC": (
        "fnguard.rules.secrets",
        "fnguard.rules._sec_files",
        "fnguard.rules._sec_code",
    ),
    "NET": ("fnguard.rules.network",),
    "LOG": ("fnguard.rules.logging",),
    "LIM": ("fnguard.rules.limits",),
    "PKG": (
        "fnguard.rules.package",
        "fnguard.rules.package:ARTIFACT_RULES",
        "fnguard.rules._pkg_vulns",
    ),
    "RUN": (
        "fnguard.rules.runtime",
        "fnguard.rules._run_code",
    ),
    "INJ": ("fnguard.rules.injection",),
}


def _module_rules(spec: str) -> tuple[Rule, ...]:
    module_name, _, attribute = spec.partition(":")
    module = importlib.import_module(module_name)
    rules = getattr(module, attribute or "RULES", None)
    if not isinstance(rules, tuple) or not all(isinstance(r, Rule) for r in rules):
        raise RuleError(f"{spec} must name a tuple of Rule")
    return rules


def load_pack(prefix: str) -> tuple[Rule, ...]:
    specs = PACKS.get(prefix)
    if specs is None:
        raise RuleError(f"no rule pack for prefix {prefix!r}")
    rules: list[Rule] = []
    seen: set[str] = set()
    for spec in specs:
        for rule in _module_rules(spec):
            if not rule.meta.id.startswith(prefix):
                raise RuleError(f"{spec}: rule {rule.meta.id} does not belong to {prefix}")
            if rule.meta.id in seen:
                raise RuleError(f"{spec}: rule {rule.meta.id} is registered twice")
            seen.add(rule.meta.id)
            rules.append(rule)
    return tuple(rules)


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
