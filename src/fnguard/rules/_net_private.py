"""Signs that a function talks to resources reachable only inside a VPC (NET001).

A sign is read from an environment variable: a literal value naming a VPC-only endpoint
(RDS, Aurora, ElastiCache, Redshift, DocumentDB, Neptune, MemoryDB, MSK, OpenSearch VPC
domains), an RFC 1918 address or an ``.internal`` host; or a source expression referring to such
a resource (Terraform ``aws_db_instance.main.address``, CloudFormation ``DB.Endpoint.Address``).
Only the matched host or reference is reported, never the whole value (it may carry a password).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnguard.model import EnvVar

__all__ = ["PrivateSign", "private_signs"]

_RFC1918 = (
    ipaddress.IPv4Network("10.0.0.0/8"),
    ipaddress.IPv4Network("172.16.0.0/12"),
    ipaddress.IPv4Network("192.168.0.0/16"),
)
_IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
_HOST = re.compile(
    r"(?<![\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9])(?![\w-])",
    re.IGNORECASE,
)
# Endpoints that only resolve to addresses inside a VPC.
_VPC_ONLY_HOST = re.compile(
    # <id>.<region>.rds.amazonaws.com and friends: the service label follows the region.
    r"\.(?:rds|cache|redshift|redshift-serverless|docdb|neptune)\.amazonaws\.com(?:\.cn)?$"
    # clustercfg.<name>.memorydb.<region>.amazonaws.com: the service label precedes it.
    r"|\.(?:memorydb|dax-clusters)\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$"
    r"|^vpc-[a-z0-9-]+\.[a-z0-9-]+\.(?:es|aoss)\.amazonaws\.com$"
    # MSK private brokers (public ones are b-1-public.<...>).
    r"|^b-\d+\.[a-z0-9.-]+\.kafka\.[a-z0-9-]+\.amazonaws\.com$",
    re.IGNORECASE,
)
_TF_PRIVATE_REF = re.compile(
    r"\b(?:data\.)?(aws_(?:db_instance|db_proxy(?:_endpoint)?|rds_cluster(?:_instance|_endpoint)?"
    r"|elasticache_[a-z_]+|redshift_cluster|redshiftserverless_workgroup|docdb_cluster\w*"
    r"|neptune_cluster\w*|memorydb_cluster|msk_cluster|dax_cluster))\.",
)
_CFN_PRIVATE_ATTR = re.compile(
    r"\b[\w-]+\.(?:Redis|Configuration|Primary|Read|Reader|Cluster)?End[pP]oint\.Address\b"
)


@dataclass(frozen=True)
class PrivateSign:
    """An environment variable pointing at a VPC-only resource (NET001's evidence); it keeps only
    the matched host or reference, as the value may carry a password."""

    variable: str
    what: str  # "RDS endpoint host", "RFC 1918 address", ...
    shown: str  # the host / address / reference, never the full value


def _from_value(value: str) -> tuple[str, str] | None:
    if "." not in value:  # an address and a host both hold a dot: most values have none
        return None
    for match in _IPV4.finditer(value):
        try:
            address = ipaddress.IPv4Address(match.group(1))
        except ValueError:
            continue
        if any(address in net for net in _RFC1918):
            return ("private (RFC 1918) address", str(address))
    for match in _HOST.finditer(value):
        host = match.group(1).lower()
        if _VPC_ONLY_HOST.search(host):
            return ("VPC-only endpoint", host)
        if host.endswith(".internal"):
            return (".internal host", host)
    return None


def _from_expression(expr: str) -> tuple[str, str] | None:
    # Each pattern holds a literal that most expressions lack: a substring test rules it out.
    found = _TF_PRIVATE_REF.search(expr) if "aws_" in expr else None
    if found:
        return ("reference to a VPC-only resource", found.group(0).rstrip("."))
    found = _CFN_PRIVATE_ATTR.search(expr) if "oint.Address" in expr else None
    if found:
        return ("reference to a database / cache endpoint", found.group(0))
    return None


def private_signs(environment: tuple[EnvVar, ...]) -> tuple[PrivateSign, ...]:
    signs: list[PrivateSign] = []
    for var in environment:
        hit = _from_expression(var.source_expr) if var.source_expr else None
        if hit is None and var.value:
            hit = _from_value(var.value)
        if hit is not None:
            signs.append(PrivateSign(var.name, hit[0], hit[1]))
    return tuple(signs)
