"""This session's rule shortcuts answer exactly as the general computations they replace.

The gap index's one-gap answers are compared with ``Inventory.gaps_for`` over generated gaps
(one or several per resource, with and without a field); the private-resource signs' substring
tests with the regular expressions alone, over generated values and expressions that hold the
near misses (dots, digits, ``aws_`` references, endpoint attributes); a pattern's match of its
own text with the escapes that forbid it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.iam._wildcard import matches
from fnguard.model import CollectionGap, Inventory, Location
from fnguard.rules import _net_private
from fnguard.rules._gaps import GapIndex

_RESOURCES = ("fn-a", "fn-b", "fn-c", "")
_FIELDS = ("", "role", "vpc", "environment", "code-source")

_gap = st.builds(
    CollectionGap,
    location=st.just(Location("t.yml", 1)),
    reason=st.sampled_from(("unresolved", "not found", "too big")),
    resource=st.sampled_from(_RESOURCES),
    field=st.sampled_from(_FIELDS),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_gap, max_size=12))
def test_gap_index_answers_as_gaps_for(gaps: list[CollectionGap]) -> None:
    inv = Inventory(gaps=tuple(gaps))
    index = GapIndex(inv)
    for address in (*_RESOURCES, "fn-unknown"):
        for field in _FIELDS:
            assert index.get(address, field) == inv.gaps_for(address, field)
        assert index.get(address) == inv.gaps_for(address)


def test_gap_index_keeps_a_single_gap_per_field() -> None:
    role = CollectionGap(Location("t.yml", 3), "role unresolved", "fn-a", "role")
    plain = CollectionGap(Location("t.yml", 4), "unreadable", "fn-b")
    index = GapIndex(Inventory(gaps=(role, plain)))
    assert index.get("fn-a", "role") == (role,)
    assert index.get("fn-a", "vpc") == ()
    assert index.get("fn-a") == (role,)
    assert index.get("fn-b", "vpc") == (plain,)


# The regular expressions' own answers, as before the substring tests.
def _value_by_regex(value: str) -> tuple[str, str] | None:
    for match in _net_private._IPV4.finditer(value):
        try:
            address = _net_private.ipaddress.IPv4Address(match.group(1))
        except ValueError:
            continue
        if any(address in net for net in _net_private._RFC1918):
            return ("private (RFC 1918) address", str(address))
    for match in _net_private._HOST.finditer(value):
        host = match.group(1).lower()
        if _net_private._VPC_ONLY_HOST.search(host):
            return ("VPC-only endpoint", host)
        if host.endswith(".internal"):
            return (".internal host", host)
    return None


def _expression_by_regex(expr: str) -> tuple[str, str] | None:
    found = _net_private._TF_PRIVATE_REF.search(expr)
    if found:
        return ("reference to a VPC-only resource", found.group(0).rstrip("."))
    found = _net_private._CFN_PRIVATE_ATTR.search(expr)
    if found:
        return ("reference to a database / cache endpoint", found.group(0))
    return None


_PIECES = (
    "10",
    "192",
    "168",
    "1",
    ".",
    "db",
    "abc",
    "rds",
    "amazonaws",
    "com",
    "internal",
    "aws_db_instance",
    "aws_",
    "main",
    "address",
    "Endpoint",
    "EndPoint",
    "Address",
    "oint",
    "Redis",
    "-",
    ":",
    "/",
    " ",
    "\u0661",  # an Arabic-Indic digit: ``\d`` matches it
)
_texts = st.lists(st.sampled_from(_PIECES), max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_private_value_signs_as_the_regexes(value: str) -> None:
    assert _net_private._from_value(value) == _value_by_regex(value)


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_private_expression_signs_as_the_regexes(expr: str) -> None:
    assert _net_private._from_expression(expr) == _expression_by_regex(expr)


def test_private_signs_still_found() -> None:
    assert _net_private._from_value("host=10.1.2.3") == ("private (RFC 1918) address", "10.1.2.3")
    assert _net_private._from_value("db.abc.us-east-1.rds.amazonaws.com") is not None
    assert _net_private._from_expression("aws_db_instance.main.address") is not None
    assert _net_private._from_expression("Db.Endpoint.Address") is not None
    assert _net_private._from_value("prod") is None


def test_a_pattern_matches_its_own_text_unless_it_holds_an_escape() -> None:
    assert matches("arn:aws:logs:${aws:region}:*", "arn:aws:logs:${aws:region}:*")
    for escape, meant in (("${*}", "*"), ("${?}", "?"), ("${$}", "$")):
        pattern = f"arn:aws:s3:::b/{escape}"
        assert not matches(pattern, pattern)
        assert matches(pattern, f"arn:aws:s3:::b/{meant}")
