"""A variable or a text answered once is answered as asking again would.

``Variables`` keeps what a variable (and a whole text) gave when asking again must give the
same: no variable inside it, no file (its value is placed on the line that names it), no
problem, and room for one more level below ``_MAX_DEPTH``. The reference forgets everything:
both must give the same tree, the same problems and the same errors, through chains deeper
than the limit, cycles, fallbacks and files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from collect_sls.test_sls_variables_plain import assert_same, outcomes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard.collect.cloudformation import decode
from fnguard.collect.serverless._variables import Variables

if TYPE_CHECKING:
    from pathlib import Path


class _Forgetful(dict[str, Any]):
    """A dict that keeps nothing."""

    def __setitem__(self, key: str, value: Any) -> None:
        return None


class _Unremembered(Variables):
    """The reference: every variable and every text resolved again each time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._known = _Forgetful()
        self._known_texts = _Forgetful()


def _check(text: str, base: Path, cap: int | None = None) -> None:
    config = decode(text, "serverless.yml")
    (got, got_problems), (ref, ref_problems) = outcomes(
        config, base, (Variables, _Unremembered), {}, cap
    )
    assert_same(got, ref)
    assert got_problems == ref_problems


_ENDS = st.sampled_from(
    ["end", "${self:custom.a0}", "${env:E}", "${aws:region}", "${file(./o.yml):v}", "${opt:x, 'f'}"]
)
_PREFIXES = st.sampled_from(
    ["", "p-", "${sls:stage}-", "${env:E, 'e'}-", "${opt:o, ${sls:stage}}-", "${foo:x}-"]
)


@st.composite
def _chains(draw: st.DrawFn) -> str:
    """``custom.a0 -> a1 -> ... -> an``, read from places at every depth, some twice."""
    n = draw(st.integers(3, 40))
    lines = ["service: s", "custom:"]
    for i in range(n):
        target = f"${{self:custom.a{i + 1}}}" if i + 1 < n else draw(_ENDS)
        lines.append(f'  a{i}: "{draw(_PREFIXES)}{target}"')
    reads = st.lists(st.integers(0, n - 1), min_size=1, max_size=6)
    lines += [f'  r{j}: "${{self:custom.a{k}}}"' for j, k in enumerate(draw(reads))]
    lines.append("x:")
    lines += [f'  - "q-${{self:custom.a{k}}}-${{self:custom.a{k}}}"' for k in draw(reads)]
    lines += [f'  - "${{self:custom.a{k}, ${{self:custom.r0}}}}"' for k in draw(reads)]
    if draw(st.booleans()):
        lines.insert(1, f'top: "${{self:custom.a{draw(st.integers(0, n - 1))}}}"')
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A service folder with the file the chains read."""
    folder = tmp_path_factory.mktemp("known")
    (folder / "o.yml").write_text("v: from-file\nm: {k: [1, two]}\n")
    return folder


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_chains(), cap=st.sampled_from([None, None, 300, 3_000]))
def test_chains_resolve_as_without_remembering(base: Path, text: str, cap: int | None) -> None:
    _check(text, base, cap)


def test_a_file_value_is_placed_on_each_line_that_names_it(base: Path) -> None:
    text = "service: s\na: '${file(./o.yml):m}'\nb:\n  c: '${file(./o.yml):m}'\n"
    _check(text, base)
    config = decode(text, "serverless.yml")
    resolved = Variables(config, base, base).resolved()
    assert resolved["a"].start_mark.line == 1
    assert resolved["b"]["c"].start_mark.line == 3


def test_a_variable_holding_another_is_asked_again_at_the_deepest_level(base: Path) -> None:
    """Answered at depth 1, asked again where the variable inside it passes ``_MAX_DEPTH``."""
    for inner in ("${opt:o, ${sls:stage}}", "${opt:o, ${sls:stage}}-text"):
        links = [f'  a{i}: "{inner}-${{self:custom.a{i + 1}}}"' for i in range(40)]
        _check("service: s\ncustom:\n" + "\n".join(links) + "\n  a40: end\n", base)
        for n in range(28, 36):  # the last link read at every depth around the limit
            links = [f'  a{i}: "${{self:custom.a{i + 1}}}"' for i in range(n)]
            repeats = [f'  b{i}: "{inner}"' for i in range(3)]
            text = "\n".join(["service: s", "custom:", *repeats, *links, f'  a{n}: "{inner}"'])
            _check(text + "\n", base)
