"""EXP003 judges permissions whose source ARNs the evaluator reads alike once
(``source_arn_reading``): the findings must be those of judging every source ARN as written."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.config import Thresholds
from fnguard.iam import Decision, source_arn_reading
from fnguard.iam._checker import EngineChecker
from fnguard.model import Function, Inventory, Location, Permission, Provider
from fnguard.rules import RuleContext, get_rule


class _AsWritten(EngineChecker):
    """The evaluator's answers through an override: read as another checker, every source
    ARN is its own key, so the rule asks about each distinct statement."""

    def service_allows(
        self, statements: Any, service: str, action: str, context: Any = None
    ) -> Decision:
        return super().service_allows(statements, service, action, context)


_PRINCIPALS = ("s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com")
_ARNS = (
    "arn:aws:s3:::in",
    "arn:aws:s3:::*",
    "arn:aws:s3:::in-*",
    "*",
    "?*",
    "arn:aws:sns:*:*:*",
    "arn:aws:sns:eu-west-1:*:t",
    "arn:aws:sns:eu-west-1:111122223333:t",
    "arn:aws:sns:eu-west-1:111122223333:*",
    "arn:aws:execute-api:eu-west-1:111122223333:api/*/*",
    "arn:aws:s3:::${aws:SourceAccount}",
    "arn:aws:s3:::${aws:username}-in",
    "service-06/serverless.yml:ApiGatewayRestApi",
    "arn:aws:::",
    " arn:aws:s3:::in ",
)
source_arns = st.one_of(
    st.sampled_from(_ARNS), st.text(alphabet="arn:ws3*?$:{}/-x1 ", min_size=1, max_size=24)
)

_NAMES = ("ingest", "export")
_FUNCTIONS = tuple(
    Function(
        address=f"functions.{n}", provider=Provider.AWS, location=Location("sls.yml", 3), name=n
    )
    for n in _NAMES
)


def _permission(i: int, principal: str, arn: str | None, account: str | None) -> Permission:
    """The i-th permission (on the functions in turn) for these principal and conditions."""
    return Permission(
        address=f"functions.{_NAMES[i % 2]}.permission{i}",
        function=f"functions.{_NAMES[i % 2]}",
        location=Location("sls.yml", 10 + i),
        principal=principal,
        source_arn=arn,
        source_account=account,
    )


_ACCOUNTS = st.sampled_from((None, "111122223333", "*"))
permissions = st.tuples(st.sampled_from(_PRINCIPALS), st.one_of(st.none(), source_arns), _ACCOUNTS)


def _statement(principal: str, source_arn: str, account: str | None) -> dict[str, Any]:
    return _permission(0, principal, source_arn, account).as_statement()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PRINCIPALS), source_arns, source_arns, _ACCOUNTS)
def test_source_arns_read_alike_get_the_same_answer(
    principal: str, first: str, second: str, account: str | None
) -> None:
    checker = EngineChecker()
    read = source_arn_reading(checker)
    if read(first) != read(second):
        return
    answers = {
        (found.allowed, found.conditional)
        for arn in (first, second)
        for found in [
            checker.service_allows(
                [_statement(principal, arn, account)], principal, "lambda:InvokeFunction"
            )
        ]
    }
    assert len(answers) == 1


def test_the_evaluator_reads_whether_a_strangers_arn_matches() -> None:
    read = source_arn_reading(EngineChecker())
    specific = read("arn:aws:sns:eu-west-1:111122223333:t")
    assert specific == read("arn:aws:s3:::in")
    assert specific != read("arn:aws:sns:eu-west-1:*:t")
    as_written = source_arn_reading(_AsWritten())
    assert as_written("arn:aws:s3:::in") == ("value", "arn:aws:s3:::in")


@settings(max_examples=150, deadline=None)
@given(st.lists(permissions, max_size=8))
def test_exp003_findings_equal_those_of_each_source_arn_judged_as_written(
    perms: list[tuple[str, str | None, str | None]],
) -> None:
    rule = get_rule("EXP003")
    inv = Inventory(
        functions=_FUNCTIONS, permissions=tuple(_permission(i, *p) for i, p in enumerate(perms))
    )
    shared = list(
        rule.check(inv, RuleContext(thresholds=Thresholds(), permissions=EngineChecker()))
    )
    written = list(rule.check(inv, RuleContext(thresholds=Thresholds(), permissions=_AsWritten())))
    assert shared == written
