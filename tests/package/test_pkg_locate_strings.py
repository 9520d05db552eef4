"""Package candidates computed by string are the ones pathlib would give."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.collect.package._locate import _candidate_texts, _candidates
from fnguard.model import Location

parts = st.sampled_from(["a", "b.zip", ".", "..", "", "src", "build", "é", " x"])
raws = st.lists(parts, min_size=1, max_size=4).map("/".join) | st.sampled_from(
    ["/abs/p.zip", "./build/f.zip", "build//f.zip", "src/", "f.zip"]
)
roots = st.sampled_from(
    [None, Path("."), Path("infra"), Path("/work/repo"), Path("a/../b"), Path("/"), Path("//")]
)
files = st.sampled_from(
    ["main.tf", "svc/template.yaml", "a/b/serverless.yml", "./x.tf", "/abs/main.tf", "a//b.tf"]
) | st.lists(parts, min_size=1, max_size=4).map("/".join)  # a file per function, odd ones too


@settings(max_examples=800, deadline=None)
@given(raws, files, roots)
def test_string_candidates_equal_pathlib_ones(raw: str, file: str, root: Path | None) -> None:
    where = Location(file, 3)
    assert _candidate_texts(raw, where, root) == [
        c.as_posix() for c in _candidates(raw, where, root)
    ]
