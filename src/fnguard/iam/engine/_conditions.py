"""A statement's Condition block against the request context.

The documented rules: keys are ANDed, a key's values are ORed; a negated operator (``...Not...``,
``NotIpAddress``) holds when the context value matches none of the policy values, and holds when
the key is absent; ``...IfExists`` holds when the key is absent; ``Null`` tests presence;
``ForAllValues`` holds when every context value matches (so on an absent or empty set),
``ForAnyValue`` when at least one does (never on an empty set).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fnguard.iam.engine._knowledge import Knowledge
from fnguard.iam.engine._operators import NEGATED, OPERATORS, network, test_value
from fnguard.iam.engine._variables import substitute

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from fnguard.iam.engine._knowledge import Assumptions
    from fnguard.iam.engine._model import ConditionTest

__all__ = [
    "conditions_hold",
    "conditions_partial",
    "matches_outsider",
    "test_holds",
    "test_partial",
]

_VARIABLE_FAMILIES = frozenset({"string", "arn"})


def _policy_values(
    test: ConditionTest, variables: Mapping[str, tuple[str, ...]] | None
) -> tuple[str, ...] | None:
    """The test's values with variables substituted (String and Arn operators only); ``None``
    when a variable has no value: the test then does not hold."""
    family, comparison, _negated = OPERATORS[test.operator]
    if variables is None or family not in _VARIABLE_FAMILIES:
        return test.values
    as_pattern = comparison == "like"
    out: list[str] = []
    for value in test.values:
        substituted = substitute(value, variables, pattern=as_pattern)
        if substituted is None:
            return None
        out.append(substituted)
    return tuple(out)


def test_holds(
    test: ConditionTest,
    context: Mapping[str, tuple[str, ...]],
    variables: Mapping[str, tuple[str, ...]] | None = None,
) -> bool:
    """Does one operator/key test hold for this context (keys already lower-cased)?
    ``variables``: the values policy variables take (``None``: no substitution)."""
    present = context.get(test.key.lower())
    if test.operator == "null":
        return any((v.lower() == "true") == (not present) for v in test.values)
    values = _policy_values(test, variables)
    if values is None:
        return False
    negated = test.operator in NEGATED

    def matched(context_value: str) -> bool:
        hit = any(test_value(test.operator, want, context_value) for want in values)
        return hit != negated

    if test.qualifier == "forallvalues":
        return all(matched(v) for v in present or ())
    if not present:
        return test.if_exists or (negated and test.qualifier != "foranyvalue")
    if test.qualifier == "foranyvalue" or not negated:
        return any(matched(v) for v in present)
    return all(matched(v) for v in present)


def conditions_hold(
    tests: Iterable[ConditionTest],
    context: Mapping[str, tuple[str, ...]],
    variables: Mapping[str, tuple[str, ...]] | None = None,
) -> bool:
    return all(test_holds(t, context, variables) for t in tests)


_UNRESOLVED = re.compile(r"\$\{\s*([^},\s]+)[^}]*\}")


def _wildcard_only(value: str) -> bool:
    return bool(value) and not value.strip("*?")


def matches_outsider(family: str, value: str) -> bool:
    """Does a policy value match *some* value of a stranger's own (its account, ARN, IP)?
    Only a value that names nothing in particular does: ``*``, ``arn:aws:sns:*:*:*``, ``0/0``."""
    if family == "string":
        return _wildcard_only(value)
    if family == "arn":
        parts = value.split(":", 5)
        if len(parts) != 6:
            return _wildcard_only(value)
        account, rest = parts[4], parts[5]
        return _wildcard_only(account) or (not account and _wildcard_only(rest))
    if family == "ip":
        found = network(value)
        return found is not None and found.prefixlen == 0
    return False


def _outsider_holds(test: ConditionTest) -> bool:
    """The test when the key holds one value of the stranger's own."""
    if test.operator == "null":
        return any(v.lower() == "false" for v in test.values)
    family = OPERATORS[test.operator][0]
    hit = any(matches_outsider(family, v) for v in test.values)
    return hit != (test.operator in NEGATED)


def _missing_key(
    test: ConditionTest,
    knowledge: Knowledge,
    context: Mapping[str, tuple[str, ...]],
    favour: bool,
) -> bool | None:
    """A test on a key the request does not carry. ``favour``: which outcome suits the caller
    (``True`` under an Allow, ``False`` under a Deny)."""
    if knowledge is Knowledge.UNKNOWN:
        return None
    if knowledge is Knowledge.CHOSEN:
        return favour
    absent = test_holds(test, context)
    if knowledge is Knowledge.ABSENT:
        return absent
    present = _outsider_holds(test)
    if knowledge is Knowledge.OUTSIDE:
        return present
    return (present or absent) if favour else (present and absent)


def _variables_known(
    test: ConditionTest, variables: Mapping[str, tuple[str, ...]], assumptions: Assumptions
) -> bool:
    """Are all the policy variables in the test's values either given or certainly absent?"""
    for value in test.values:
        for key in _UNRESOLVED.findall(value):
            lowered = key.lower()
            if lowered not in variables and assumptions.of(lowered) is not Knowledge.ABSENT:
                return False
    return True


def test_partial(
    test: ConditionTest,
    context: Mapping[str, tuple[str, ...]],
    variables: Mapping[str, tuple[str, ...]] | None,
    assumptions: Assumptions,
    favour: bool,
) -> bool | None:
    """``test_holds`` when some keys are not known: true, false, or ``None`` (undecided)."""
    if test.operator not in OPERATORS:
        return None  # accepted leniently from an inventory: fnguard cannot judge it
    key = test.key.lower()
    if key not in context:
        return _missing_key(test, assumptions.of(key), context, favour)
    if (
        variables is not None
        and OPERATORS[test.operator][0] in _VARIABLE_FAMILIES
        and "${" in "".join(test.values)
        and not _variables_known(test, variables, assumptions)
    ):
        return None
    return test_holds(test, context, variables)


def conditions_partial(
    tests: Iterable[ConditionTest],
    context: Mapping[str, tuple[str, ...]],
    variables: Mapping[str, tuple[str, ...]] | None,
    assumptions: Assumptions,
    favour: bool,
) -> bool | None:
    """The tests ANDed in three values: any false decides, else any undecided leaves it open."""
    undecided = False
    for test in tests:
        verdict = test_partial(test, context, variables, assumptions, favour)
        if verdict is False:
            return False
        undecided = undecided or verdict is None
    return None if undecided else True
