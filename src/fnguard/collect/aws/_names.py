"""Addresses and locations of live resources.

Addresses are ARNs (the identity AWS itself uses, stable across scans). A location is a
pseudo-file ``aws://<account>/<region>/<service>/<name>`` with line 0: reports group by it and
SARIF shows it, and nobody mistakes it for a path on disk. Global services use the region
``global``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fnguard.model import Location

__all__ = ["Shard", "function_arn", "location"]


@dataclass(frozen=True)
class Shard:
    """One unit of collection: an account in a region (``global`` for IAM and S3)."""

    account: str
    region: str
    partition: str = "aws"

    @property
    def label(self) -> str:
        return f"aws://{self.account}/{self.region}"

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account}:{resource}"


def location(shard: Shard, service: str, name: str = "") -> Location:
    suffix = f"/{name}" if name else ""
    return Location(f"{shard.label}/{service}{suffix}", 0)


def function_arn(arn: str) -> str:
    """A function ARN without its version or alias qualifier (how functions are addressed)."""
    parts = arn.split(":")
    if len(parts) > 7 and parts[2] == "lambda" and parts[5] == "function":
        return ":".join(parts[:7])
    return arn
