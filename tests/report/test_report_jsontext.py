from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fnguard.report._jsontext import indented_json

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=30,
)


def _stdlib(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


@given(_DOCUMENTS)
def test_same_text_as_json_dumps(document: Any) -> None:
    assert indented_json(document) == _stdlib(document)


class _Level(IntEnum):
    HIGH = 8


def test_odd_values_defer_to_json_dumps() -> None:
    document = {"level": _Level.HIGH, 3: "int key", "nested": {"lone": "\udc80", "e": "é"}}
    assert indented_json(document) == _stdlib(document)


def test_empty_containers_and_nesting() -> None:
    document = {"a": [], "b": {}, "c": [[], [{}], {"d": [1, 2.5, None, True]}]}
    assert indented_json(document) == _stdlib(document)
