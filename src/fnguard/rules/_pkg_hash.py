"""Compare a recorded code hash with the artifact's SHA-256, whichever form it was written in.

Terraform's ``source_code_hash`` and Lambda's ``CodeSha256`` are base64 of the SHA-256 digest
(``filebase64sha256``); some pipelines record the hex form (``filesha256``, ``sha256sum``).
Both are accepted; anything else cannot be a SHA-256 and is reported as such.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

__all__ = ["HashCheck", "compare"]

_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class HashCheck:
    """The outcome of comparing a recorded hash with the artifact's; the form it was read in goes
    into PKG003's message."""

    matches: bool
    form: str  # "hex", "base64", or "not a SHA-256"


def _decode(recorded: str) -> tuple[bytes | None, str]:
    text = recorded.strip()
    if _HEX.match(text):
        return bytes.fromhex(text), "hex"
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None, "not a SHA-256"
    return (raw, "base64") if len(raw) == 32 else (None, "not a SHA-256")


def compare(recorded: str, sha256_hex: str) -> HashCheck:
    digest, form = _decode(recorded)
    return HashCheck(digest is not None and digest == bytes.fromhex(sha256_hex), form)
