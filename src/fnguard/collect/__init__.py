"""Collectors: one module per source format, behind the ``Collector`` interface."""

from __future__ import annotations

from fnguard.collect._interface import Collector, Enricher

__all__ = ["Collector", "Enricher", "default_collectors"]


def default_collectors() -> tuple[Collector, ...]:
    """The collectors a source-tree scan offers each file to, in order; imported on use.

    A file goes to the first collector that claims it, so more specific formats come first.
    """
    from fnguard.collect.cloudformation import CloudFormationCollector
    from fnguard.collect.serverless import ServerlessCollector
    from fnguard.collect.terraform import TerraformCollector

    # Terraform first: its plan-JSON check must see .json files before the template peek.
    return (TerraformCollector(), ServerlessCollector(), CloudFormationCollector())
