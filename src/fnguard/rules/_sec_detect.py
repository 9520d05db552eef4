"""Is an environment variable's literal value a secret? Precision first.

Two kinds of evidence, combined:
- the value's *shape*, judged by detect-secrets' regex plugins (AWS keys, private keys, JWTs,
  tokens of known services, passwords in URLs), used in-process through each plugin's
  ``analyze_string`` so no file is read and detect-secrets' global settings are never consulted;
- the variable's *name* (``DB_PASSWORD``, ``STRIPE_API_KEY``): a literal under a secret-ish name
  is a secret unless it is shaped like a reference, a placeholder, a flag or a resource name.

Values shaped like identifiers (ARNs, secret-store paths, dynamic references, URLs without
credentials, and under ordinary names hashes, UUIDs and any other high-entropy string) are
never reported: those false positives are what users of other scanners complain about most.
Plugins come through ``_sec_plugins``, which spares detect-secrets' import where it can.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from fnguard.rules._sec_plugins import detectors

__all__ = ["SecretHit", "find_secret", "secret_store_read"]


@dataclass(frozen=True)
class SecretHit:
    """What was found; the caller masks the whole value for evidence, never this match."""

    kind: str  # "AWS Access Key", "literal value of a secret-named variable", ...
    secret: str  # the matched text (may be a prefix such as "ghp"); never printed


# Last name tokens (or pairs) that say "this holds a credential".
_SECRET_WORDS = frozenset(
    {
        "PASSWORD",
        "PASSWD",
        "PWD",
        "PASS",
        "PASSPHRASE",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "CREDENTIAL",
        "CREDENTIALS",
        "PRIVATEKEY",
        "SECRETKEY",
        "ACCESSKEY",
    }
)
_KEY_QUALIFIERS = frozenset(
    {
        "API",
        "PRIVATE",
        "SECRET",
        "ACCESS",
        "SIGNING",
        "ENCRYPTION",
        "MASTER",
        "CLIENT",
        "AUTH",
        "HMAC",
        "SESSION",
        "WEBHOOK",
        "LICENSE",
        "APP",
        "JWT",
        "SERVICE",
    }
)
_NAME_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")

# Shapes that are references or identifiers whatever the name says.
_REFERENCE_PREFIXES = ("arn:", "{{resolve:", "${", "$(", "projects/", "ssm:", "secretsmanager:")
_PLACEHOLDER = re.compile(
    r"^(?:<[^>]*>|\{[^}]*\}|(.)\1*|none|null|nil|true|false|yes|no|on|off|"
    r"todo|tbd|redacted|placeholder|replace[_-]?me|dummy|test|example|undefined|default|"
    r"password|secret|pass)$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
# Resource-name shape: words of letters only or digits only ("prod/db/credentials",
# "orders-api-key", "v2"), unlike tokens, whose parts mix letters and digits.
_SLUG = re.compile(
    r"^(?:[a-z]+|[0-9]+)(?:[-_./:](?:[a-z]+|[0-9]+))+$|^(?:[A-Z]+|[0-9]+)(?:[-_./:](?:[A-Z]+|[0-9]+))+$"
)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)

# A secret store's value copied into the environment at deploy time (Terraform, CloudFormation).
_STORE_READS = (
    re.compile(
        r"aws_secretsmanager_secret_version\.[\w-]+(?:\[[^\]]*\])?\.secret_(?:string|binary)"
    ),
    re.compile(r"aws_ssm_parameter\.[\w-]+(?:\[[^\]]*\])?\.(?:value|insecure_value)"),
    re.compile(
        r"google_secret_manager_secret_version(?:_access)?\.[\w-]+(?:\[[^\]]*\])?\.secret_data"
    ),
    re.compile(r"\{\{resolve:(?:secretsmanager|ssm-secure):", re.IGNORECASE),
)

# Plugins whose patterns also match ordinary identifiers unless the value is random-looking.
_WEAK_PLUGINS = frozenset(
    {
        "ArtifactoryDetector",
        "MailchimpDetector",
        "TwilioKeyDetector",
        "IbmCloudIamDetector",
        "SoftlayerDetector",
        "CloudantDetector",
        "IbmCosHmacDetector",
    }
)


@functools.lru_cache(maxsize=4096)  # a handful of names, each on many variables
def name_is_secretish(name: str) -> bool:
    tokens = [t.upper() for t in _NAME_SPLIT.split(name) if t]
    if not tokens:
        return False
    last = tokens[-1]
    if last in _SECRET_WORDS:
        return True
    return last == "KEY" and len(tokens) >= 2 and tokens[-2] in _KEY_QUALIFIERS


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    total = len(text)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def _is_reference_shaped(value: str) -> bool:
    lowered = value.lower()
    if lowered.startswith(_REFERENCE_PREFIXES):
        return True
    # SSM parameter names and Secrets Manager paths: "/app/prod/db", no spaces.
    return value.startswith("/") and " " not in value


def _plugin_hit(value: str) -> SecretHit | None:
    line = f'"{value}"'
    for detector in detectors():
        for match in detector.analyze_string(line):
            secret = str(match)
            if _PLACEHOLDER.match(secret):
                continue  # "https://user:password@host" in a template
            if detector.name in _WEAK_PLUGINS and entropy(secret) < 3.5:
                continue
            return SecretHit(kind=detector.secret_type, secret=secret)
    return None


def _could_hold_token(value: str) -> bool:
    """Worth the plugins' time? Tokens are long and mix letters with digits in one part."""
    if "://" in value or "-----BEGIN" in value:
        return True
    return len(value) >= 16 and not _SLUG.match(value)


def find_secret(name: str, value: str) -> SecretHit | None:
    """The secret in ``value`` (a literal of variable ``name``), or ``None``."""
    value = value.strip()
    if not value or _is_reference_shaped(value):
        return None
    if _could_hold_token(value):
        hit = _plugin_hit(value)
        if hit is not None:
            return hit
    if not name_is_secretish(name) or _URL.match(value):
        return None
    if len(value) < 6 or _PLACEHOLDER.match(value) or _NUMBER.match(value):
        return None
    if _SLUG.match(value):
        return None  # a resource or secret *name*, not its value
    return SecretHit(kind="literal value of a secret-named variable", secret=value)


def secret_store_read(expression: str | None) -> str | None:
    """The part of ``expression`` that copies a secret store's value, if any."""
    if not expression:
        return None
    for pattern in _STORE_READS:
        match = pattern.search(expression)
        if match:
            return match.group(0)
    return None
