"""A Node.js handler's module is named by string where ``posixpath`` would give the same:
the shortcut must agree with ``normpath`` / ``join`` on every odd path."""

from __future__ import annotations

import itertools
import posixpath

from hypothesis import given
from hypothesis import strategies as st

from fnguard.code.javascript._locate import own_candidates, parse_handler

_PARTS = ("", ".", "..", "a", "b.c", "...", ".x")


def test_a_module_is_normalised_exactly_when_normpath_would_change_it() -> None:
    for size in range(1, 5):
        for combo in itertools.product(_PARTS, repeat=size):
            joined = "/".join(combo)
            for module in (joined, f"/{joined}", f"{joined}/"):
                if not module:
                    continue
                assert own_candidates(module)[0] == posixpath.normpath(module)


@given(
    head=st.text(alphabet="ab/.", max_size=8),
    module=st.text(alphabet="ab", min_size=1, max_size=3),
)
def test_a_handler_folder_is_joined_as_posixpath_joins_it(head: str, module: str) -> None:
    ref = parse_handler(f"{head}/{module}.handler", None)
    stripped = f"{head}/{module}.handler".strip().lstrip("/")
    folder, _, tail = stripped.rpartition("/")
    expected = posixpath.join(folder, tail.partition(".")[0]) if folder else module
    assert ref is not None
    assert ref.module == expected
