"""AWS SDK use in Python handlers: boto3 calls -> IAM actions and resource ARNs (IAM007).

``SdkAnalyser`` is the code enricher's analyser; ``analyse_sdk`` gives the full report the
``fnguard policy generate`` command prints; ``minimal_policy`` turns calls into a policy.
Scanned code is parsed with ``ast``, never imported or run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard._lazy import exports

if TYPE_CHECKING:
    from fnguard.code.sdk._analyser import SdkAnalyser, SdkReport, analyse_sdk
    from fnguard.code.sdk._environment import environment_of, where_of
    from fnguard.code.sdk._platform import PlatformNeed, platform_needs
    from fnguard.code.sdk._policy import minimal_policy, needed_actions
    from fnguard.code.sdk._program import LoadError
    from fnguard.code.sdk._table import action_table

#: ``CollectionGap.field`` of what makes SDK use unresolved (IAM007 explains with it)
SDK_GAP_FIELD = "sdk"

__all__ = [
    "SDK_GAP_FIELD",
    "LoadError",
    "PlatformNeed",
    "SdkAnalyser",
    "SdkReport",
    "action_table",
    "analyse_sdk",
    "environment_of",
    "minimal_policy",
    "needed_actions",
    "platform_needs",
    "where_of",
]

# The analyser (a walker and the SDK mapping tables) loads only when some code is analysed.
__getattr__ = exports(
    __name__,
    {
        "SdkAnalyser": "_analyser",
        "SdkReport": "_analyser",
        "analyse_sdk": "_analyser",
        "environment_of": "_environment",
        "where_of": "_environment",
        "PlatformNeed": "_platform",
        "platform_needs": "_platform",
        "minimal_policy": "_policy",
        "needed_actions": "_policy",
        "LoadError": "_program",
        "action_table": "_table",
    },
)
