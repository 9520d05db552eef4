"""Plain data is placed as the decoded node itself when a copy would be the same.

The reference copies every plain map and list (as before); the shortcut hands back the node
when every level is a map or list of ours with its marks (or a plain dict or list): both must
give the same tree (values, kinds, positions), the same problems and the same size errors,
whatever decoded the file (the fast decoders, cfn-lint's for odd YAML, JSON).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from collect_sls.test_sls_variables_plain import (
    _TREES,
    CORPUS_LIKE,
    FIXTURES,
    assert_same,
    outcomes,
)
from hypothesis import HealthCheck, given, settings

from fnguard.collect.cloudformation import decode
from fnguard.collect.serverless._variables import Variables


class _Copied(Variables):
    """The reference: every plain map and list copied."""

    def _walk(self, node: Any) -> Any:
        clean, total, _, dirty = super()._walk(node)
        return clean, total, False, dirty


def _check(text: str, base: Path, name: str = "serverless.yml", cap: int | None = None) -> Any:
    config = decode(text, name)
    (got, got_problems), (ref, ref_problems) = outcomes(config, base, (Variables, _Copied), {}, cap)
    assert_same(got, ref)
    assert got_problems == ref_problems
    return config, got


def test_the_decoded_node_itself_is_placed(tmp_path: Path) -> None:
    (tmp_path / "other.yml").write_text("values: {a: 1, b: [x, '${self:custom.stage}']}\n")
    config, got = _check(CORPUS_LIKE, tmp_path)
    assert got["custom"]["plain"] is config["custom"]["plain"]
    assert got["functions"]["worker"] is config["functions"]["worker"]


def test_fixtures_and_odd_decodings(tmp_path: Path) -> None:
    for path in sorted(FIXTURES.rglob("serverless.y*ml")):
        _check(path.read_text(encoding="utf-8"), path.parent)
    # a merge key sends the file to cfn-lint's decoder: its own node kinds are copied
    merged = "service: s\nbase: &b {x: 1, y: [2, 3]}\ncustom:\n  <<: *b\n  z: {w: 4}\n  n: [1]\n"
    config, got = _check(merged, tmp_path)
    assert got["custom"] is not config["custom"]
    # aliases share one decoded node: placed at both paths
    _check("service: s\na: &x {k: [1, {v: w}]}\nb: *x\nc: [*x, *x]\n", tmp_path)
    document = {"service": "s", "custom": {"p": {"q": [1, "two", None, {"r": True}]}}}
    _check(json.dumps(document), tmp_path, "serverless.json")
    _check("service: s\nempty: {}\nnone: []\nnested: {a: {}, b: [[]]}\n", tmp_path)


@pytest.mark.parametrize("cap", [100, 300, 560, 600, 2_000])
def test_the_size_limit_stops_at_the_same_place(tmp_path: Path, cap: int) -> None:
    text = "service: s\nplain: {a: [" + ", ".join(["12345"] * 60) + "], b: {c: [1, 2]}}\n"
    _check(text, tmp_path, cap=cap)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREES, _TREES)
def test_generated_services(custom: Any, other: Any) -> None:
    text = yaml.safe_dump({"service": "s", "custom": {"a": custom, "b": other}, "x": other})
    _check(text, Path.cwd())
