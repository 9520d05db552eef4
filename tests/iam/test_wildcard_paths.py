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


def test_patterns_with_question_marks_or_variables_keep_the_regex_path() -> None:
    assert not isinstance(_compiled("s3:Get?bject", True), _Stars)
    assert not isinstance(_compiled("arn:aws:s3:::${aws:username}/*", False), _Stars)
    assert matches("arn:aws:s3:::${aws:username}/*", "arn:aws:s3:::alice/x")


def test_non_ascii_values_fold_case_as_the_regex_does() -> None:
    assert matches("*straße*", "STRASSE", ignore_case=True) == bool(
        _regex("*straße*", True).fullmatch("STRASSE")
    )
    assert matches("*é*", "É", ignore_case=True)
