"""The lenient reader's statements, read positionally and branch by branch, are those of the
keyword reading it replaced: every combination of Effect spelling, Action / NotAction,
Resource / NotResource / neither, Principal / NotPrincipal, Sid and Condition."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.iam._elements import as_list
from fnguard.iam._lenient import _lenient, _principal, _tests
from fnguard.iam.engine import Effect, PolicyKind, Statement

_EFFECTS = {"Allow": Effect.ALLOW, "Deny": Effect.DENY}


def _keyword_reading(
    body: dict[str, Any], index: int, name: str, principals: bool
) -> Statement | None:
    """The reading as it was written before (keys chosen first, then one keyword call)."""
    written = body.get("Effect", "")
    effect = _EFFECTS.get(written) if type(written) is str else None
    if effect is None:
        effect = _EFFECTS.get(str(written).strip().capitalize())
    action_key = "Action" if "Action" in body else "NotAction" if "NotAction" in body else None
    if effect is None or action_key is None:
        return None
    resource_key = "Resource" if "Resource" in body else "NotResource"
    principal_key = "Principal" if "Principal" in body else "NotPrincipal"
    principal = _principal(body[principal_key]) if principals and principal_key in body else None
    condition = body.get("Condition")
    return Statement(
        policy=name,
        index=index,
        effect=effect,
        actions=as_list(body[action_key]),
        not_action=action_key == "NotAction",
        resources=as_list(body[resource_key]) if resource_key in body else None,
        not_resource=resource_key == "NotResource",
        principal=principal,
        not_principal=principal is not None and principal_key == "NotPrincipal",
        conditions=_tests(condition) if condition else (),
        sid=str(body["Sid"]) if body.get("Sid") else None,
    )


_values = st.one_of(
    st.sampled_from(("s3:GetObject", "*", "arn:aws:s3:::b/*", "")),
    st.lists(st.sampled_from(("s3:GetObject", "sqs:*", "arn:aws:sqs:*:*:q")), max_size=3),
    st.integers(0, 3),
)
_bodies = st.fixed_dictionaries(
    {},
    optional={
        "Effect": st.sampled_from(("Allow", "Deny", "allow", " Deny ", "Maybe", 1, None)),
        "Action": _values,
        "NotAction": _values,
        "Resource": _values,
        "NotResource": _values,
        "Principal": st.sampled_from(("*", {"AWS": "123456789012"}, {"Service": ["a.b"]}, 7)),
        "NotPrincipal": st.sampled_from(("*", {"AWS": ["*"]})),
        "Sid": st.sampled_from(("", "One", 0, 2)),
        "Condition": st.sampled_from(({}, {"Bool": {"aws:SecureTransport": "true"}}, "odd")),
    },
)


@settings(max_examples=500, deadline=None)
@given(_bodies, st.booleans(), st.integers(0, 4))
def test_lenient_reads_as_the_keyword_reading(
    body: dict[str, Any], principals: bool, index: int
) -> None:
    kind = PolicyKind.RESOURCE if principals else PolicyKind.IDENTITY
    assert _lenient(body, index, "p", kind, principals) == _keyword_reading(
        body, index, "p", principals
    )


def test_lenient_reads_a_plain_allow() -> None:
    body = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}
    found = _lenient(body, 2, "inline", PolicyKind.IDENTITY, False)
    assert found is not None
    assert (found.effect, found.actions, found.resources, found.ref) == (
        Effect.ALLOW,
        ("s3:GetObject",),
        ("arn:aws:s3:::b/*",),
        "inline#2",
    )
    assert not found.not_resource and found.principal is None
