"""CloudFormation and SAM: templates in YAML or JSON (short-form tags, parameters, conditions,
SAM Globals, events and policy templates) turned into the inventory."""

from __future__ import annotations

from fnguard.collect.cloudformation._collector import CloudFormationCollector, collect_text

__all__ = ["CloudFormationCollector", "collect_text"]
