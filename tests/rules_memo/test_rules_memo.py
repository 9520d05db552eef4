"""Per-object memos and the "skip actions no statement names" shortcut of the rules give the
answers the plain, unshortcut questions give."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from hypothesis import given, settings
from hypothesis import strategies as st
from iam import memo_strategies

from fnguard.iam._checker import EngineChecker
from fnguard.model import Location, Policy, PolicyKind, Provider, Role
from fnguard.rules._memo import per_object
from fnguard.rules._run_permissions import allowed_on, identity_policies, named_resources

if TYPE_CHECKING:
    from fnguard.iam import Decision, PermissionChecker

_ENGINE = EngineChecker()


class _Unshortcut:
    """The engine without ``may_allow``: every question is asked."""

    def identity_allows(self, policies: Any, action: str, resource: str = "*") -> Decision:
        return _ENGINE.identity_allows(policies, action, resource)


_ACTIONS = ("s3:PutObject", "s3:GetObject", "sqs:SendMessage", "kms:Decrypt")
_RESOURCES = ("arn:aws:s3:::b/k", "arn:aws:sqs:us-east-1:1:q", "*")
statements = memo_strategies.statements(
    ("s3:*", "s3:PutObject", "sqs:Send*", "kms:Decrypt"), (*_RESOURCES, "arn:aws:s3:::b/*")
)


def _role(raw: list[list[dict[str, Any]]], boundary: list[dict[str, Any]] | None) -> Role:
    policies = tuple(
        Policy(f"p{i}", PolicyKind.INLINE, {"Version": "2012-10-17", "Statement": stmts})
        for i, stmts in enumerate(raw)
    )
    bound = (
        Policy("b", PolicyKind.BOUNDARY, {"Version": "2012-10-17", "Statement": boundary})
        if boundary is not None
        else None
    )
    return Role(
        "aws_iam_role.r", Provider.AWS, Location("main.tf", 1), policies=policies, boundary=bound
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(statements, max_size=3), max_size=3),
    st.none() | st.lists(statements, max_size=2),
    st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3),
)
def test_allowed_on_gives_the_first_grant_the_plain_questions_give(
    raw: list[list[dict[str, Any]]], boundary: list[dict[str, Any]] | None, actions: list[str]
) -> None:
    role = _role(raw, boundary)
    plain: PermissionChecker = _Unshortcut()  # type: ignore[assignment]
    assert allowed_on(_ENGINE, role, actions, _RESOURCES) == allowed_on(
        plain, role, actions, _RESOURCES
    )


def test_role_memos_are_per_object_and_follow_the_role() -> None:
    stmt = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"}
    one = _role([[stmt]], None)
    twin = _role([[stmt]], None)  # equal, but another object: computed for itself
    assert identity_policies(one) is identity_policies(one)
    assert identity_policies(twin) is not identity_policies(one)
    assert named_resources(one) == named_resources(twin) == ("arn:aws:s3:::a/*",)
    bounded = _role([[stmt]], [{"Effect": "Allow", "Action": "*", "Resource": "arn:x"}])
    assert identity_policies(bounded)[-1].kind is PolicyKind.BOUNDARY
    assert named_resources(bounded) == ("arn:aws:s3:::a/*", "arn:x")


def test_per_object_drops_an_entry_with_its_object() -> None:
    calls: list[int] = []

    class Box:
        def __init__(self, n: int) -> None:
            self.n = n

    @per_object
    def double(box: Box) -> int:
        calls.append(box.n)
        return box.n * 2

    first = Box(1)
    assert double(first) == double(first) == 2
    assert calls == [1]
    del first
    gc.collect()
    # A new object at a possibly recycled address is computed for itself.
    assert double(Box(5)) == 10
    assert calls == [1, 5]
