"""The anonymous-caller shortcut (no statement can name a stranger: an implicit deny without
evaluating) and per-document service lists answer as the full readings do."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.iam import Decision, allowed_services
from fnguard.iam._checker import EngineChecker, _answer, _asker, normal_action
from fnguard.iam._lenient import statements_policy
from fnguard.iam.engine import PolicyKind as EngineKind
from fnguard.iam.engine import PolicySet
from fnguard.model import Policy, PolicyKind

_PRINCIPALS: tuple[Any, ...] = (
    "*",
    " * ",
    {"AWS": "*"},
    {"AWS": ["111122223333", "*"]},
    {"AWS": "111122223333"},
    {"Service": "s3.amazonaws.com"},
    {"Federated": "allUsers"},
    "111122223333",
    42,
)
_CONDITIONS = ({}, {"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}})
statement = st.builds(
    lambda effect, key, principal, cond: {
        "Effect": effect,
        **({key: principal} if key else {}),
        "Action": "lambda:InvokeFunction",
        "Resource": "*",
        **cond,
    },
    st.sampled_from(("Allow", "Deny", "allow")),
    st.sampled_from(("Principal", "NotPrincipal", None)),
    st.sampled_from(_PRINCIPALS),
    st.sampled_from(_CONDITIONS),
)


def _full(statements: list[Any], action: str) -> Decision:
    policy = statements_policy(statements, "", EngineKind.RESOURCE)
    asker = _asker("*", (), outsider=True)
    return _answer(asker.ask(normal_action(action), "*", PolicySet(resource=policy)))


@settings(max_examples=400, deadline=None)
@given(st.lists(statement | st.just("not a statement"), max_size=3))
def test_anonymous_answers_match_the_full_evaluation(statements: list[Any]) -> None:
    action = "lambda:InvokeFunction"
    assert EngineChecker().resource_allows_anonymous(statements, action) == _full(
        statements, action
    )


def test_named_principals_only_are_an_implicit_deny_and_public_ones_are_not() -> None:
    named = [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "*"}]
    assert EngineChecker().resource_allows_anonymous(named, "lambda:InvokeFunction") == Decision(
        False
    )
    public = [{"Effect": "Allow", "Principal": {"AWS": ["111122223333", "*"]}, "Action": "*"}]
    assert EngineChecker().resource_allows_anonymous(public, "lambda:InvokeFunction").allowed
    everyone_but = [{"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "*"}]
    assert EngineChecker().resource_allows_anonymous(everyone_but, "lambda:InvokeFunction").allowed


def _policy(name: str, document: dict[str, Any]) -> Policy:
    return Policy(name, PolicyKind.AWS_MANAGED, document)


def test_services_per_document_union_and_wildcards() -> None:
    s3 = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:x"}]}
    kms = {"Statement": [{"Effect": "Allow", "Action": ["KMS:Decrypt"], "Resource": "*"}]}
    wild = {"Statement": [{"Effect": "Allow", "Action": "s*:Get*", "Resource": "*"}]}
    deny = {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    a, b, c, d = _policy("a", s3), _policy("b", kms), _policy("c", wild), _policy("d", deny)
    assert allowed_services((a, b)) == frozenset({"s3", "kms"})
    assert allowed_services((a, b), on_all=True) == frozenset({"kms"})
    assert allowed_services((a, c)) is None
    assert allowed_services((a, d)) == frozenset({"s3"})
    # The same document under another name, and a twin document, read alike.
    assert allowed_services((_policy("z", s3),)) == allowed_services((_policy("y", dict(s3)),))
    assert allowed_services(()) == frozenset()


def test_held_answers_per_object_identity_and_keeps_none() -> None:
    from fnguard.iam._held import Held

    calls: list[str] = []
    held: Held[frozenset[str] | None] = Held(kept=2)
    a, b = {"x": 1}, {"x": 1}  # equal, not the same object

    def compute(tag: str) -> frozenset[str] | None:
        calls.append(tag)
        return None

    assert held.get((a,), "k", lambda: compute("a")) is None
    assert held.get((a,), "k", lambda: compute("again")) is None  # kept, though None
    held.get((b,), "k", lambda: compute("b"))
    held.get((a,), "other", lambda: compute("a-other"))  # a third entry drops the oldest
    held.get((a,), "k", lambda: compute("a-dropped"))
    assert calls == ["a", "b", "a-other", "a-dropped"]


def test_substitution_keeps_references_and_escapes_of_a_pattern_as_written() -> None:
    from fnguard.iam.engine._variables import substitute

    written = "${aws_s3_bucket.b.arn}/${*}/${AWS::Region}"
    assert substitute(written, {}, pattern=True) == written
    assert substitute(written, {}, pattern=False) == "${aws_s3_bucket.b.arn}/*/${AWS::Region}"
    filled = "${aws_s3_bucket.b.arn}/${aws:username}"
    assert substitute(filled, {"aws:username": ("al*ce",)}, pattern=True) == (
        "${aws_s3_bucket.b.arn}/al${*}ce"
    )
    assert substitute(filled, {}, pattern=True) is None


_PIECES = ("a", "B", "*", "?", "${*}", "${?}", "${$}", "${aws:username}", "${aws_x.arn}", "$", "{")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=6), st.booleans())
def test_a_pattern_matches_its_own_text_as_the_matcher_says(
    pieces: list[str], ignore_case: bool
) -> None:
    from fnguard.iam._wildcard import _regex, matches

    pattern = "".join(pieces)
    expected = pattern == "*" or _regex(pattern, ignore_case).fullmatch(pattern)
    assert matches(pattern, pattern, ignore_case=ignore_case) == expected
