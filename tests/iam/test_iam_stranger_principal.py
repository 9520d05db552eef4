"""Whether a Principal names anyone, read without building it, as the full reading says."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.iam._lenient import _principal, may_name_stranger, names_anyone

_NAMES = st.sampled_from(
    ("*", " * ", "AllUsers", "allAuthenticatedUsers", "123456789012", "s3.amazonaws.com", "x")
)
_VALUES = st.one_of(_NAMES, st.lists(_NAMES, max_size=3), st.none(), st.integers())
_PRINCIPALS: Any = st.one_of(
    _NAMES,
    st.dictionaries(
        st.sampled_from(("AWS", "Service", "Federated", "CanonicalUser", "Other")),
        _VALUES,
        max_size=3,
    ),
    st.lists(_NAMES, max_size=2),
    st.none(),
    st.integers(),
)


@settings(max_examples=400, deadline=None)
@given(_PRINCIPALS)
def test_names_anyone_is_the_full_readings_answer(raw: Any) -> None:
    assert names_anyone(raw) == _principal(raw).anyone
    assert may_name_stranger({"Effect": "Allow", "Principal": raw}) == _principal(raw).anyone
