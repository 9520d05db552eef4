"""Collectors: one module per source format, behind the ``Collector`` interface."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from fnguard.collect._interface import Collector, Enricher

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from fnguard.model import Inventory

__all__ = ["Collector", "Enricher", "default_collectors"]


class _Deferred(Collector):
    """A collector whose module loads on the first file it could claim by name alone: a scan
    of Terraform never loads the YAML decoders, a scan of templates never the HCL parser's
    neighbours it does not need."""

    def __init__(self, name: str, spec: str, could_claim: Callable[[str], bool]) -> None:
        self.name = name
        self._spec = spec
        self._could_claim = could_claim
        self._real: Collector | None = None

    def _collector(self) -> Collector:
        if self._real is None:
            module, _, cls = self._spec.partition(":")
            self._real = getattr(importlib.import_module(module), cls)()
        return self._real

    def claims(self, path: Path) -> bool:
        return self._could_claim(path.name.lower()) and self._collector().claims(path)

    def collect(self, paths: Sequence[Path], root: Path) -> Inventory:
        return self._collector().collect(paths, root)


def default_collectors() -> tuple[Collector, ...]:
    """The collectors a source-tree scan offers each file to, in order; imported on use.

    A file goes to the first collector that claims it, so more specific formats come first.
    """
    from fnguard.collect import cloudformation, serverless, terraform

    # Terraform first: its plan-JSON check must see .json files before the template peek.
    return (
        _Deferred(
            terraform.NAME,
            "fnguard.collect.terraform._collector:TerraformCollector",
            lambda name: name.endswith(terraform.CLAIMED_SUFFIXES),
        ),
        _Deferred(
            serverless.NAME,
            "fnguard.collect.serverless._collector:ServerlessCollector",
            serverless.CLAIMED_NAMES.__contains__,
        ),
        _Deferred(
            cloudformation.NAME,
            "fnguard.collect.cloudformation._collector:CloudFormationCollector",
            lambda name: name.endswith(cloudformation.CLAIMED_SUFFIXES),
        ),
    )
