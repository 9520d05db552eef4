"""Addresses and locations of live Google Cloud resources.

Addresses are the resource names Google itself uses (``projects/P/locations/L/functions/F``,
a service account's e-mail), stable across scans. A location is the pseudo-file
``gcp://<project>/<location>/<service>/<name>`` with line 0, like ``aws://`` for AWS.
"""

from __future__ import annotations

import re

from fnguard.model import Location

__all__ = [
    "GLOBAL",
    "is_default_account",
    "location",
    "project_label",
    "short_name",
    "split_name",
]

GLOBAL = "global"
_DEFAULT_ACCOUNT = re.compile(
    r"^(?:\d+-compute@developer\.gserviceaccount\.com|[^@]+@appspot\.gserviceaccount\.com)$"
)
_NAME = re.compile(r"^projects/([^/]+)/locations/([^/]+)/[^/]+/([^/]+)$")


def project_label(project: str) -> str:
    """What ``Inventory.sources`` records for a scanned project."""
    return f"gcp://{project}"


def location(project: str, region: str, service: str, name: str = "") -> Location:
    suffix = f"/{name}" if name else ""
    return Location(f"{project_label(project)}/{region}/{service}{suffix}", 0)


def split_name(name: str) -> tuple[str, str, str]:
    """``projects/P/locations/L/<kind>/N`` -> (P, L, N); unknown parts are ``"-"``."""
    match = _NAME.match(name)
    if match is None:
        return "-", "-", short_name(name)
    return match.group(1), match.group(2), match.group(3)


def short_name(name: str) -> str:
    return name.rstrip("/").rsplit("/", 1)[-1]


def is_default_account(email: str) -> bool:
    """The Compute Engine (``NUMBER-compute@``) or App Engine (``ID@appspot``) default account."""
    return _DEFAULT_ACCOUNT.match(email) is not None
