"""Judge a Condition block against a caller who is not meant to get in.

The caller is adversarial: keys the caller sets itself (user agent, referer, its own tags,
the time of the request) are assumed to take whatever value suits it; keys AWS sets from the
caller's real identity or network path (source ARN and account, organisation, VPC, IP) are
assumed not to match anything specific. Keys fnguard knows neither way give ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnguard.iam._compiled import as_list

__all__ = ["condition_holds"]

# Context keys AWS derives from who the caller really is or where the call comes from.
_RESTRICTING = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalservicename",
        "aws:principalservicenameslist",
        "aws:userid",
        "aws:username",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourcevpcarn",
        "aws:sourceip",
        "aws:vpcsourceip",
        "aws:calledvia",
        "aws:calledviafirst",
        "aws:calledvialast",
        "lambda:eventsourcetoken",
        "sts:externalid",
    }
)
# Keys present on every request, whether or not a service stands in between.
_ALWAYS_PRESENT = frozenset({"aws:sourceip", "aws:principalaccount", "aws:principalarn"})
# Keys the caller controls (or that say nothing about who it is).
_CALLER_CONTROLLED_PREFIXES = ("aws:principaltag/", "aws:requesttag/", "aws:resourcetag/")
_CALLER_CONTROLLED = frozenset(
    {
        "aws:useragent",
        "aws:referer",
        "aws:securetransport",
        "aws:currenttime",
        "aws:epochtime",
        "aws:requestedregion",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "aws:tokenissuetime",
        "aws:tagkeys",
        "aws:viaawsservice",
        "aws:principaltype",
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:resourceorgpaths",
    }
)
_NEGATED = frozenset(
    {
        "stringnotequals",
        "stringnotequalsignorecase",
        "stringnotlike",
        "arnnotequals",
        "arnnotlike",
        "notipaddress",
        "numericnotequals",
        "datenotequals",
    }
)
_PATTERN_OPS = frozenset({"stringlike", "arnlike", "arnequals"})
_ANY_NETWORK = frozenset({"0.0.0.0/0", "::/0"})


def _is_wildcard_only(value: str) -> bool:
    return bool(value) and not value.strip("*?")


def _one(operator: str, key: str, values: tuple[str, ...], *, want: bool) -> bool | None:
    """Does one key's test hold for the adversarial caller? ``want`` is what it hopes for."""
    op = operator.lower()
    set_prefix, _, op = op.rpartition(":")
    if_exists = op.endswith("ifexists")
    op = op.removesuffix("ifexists")
    key = key.lower()
    lowered = tuple(v.lower() for v in values)

    if key in _CALLER_CONTROLLED or key.startswith(_CALLER_CONTROLLED_PREFIXES):
        return want
    if key == "aws:principalisawsservice" and op == "bool":
        return "false" in lowered
    if key == "lambda:functionurlauthtype":
        none_listed = "none" in lowered or any(_is_wildcard_only(v) for v in values)
        return not none_listed if op in _NEGATED else none_listed
    if key not in _RESTRICTING:
        return None
    may_be_absent = key not in _ALWAYS_PRESENT
    if op == "null":
        # "true": the key must be absent, which a direct caller manages; "false": it must be set.
        return "true" in lowered if may_be_absent else "false" in lowered
    if op in _NEGATED:
        return True  # the caller's real value is not the one named
    if (if_exists and may_be_absent) or set_prefix == "forallvalues":
        return True  # an absent key satisfies these
    if op in _PATTERN_OPS and any(_is_wildcard_only(v) for v in values):
        return True
    return op == "ipaddress" and any(v in _ANY_NETWORK for v in values)


def condition_holds(condition: Any, *, want: bool) -> bool | None:
    """All tests of a Condition block (they are ANDed) for the adversarial caller.

    ``want=True`` judges an Allow (the caller tries to satisfy it), ``want=False`` a Deny (the
    caller tries to escape it). ``None``: some key is one fnguard cannot judge offline.
    """
    if not isinstance(condition, Mapping) or not condition:
        return True
    undecided = False
    for operator, tests in condition.items():
        if not isinstance(tests, Mapping):
            return None
        for key, raw in tests.items():
            verdict = _one(str(operator), str(key), as_list(raw), want=want)
            if verdict is False:
                return False
            if verdict is None:
                undecided = True
    return None if undecided else True
