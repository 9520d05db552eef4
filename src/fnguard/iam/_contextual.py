"""Questions beyond ``PermissionChecker``: with context keys fixed, or asked as a service.

IAM002 (``iam:PassedToService``) and EXP003 (a service acting for a stranger's resource) need
them. A checker injected into ``RuleContext`` that answers them is used as it is; one that does
not (a test fake of the base protocol) is complemented by the offline evaluator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from fnguard.iam._interface import Decision, PermissionChecker
    from fnguard.model import Policy

__all__ = ["ContextChecker", "contextual", "own_source_arn_reading", "source_arn_reading"]


@runtime_checkable
class ContextChecker(Protocol):
    def identity_allows_in(
        self,
        policies: Sequence[Policy],
        action: str,
        resource: str = "*",
        context: Mapping[str, str | tuple[str, ...]] | None = None,
    ) -> Decision:
        """``identity_allows`` with context keys the question fixes."""
        ...

    def service_allows(
        self,
        statements: Sequence[Mapping[str, Any]],
        service: str,
        action: str,
        context: Mapping[str, str] | None = None,
    ) -> Decision:
        """Would ``service``, acting for a stranger's resource, be allowed by these statements?"""
        ...


def contextual(checker: PermissionChecker) -> ContextChecker:
    if isinstance(checker, ContextChecker):
        return checker
    from fnguard.iam._checker import EngineChecker

    return EngineChecker()


def source_arn_reading(checker: ContextChecker) -> Callable[[str], tuple[str, object]]:
    """What ``checker.service_allows`` reads of a value written as the ``ArnLike``
    ``AWS:SourceArn`` test of an Allow statement, asked with no ``aws:SourceArn`` in the
    context (as a function of the value): statements alike but for values read alike get the
    same answer, so a rule asks once for them all.

    The offline evaluator's own ``service_allows`` reads the key as a stranger's source ARN
    or none: it only asks whether the value matches some ARN of the stranger's own (any value
    passes its ARN operator's check, and without the key the test holds for no value).
    Another checker (a fake, an override) may read more: the value itself, then."""
    from fnguard.iam._checker import EngineChecker
    from fnguard.iam.engine._conditions import matches_outsider

    if type(checker).service_allows is EngineChecker.service_allows:
        return lambda value: ("stranger matches", matches_outsider("arn", value))
    return lambda value: ("value", value)


def own_source_arn_reading(
    checker: ContextChecker,
) -> Callable[[str, Iterable[object]], tuple[str, object]]:
    """What ``checker.service_allows`` reads of a value written as the ``ArnLike``
    ``AWS:SourceArn`` test of an Allow statement, asked with that same value as the context's
    ``aws:SourceArn`` (EXP003's bucket question), as a function of the value and the
    statement's other values: statements alike but for values read alike get the same answer.

    The offline evaluator reads the context key in that test (present, so no assumption is
    made), which compares the value with itself: one bit. It reads more only through policy
    variables: in the value (substituted first) or in another value (``${aws:SourceArn}``
    there would be the value): then the value itself. Another checker: the value itself."""
    from fnguard.iam._checker import EngineChecker
    from fnguard.iam._wildcard import is_policy_variable, placeholders
    from fnguard.iam.engine._operators import test_value

    if type(checker).service_allows is not EngineChecker.service_allows:
        return lambda value, others: ("value", value)

    def names_variable(text: object) -> bool:
        return (
            type(text) is str and "${" in text and any(map(is_policy_variable, placeholders(text)))
        )

    def read(value: str, others: Iterable[object]) -> tuple[str, object]:
        if "${" in value or any(map(names_variable, others)):
            return ("value", value)
        return ("matches itself", test_value("arnlike", value, value))

    return read
