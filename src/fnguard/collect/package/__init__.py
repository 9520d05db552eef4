"""The package collector: deployment zips, folders, container images and layers.

``PackageEnricher`` runs after the IaC collectors, finds each function's (and layer's)
artifact from what they recorded, and reads it once, streaming, into a ``Package``.
``artifact_inventory`` describes a package given on the command line as a function of its own.
"""

from __future__ import annotations

from fnguard.collect.package._bare import artifact_inventory
from fnguard.collect.package._content import ContentFacts, ContentInspector, default_inspector
from fnguard.collect.package._enricher import PackageEnricher, read_package
from fnguard.collect.package._locate import Target, locate

__all__ = [
    "ContentFacts",
    "ContentInspector",
    "PackageEnricher",
    "Target",
    "artifact_inventory",
    "default_inspector",
    "locate",
    "read_package",
]
