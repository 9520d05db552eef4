"""Condition operators: does one context value match one policy value?

Each operator is a positive test plus a ``negated`` flag (``StringNotEquals`` is ``StringEquals``
negated); set qualifiers, ``IfExists`` and absent keys are handled in ``_conditions``.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from fnguard.iam._wildcard import matches

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["NEGATED", "OPERATORS", "network", "parse_date", "test_value", "validate_values"]

# Operator -> (family, comparison, negated).
OPERATORS: dict[str, tuple[str, str, bool]] = {
    "stringequals": ("string", "eq", False),
    "stringnotequals": ("string", "eq", True),
    "stringequalsignorecase": ("string", "eq_ci", False),
    "stringnotequalsignorecase": ("string", "eq_ci", True),
    "stringlike": ("string", "like", False),
    "stringnotlike": ("string", "like", True),
    "numericequals": ("numeric", "eq", False),
    "numericnotequals": ("numeric", "eq", True),
    "numericlessthan": ("numeric", "lt", False),
    "numericlessthanequals": ("numeric", "le", False),
    "numericgreaterthan": ("numeric", "gt", False),
    "numericgreaterthanequals": ("numeric", "ge", False),
    "dateequals": ("date", "eq", False),
    "datenotequals": ("date", "eq", True),
    "datelessthan": ("date", "lt", False),
    "datelessthanequals": ("date", "le", False),
    "dategreaterthan": ("date", "gt", False),
    "dategreaterthanequals": ("date", "ge", False),
    "bool": ("bool", "eq", False),
    "binaryequals": ("binary", "eq", False),
    "ipaddress": ("ip", "in", False),
    "notipaddress": ("ip", "in", True),
    "arnequals": ("arn", "like", False),
    "arnlike": ("arn", "like", False),
    "arnnotequals": ("arn", "like", True),
    "arnnotlike": ("arn", "like", True),
    "null": ("null", "eq", False),
}
NEGATED = frozenset(op for op, (_f, _c, negated) in OPERATORS.items() if negated)
_ORDER: dict[str, Callable[[int], bool]] = {
    "eq": lambda c: c == 0,
    "lt": lambda c: c < 0,
    "le": lambda c: c <= 0,
    "gt": lambda c: c > 0,
    "ge": lambda c: c >= 0,
}


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_date(text: str) -> datetime | None:
    """ISO 8601 (date, date-time, with ``Z`` or an offset; naive means UTC) or epoch seconds."""
    text = text.strip()
    epoch = _number(text)
    if epoch is not None and "-" not in text[1:]:
        try:
            return datetime.fromtimestamp(float(epoch), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _arn_like(pattern: str, value: str) -> bool:
    """Arn operators compare the six colon-separated parts one by one: a wildcard does not
    reach across a colon, except inside the last part (the resource)."""
    want = pattern.split(":", 5)
    have = value.split(":", 5)
    if len(want) != 6 or len(have) != 6:
        # Not ARNs (an inventory's unresolved reference, a resource address): equal only to
        # the very same text.
        return pattern == value
    return all(matches(w, h) for w, h in zip(want, have, strict=True))


def _ordered(order: int, comparison: str) -> bool:
    return _ORDER[comparison](order)


def test_value(operator: str, policy_value: str, context_value: str) -> bool:
    """The positive test of ``operator`` (negation is the caller's job). ``policy_value`` is
    already variable-substituted; for ``like`` tests it keeps ``${*}``-style escapes."""
    family, comparison, _negated = OPERATORS[operator]
    if family == "string":
        if comparison == "eq":
            return policy_value == context_value
        if comparison == "eq_ci":
            return policy_value.casefold() == context_value.casefold()
        return matches(policy_value, context_value)
    if family == "arn":
        return _arn_like(policy_value, context_value)
    if family == "bool":
        return policy_value.lower() == context_value.lower()
    if family == "binary":
        want, have = _binary(policy_value), _binary(context_value)
        return want is not None and want == have
    if family == "ip":
        block = network(policy_value)
        try:
            address = ipaddress.ip_address(context_value.strip())
        except ValueError:
            return False
        return block is not None and address in block
    if family == "numeric":
        n_have, n_want = _number(context_value), _number(policy_value)
        if n_have is None or n_want is None:
            return False
        return _ordered((n_have > n_want) - (n_have < n_want), comparison)
    d_have, d_want = parse_date(context_value), parse_date(policy_value)
    if d_have is None or d_want is None:
        return False
    return _ordered((d_have > d_want) - (d_have < d_want), comparison)


def validate_values(operator: str, values: tuple[str, ...]) -> str | None:
    """Why these policy values cannot be used with ``operator``; ``None`` if they can."""
    spec = OPERATORS.get(operator)
    if spec is None:
        return f"unknown condition operator {operator!r}"
    family = spec[0]
    for value in values:
        if family == "numeric" and _number(value) is None:
            return f"{value!r} is not a number"
        if family == "date" and parse_date(value) is None:
            return f"{value!r} is not an ISO 8601 date or epoch time"
        if family in ("bool", "null") and value.lower() not in ("true", "false"):
            return f"{value!r} is not true or false"
        if family == "ip" and network(value) is None:
            return f"{value!r} is not an IP address or CIDR block"
        if family == "binary" and _binary(value) is None:
            return f"{value!r} is not base64"
    return None
