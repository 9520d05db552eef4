"""A role's identity policies, as NET003 and RUN001 ask the checker about them: the IAM rules'
own tuple of the role when every text is known (one tuple per role for the checker to know),
and all of them, boundary last, when some text is unknown."""

from __future__ import annotations

from fnguard.model import Location, Policy, PolicyKind, Provider, Role
from fnguard.rules._iam_common import sorted_policies
from fnguard.rules._run_permissions import identity_policies, unreadable_policies

_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}


def _role(*policies: Policy, boundary: Policy | None = None) -> Role:
    trust = Policy("trust", PolicyKind.TRUST, {"Statement": []})
    return Role(
        "r",
        Provider.AWS,
        Location("t.tf", 1),
        trust_policy=trust,
        policies=(trust, *policies),
        boundary=boundary,
    )


def test_known_texts_give_the_iam_rules_tuple() -> None:
    inline = Policy("inline", PolicyKind.INLINE, _DOC)
    managed = Policy("managed", PolicyKind.AWS_MANAGED, _DOC)
    fence = Policy("fence", PolicyKind.BOUNDARY, _DOC)
    role = _role(inline, managed, boundary=fence)
    found = identity_policies(role)
    assert found == (inline, managed, fence)
    assert found is sorted_policies(role)[0]
    assert unreadable_policies(role) == ()


def test_unknown_texts_keep_every_policy_in_order() -> None:
    inline = Policy("inline", PolicyKind.INLINE, _DOC)
    unread = Policy("unread", PolicyKind.AWS_MANAGED, None)
    fence = Policy("fence", PolicyKind.BOUNDARY, _DOC)
    role = _role(unread, inline, boundary=fence)
    assert identity_policies(role) == (unread, inline, fence)
    assert sorted_policies(role) == ((inline, fence), (unread,))
    assert unreadable_policies(role) == ("unread",)
