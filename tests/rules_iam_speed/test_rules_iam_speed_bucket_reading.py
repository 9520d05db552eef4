"""EXP003's bucket verdict, keyed by the source ARN as ``own_source_arn_reading`` reads it,
is the verdict the full evaluation gives for every ARN read alike (and the rule reports what
it reported with one evaluation per exact ARN)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.config import Thresholds
from fnguard.iam import contextual, default_checker, own_source_arn_reading, source_arn_reading
from fnguard.model import (
    Function,
    Inventory,
    Location,
    Permission,
    Provider,
)
from fnguard.rules import RuleContext, get_rule
from fnguard.rules.exposure import _bucket, _bucket_key, _deputy_key

HERE = Location("sls.yml", 1)
S3 = "s3.amazonaws.com"

# Pieces of source ARNs: plain, wildcards, escapes, references, policy variables, not ARNs.
_PIECES = [
    "arn:aws:s3:::",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:*:*:",
    "arn:aws:sns:eu-west-1:111122223333:topic",
    "*",
    "?",
    ":",
    "bucket-in",
    "${*}",
    "${AWS::AccountId}",
    "${aws:SourceArn}",
    "${aws:username, 'none'}",
    "service-13/serverless.yml:S3BucketIn",
    "",
]
arns = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join)
accounts = st.sampled_from(
    [None, "111122223333", "${AWS::AccountId}", "${aws:SourceArn}", "${aws:SourceAccount}", "*"]
)
orgs = st.sampled_from([None, "o-abc", "${aws:SourceArn}"])
principals = st.sampled_from([S3, "S3.amazonaws.com", "sns.amazonaws.com"])


def _perm(
    arn: str, account: str | None, org: str | None, principal: str, index: int = 0
) -> Permission:
    return Permission(
        address=f"p{index}",
        function=f"f{index}",
        location=HERE,
        principal=principal,
        action="lambda:InvokeFunction",
        source_arn=arn,
        source_account=account,
        principal_org_id=org,
    )


def _key(perm: Permission, checker: Any) -> tuple[object, ...]:
    principal = (perm.principal or "").lower()
    reading = source_arn_reading(checker)(perm.source_arn or "")
    return _bucket_key(perm, _deputy_key(perm, principal, reading), own_source_arn_reading(checker))


@settings(max_examples=300, deadline=None)
@given(arns, arns, accounts, orgs, principals)
def test_arns_read_alike_get_one_bucket_verdict(
    first: str, second: str, account: str | None, org: str | None, principal: str
) -> None:
    checker = contextual(default_checker())
    a, b = (_perm(arn, account, org, principal) for arn in (first, second))
    if _key(a, checker) == _key(b, checker):
        assert _bucket(checker, a, principal.lower()) == _bucket(checker, b, principal.lower())


def test_a_reference_account_leaves_one_reading_for_plain_arns() -> None:
    """The corpus' shape: ``${AWS::AccountId}`` is a reference, not a policy variable, so
    bucket ARNs that are not ARNs at all share one key (one evaluation)."""
    checker = contextual(default_checker())
    keys = {
        _key(_perm(f"svc/serverless.yml:S3Bucket{i}", "${AWS::AccountId}", None, S3), checker)
        for i in range(5)
    }
    assert len(keys) == 1


def test_a_policy_variable_elsewhere_keeps_the_arn() -> None:
    checker = contextual(default_checker())
    a = _perm("arn:aws:s3:::in", "${aws:SourceArn}", None, S3)
    b = _perm("arn:aws:s3:::out", "${aws:SourceArn}", None, S3)
    assert _key(a, checker) != _key(b, checker)


class _Fake:
    """A checker of the base protocol plus ``service_allows`` of its own: it reads the value."""

    def __init__(self) -> None:
        self.engine = contextual(default_checker())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def service_allows(
        self, statements: Any, service: str, action: str, context: Any = None
    ) -> Any:
        return self.engine.service_allows(statements, service, action, context)


def test_another_checker_keeps_the_arn() -> None:
    fake = _Fake()
    a = _perm("arn:aws:s3:::in", None, None, S3)
    b = _perm("arn:aws:s3:::out", None, None, S3)
    assert _key(a, fake) != _key(b, fake)


def _inventory(perms: list[Permission]) -> Inventory:
    functions = [
        Function(
            address=p.function,
            name=p.function,
            provider=Provider.AWS,
            location=HERE,
        )
        for p in perms
    ]
    return Inventory(functions=tuple(functions), permissions=tuple(perms))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(arns, accounts, orgs, principals), min_size=1, max_size=6))
def test_rule_reports_what_each_exact_evaluation_reports(
    wiring: list[tuple[str, str | None, str | None, str]],
) -> None:
    perms = [
        _perm(arn, account, org, principal, i)
        for i, (arn, account, org, principal) in enumerate(wiring)
    ]
    checker = default_checker()
    ctx = RuleContext(thresholds=Thresholds(), permissions=checker)
    found = {f.resource: f.message for f in get_rule("EXP003").check(_inventory(perms), ctx)}
    engine = contextual(checker)
    for perm in perms:
        principal = (perm.principal or "").lower()
        anyone = engine.service_allows([perm.as_statement()], principal, perm.action)
        bucket = not anyone.allowed and principal == S3 and _bucket(engine, perm, principal)
        assert (perm.address in found) == (anyone.allowed or bucket)
        if bucket:
            assert "for bucket" in found[perm.address]
