"""The matcher remembers answers per policy set without mixing up different policies."""

from fnguard.iam import default_checker
from fnguard.model import Policy, PolicyKind


def policy(effect: str) -> Policy:
    doc = {"Statement": [{"Effect": effect, "Action": "s3:GetObject", "Resource": "*"}]}
    return Policy("p", PolicyKind.INLINE, doc)


def test_same_question_about_different_policies_gets_each_its_answer() -> None:
    checker = default_checker()
    allow, deny = policy("Allow"), policy("Deny")
    for _ in range(2):  # second round is answered from the memo
        assert checker.identity_allows((allow,), "s3:GetObject", "arn:aws:s3:::b/k").allowed
        assert not checker.identity_allows((deny,), "s3:GetObject", "arn:aws:s3:::b/k").allowed
        assert not checker.identity_allows((allow, deny), "s3:GetObject", "*").allowed
    assert not checker.identity_allows((allow,), "s3:PutObject", "*").allowed
