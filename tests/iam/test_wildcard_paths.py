"""The string-method path for star-only patterns decides exactly as the regex path."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.iam._wildcard import _compiled, _regex, _Stars, matches

_ALPHABET = "ab:/*-"
patterns = st.text(alphabet=_ALPHABET, min_size=1, max_size=12).filter(lambda p: "*" in p)
values = st.text(alphabet="abAB:/*-", max_size=14)


@settings(max_examples=600, deadline=None)
@given(patterns, values, st.booleans())
def test_star_patterns_match_as_the_regex_does(pattern: str, value: str, fold: bool) -> None:
    fast = _compiled(pattern, fold)
    assert isinstance(fast, _Stars)
    assert fast.fullmatch(value) == _regex(pattern, fold).fullmatch(value)


def test_examples_that_must_and_must_not_match() -> None:
    arn = "arn:aws:s3:::bucket/key"
    assert matches("arn:aws:s3:::bucket/*", arn)
    assert matches("arn:*:s3:::*/key", arn)
    assert not matches("arn:aws:s3:::bucket/*x", arn)
    assert not matches("ab*ba", "aba")  # the ends may not overlap
    assert matches("S3:Get*", "s3:GetObject", ignore_case=True)
    assert not matches("S3:Get*", "s3:GetObject")


def test_question_marks_keep_the_regex_path_and_placeholders_do_not() -> None:
    assert not isinstance(_compiled("s3:Get?bject", True), _Stars)
    assert not isinstance(_compiled("arn:${aws:username}/?", False), _Stars)
    variable = "arn:aws:s3:::${aws:username}/*"
    assert isinstance(_compiled(variable, False), _Stars)
    assert matches(variable, "arn:aws:s3:::alice/x")
    reference = "arn:aws:logs:${var.region}:1:log-group:/aws/lambda/${local.name}:*"
    assert matches(reference, "arn:aws:logs:${var.region}:1:log-group:/aws/lambda/${local.name}:x")
    assert not matches(reference, "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:x")
    assert matches("arn:${*}${?}${$}", "arn:*?$")
    assert not matches("arn:${*}", "arn:x")


_PLACEHOLDERS = ("${aws:username}", "${var.x}", "${*}", "${?}", "${$}", "${AWS::Region}")
placeholder_patterns = st.lists(
    st.sampled_from(_PLACEHOLDERS) | st.text(alphabet="ab:/*", max_size=3), min_size=1, max_size=5
).map("".join)
placeholder_values = st.lists(
    st.sampled_from((*_PLACEHOLDERS, "alice", "*", "?", "$"))
    | st.text(alphabet="abAB:/", max_size=3),
    max_size=5,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(placeholder_patterns, placeholder_values, st.booleans())
def test_placeholder_patterns_match_as_the_regex_does(pattern: str, value: str, fold: bool) -> None:
    assert _compiled(pattern, fold).fullmatch(value) == _regex(pattern, fold).fullmatch(value)


def test_non_ascii_values_fold_case_as_the_regex_does() -> None:
    assert matches("*straße*", "STRASSE", ignore_case=True) == bool(
        _regex("*straße*", True).fullmatch("STRASSE")
    )
    assert matches("*é*", "É", ignore_case=True)
