"""A statement's Condition block against the request context.

The documented rules: keys are ANDed, a key's values are ORed; a negated operator (``...Not...``,
``NotIpAddress``) holds when the context value matches none of the policy values, and holds when
the key is absent; ``...IfExists`` holds when the key is absent; ``Null`` tests presence;
``ForAllValues`` holds when every context value matches (so on an absent or empty set),
``ForAnyValue`` when at least one does (never on an empty set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.iam.engine._operators import NEGATED, OPERATORS, test_value
from fnguard.iam.engine._variables import substitute

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from fnguard.iam.engine._model import ConditionTest

__all__ = ["conditions_hold", "test_holds"]

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
