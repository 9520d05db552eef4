"""AWS SDK use in Python handlers: boto3 calls -> IAM actions and resource ARNs (IAM007).

``SdkAnalyser`` is the code enricher's analyser; ``analyse_sdk`` gives the full report the
``fnguard policy generate`` command prints; ``minimal_policy`` turns calls into a policy.
Scanned code is parsed with ``ast``, never imported or run.
"""

from __future__ import annotations

from fnguard.code.sdk._analyser import SDK_GAP_FIELD, SdkAnalyser, SdkReport, analyse_sdk
from fnguard.code.sdk._environment import environment_of, where_of
from fnguard.code.sdk._platform import PlatformNeed, platform_needs
from fnguard.code.sdk._policy import minimal_policy, needed_actions
from fnguard.code.sdk._program import LoadError
from fnguard.code.sdk._table import action_table

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
