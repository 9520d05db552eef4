"""Regular expressions compiled at import, kept between runs (``fnguard._regex_code``)."""

from __future__ import annotations

import importlib
import marshal
import re
import sys
from typing import TYPE_CHECKING, Any

import pytest

from fnguard import _regex_code as rc

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.skipif(sys.version_info[:2] not in rc._SUPPORTED, reason="not this Python")

_PATTERNS: list[tuple[Any, int]] = [
    (r"(?P<word>\w+)-(\d+)", re.IGNORECASE),
    (r"(?<=\$\{)[^}]+(?=\})", 0),
    (r"^\s*# (?:fnguard|x):ignore\[(?P<rule>[A-Z]{3}\d{3})\]\s*(.*)$", re.MULTILINE),
    (
        r"""
        (?P<scheme>https?)://   # a scheme
        (?P<host>[^/\s]+)       # a host
    """,
        re.VERBOSE,
    ),
    (r"[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]", 0),
    (rb"\x00+(?P<tail>.)", re.DOTALL),
]
_SAMPLES = ["Ab-12", "${Stage}", "  # fnguard:ignore[IAM001] known\n", "https://a.b/c", "\x01", ""]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache file of this test's own, the module's state put back after."""
    path = tmp_path / "__pycache__" / "regex.test.marshal"
    monkeypatch.setattr(rc, "cache_path", lambda: path)
    monkeypatch.setattr(rc, "_entries", None)
    monkeypatch.setattr(rc, "_fresh", {})
    monkeypatch.setattr(rc, "_used", set())
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.syspath_prepend(str(tmp_path))
    rc.install()
    yield path


def _import(tmp_path: Path, name: str) -> Any:
    """A module compiling ``_PATTERNS`` as it imports (``re``'s own cache emptied first)."""
    (tmp_path / f"{name}.py").write_text(
        f"import re\nfrom {__name__} import _PATTERNS\n"
        "COMPILED = [re.compile(p, f) for p, f in _PATTERNS]\n"
    )
    re.purge()
    try:
        return importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)


def _same_as_re(compiled: list[re.Pattern[Any]]) -> None:
    original = rc._original_compile()
    for got, (pattern, flags) in zip(compiled, _PATTERNS, strict=True):
        want = original(pattern, flags)
        assert (got.pattern, got.flags, got.groups, got.groupindex) == (
            want.pattern,
            want.flags,
            want.groups,
            want.groupindex,
        )
        for sample in _SAMPLES:
            text: Any = (
                sample.encode("latin-1", "replace") if isinstance(pattern, bytes) else sample
            )
            found, expected = got.search(text), want.search(text)
            assert (found and (found.span(), found.groups())) == (
                expected and (expected.span(), expected.groups())
            )


def test_patterns_compiled_at_import_are_kept_and_loaded_next_time(
    cache: Path, tmp_path: Path
) -> None:
    _same_as_re(_import(tmp_path, "fnguard_probe_re_first").COMPILED)
    assert len(rc._fresh) == len(_PATTERNS)
    rc.save()
    assert cache.is_file()

    # Next run: every pattern comes from the file, nothing is compiled again.
    rc._entries, rc._fresh = None, {}
    _same_as_re(_import(tmp_path, "fnguard_probe_re_second").COMPILED)
    assert rc._fresh == {}


def test_a_pattern_made_while_scanning_is_never_kept(cache: Path) -> None:
    made = re.compile("arn:aws:s3:::bucket-" + "made-from-input-4242")
    assert made.match("arn:aws:s3:::bucket-made-from-input-4242")
    assert rc._fresh == {}
    rc.save()
    assert not cache.exists()


def test_a_file_of_another_python_counts_as_empty(cache: Path, tmp_path: Path) -> None:
    cache.parent.mkdir(parents=True)
    key = ("str", _PATTERNS[0][0], int(_PATTERNS[0][1]))
    cache.write_bytes(marshal.dumps(("2.7.18", {key: (0, [1], 0, {}, ())})))
    assert rc._load() == {}
    _same_as_re(_import(tmp_path, "fnguard_probe_re_other").COMPILED)
    assert len(rc._fresh) == len(_PATTERNS)


def test_an_entry_the_engine_refuses_is_compiled_afresh(cache: Path, tmp_path: Path) -> None:
    keys = [(type(p).__name__, p, int(f)) for p, f in _PATTERNS]
    cache.parent.mkdir(parents=True)
    cache.write_bytes(
        marshal.dumps((sys.version, {key: (0, [999_999], 0, {}, ()) for key in keys}))
    )
    _same_as_re(_import(tmp_path, "fnguard_probe_re_refused").COMPILED)
    assert set(rc._fresh) == set(keys)


def test_an_unreadable_file_counts_as_empty(cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not marshal at all")
    assert rc._load() == {}


def test_the_file_sits_beside_the_package_bytecode() -> None:
    path = rc.cache_path()
    assert path is not None
    assert path.name == f"regex.{sys.implementation.cache_tag}.marshal"
