"""Live AWS accounts -> the same inventory the IaC collectors build (botocore, imported lazily).

Addresses are ARNs; locations are ``aws://<account>/<region>/<service>/<name>`` (line 0).
A refused or failed API call is a ``CollectionGap`` on what it hid, never an aborted scan.
"""

from __future__ import annotations

from fnguard.collect.aws._collect import AwsOptions, collect_aws, link_gaps, plan_units, summary
from fnguard.collect.aws._names import Shard
from fnguard.collect.aws._session import Access
from fnguard.collect.aws._settings import CodeSettings, LiveSettings
from fnguard.collect.aws._units import GLOBAL, Unit, run_unit

__all__ = [
    "GLOBAL",
    "Access",
    "AwsOptions",
    "CodeSettings",
    "LiveSettings",
    "Shard",
    "Unit",
    "collect_aws",
    "link_gaps",
    "plan_units",
    "run_unit",
    "summary",
]
