"""Show a secret without repeating it: a short prefix and a fingerprint.

Every place that puts a secret-bearing value into a finding goes through ``mask`` so that no
output format (text, JSON, SARIF, JUnit, HTML, the store) ever contains the secret in full.
The fingerprint lets a user match the finding to the value they hold without seeing it.
"""

from __future__ import annotations

import hashlib

__all__ = ["fingerprint", "mask"]

_PREFIX = 4


def fingerprint(secret: str) -> str:
    return "sha256:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def mask(secret: str) -> str:
    """``AKIA…(20 chars, sha256:1a2b3c4d5e6f)``; short secrets show no prefix at all."""
    shown = secret[:_PREFIX] if len(secret) >= 12 else ""
    return f"{shown}…({len(secret)} chars, {fingerprint(secret)})"
