"""The fast pre-filters find what the plain regular expressions find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.content._scan import secret_assignments, token_runs

_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,}")
_ASSIGN = re.compile(
    r"""(?:pass|pwd|secret|token|key|credential)[a-z]{0,6}["'\]]?[ \t]*(?:=>?|:=?)""",
    re.IGNORECASE,
)
_ALPHABET = st.sampled_from([*"aZ09+/_-=: \t\n\"'][", "key", "PASS", "token", "é"])
TEXTS = st.lists(_ALPHABET, max_size=300).map("".join)


def _regex_runs(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _RUN.finditer(text) if re.search("[0-9]", m.group())]


@settings(max_examples=300)
@given(TEXTS)
def test_token_runs_match_the_regular_expression(text: str) -> None:
    assert list(token_runs(text)) == _regex_runs(text)


_QUOTED = re.compile(_ASSIGN.pattern + r"""[ \t]*["'`]""", re.IGNORECASE)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


@settings(max_examples=300)
@given(TEXTS)
def test_secret_assignments_cover_the_regular_expression(text: str) -> None:
    found = list(secret_assignments(text, quoted=False))
    assert found == sorted(found)
    assert {m.start() for m in _ASSIGN.finditer(text)} <= set(found)
    quoted = list(secret_assignments(text, quoted=True))
    assert quoted == sorted(quoted)
    lines = {_line(text, at) for at in quoted}
    assert {_line(text, m.end() - 1) for m in _QUOTED.finditer(text)} <= lines


def test_examples() -> None:
    text = 'x = "AKIA1234567890ABCDEF"\nidentifier_without_digits_long = 1\napiKey: "v"\n'
    assert [text[s:e] for s, e in token_runs(text)] == ["AKIA1234567890ABCDEF"]
    assert [text[a : a + 3] for a in secret_assignments(text, quoted=False)] == ["Key"]
    assert [text[a : a + 3] for a in secret_assignments(text, quoted=True)] == [': "']
    non_ascii = "é " + text
    assert [non_ascii[s:e] for s, e in token_runs(non_ascii)] == ["AKIA1234567890ABCDEF"]
    assert [non_ascii[a : a + 3] for a in secret_assignments(non_ascii, quoted=False)] == ["Key"]
