"""Plain data is placed in one pass; the result is what resolving it item by item gives.

``Variables`` places maps and lists that hold no variable without resolving them (their size
summed in the same walk that finds them plain), and takes plain strings and numbers as they
are. A subclass with both shortcuts turned off resolves everything item by item (the
reference): both must give the same tree (values, kinds, positions), the same problems and
the same size-limit errors.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard import limits
from fnguard.collect.cloudformation import MarkedDict, MarkedList, decode, is_mapping
from fnguard.collect.serverless._variables import Variables

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "serverless"
CORPUS_LIKE = """\
service: svc
custom:
  stage: ${opt:stage, 'dev'}
  table: ${self:service}-${self:custom.stage}-table
  shared: &shared {Effect: Allow, Action: ['s3:GetObject'], Resource: '*'}
  plain:
    deep: {list: [1, 2.5, true, null, "x", {y: [z]}], empty: {}, none: []}
  file: ${file(./other.yml):values}
provider:
  name: aws
  runtime: python3.12
  environment: {TABLE: '${self:custom.table}', PLAIN: plain, N: 3}
  iam:
    role:
      statements:
        - *shared
        - {Effect: Allow, Action: 'dynamodb:*', Resource: {'Fn::GetAtt': [Table, Arn]}}
        - {Effect: Allow, Action: 'sqs:*', Resource: '${ssm:/queue/arn}'}
functions:
  api:
    handler: app.handler
    environment: {SECRET: '${env:SECRET, "fallback"}', REF: '${self:custom.plain.deep}'}
    events: [{httpApi: {path: /x, method: get}}, {sqs: {arn: '${self:custom.missing}'}}]
  worker:
    handler: app.worker
    events: [{schedule: rate(1 minute)}]
resources:
  Resources:
    Table: {Type: AWS::DynamoDB::Table, Properties: {TableName: '${self:custom.table}'}}
"""


class _ItemByItem(Variables):
    """The reference: no shortcut for plain data, every map and list built item by item with
    every value through ``_value`` and every size summed again by ``_weight``."""

    def _build(self, path: tuple[str, ...], node: Any) -> Any:
        if is_mapping(node):
            out = {key: self._value((*path, str(key)), value) for key, value in node.items()}
            return self._bounded(path, node, out)
        if isinstance(node, list):
            items = [self._value((*path, str(i)), value) for i, value in enumerate(node)]
            return self._bounded(path, node, items)
        return super()._build(path, node)


def _marks(node: Any) -> tuple[Any, ...]:
    return tuple(
        (m.line, m.column) if (m := getattr(node, attr, None)) is not None else None
        for attr in ("start_mark", "end_mark")
    )


def assert_same(got: Any, ref: Any, path: str = "$") -> None:
    assert type(got) is type(ref), f"{path}: {type(got)} vs {type(ref)}"
    assert _marks(got) == _marks(ref), path
    assert got == ref, path
    if isinstance(got, dict):
        assert list(got) == list(ref), path
        for key in got:
            assert_same(got[key], ref[key], f"{path}.{key}")
    elif isinstance(got, list):
        for i, (item, ref_item) in enumerate(zip(got, ref, strict=True)):
            assert_same(item, ref_item, f"{path}[{i}]")


def outcomes(
    config: Any,
    base: Path,
    kinds: tuple[type[Variables], ...],
    options: dict[str, str] | None = None,
    cap: int | None = None,
) -> list[tuple[Any, Any]]:
    """Each kind's resolved tree and problems, or its size-limit error and None."""
    bound = limits.Limits() if cap is None else limits.Limits(max_file_bytes=cap)
    out = []
    with limits.use(bound):
        for kind in kinds:
            variables = kind(config, base, base, options)
            try:
                out.append((variables.resolved(), variables.problems))
            except limits.LimitError as exc:
                out.append((str(exc), None))
    return out


def _both(
    text: str, base: Path, options: dict[str, str] | None = None, cap: int | None = None
) -> tuple[Any, Any]:
    config = decode(text, "serverless.yml")
    got, ref = outcomes(config, base, (Variables, _ItemByItem), options, cap)
    return got, ref


def _check(text: str, base: Path, options: dict[str, str] | None = None) -> None:
    (got, got_problems), (ref, ref_problems) = _both(text, base, options)
    assert_same(got, ref)
    assert got_problems == ref_problems


def test_a_service_with_every_kind_of_value(tmp_path: Path) -> None:
    (tmp_path / "other.yml").write_text("values: {a: 1, b: [x, '${self:custom.stage}']}\n")
    _check(CORPUS_LIKE, tmp_path)
    _check(CORPUS_LIKE, tmp_path, {"stage": "prod"})


def test_every_serverless_fixture(tmp_path: Path) -> None:
    files = sorted(FIXTURES.rglob("serverless.y*ml"))
    assert files
    for path in files:
        _check(path.read_text(encoding="utf-8"), path.parent)


@pytest.mark.parametrize("cap", [100, 300, 560, 600, 2_000])
def test_the_size_limit_stops_at_the_same_place(tmp_path: Path, cap: int) -> None:
    text = "service: s\nplain: {a: [" + ", ".join(["12345"] * 60) + "], b: {c: [1, 2]}}\n"
    (got, _), (ref, _) = _both(text, tmp_path, cap=cap)
    assert got == ref
    assert isinstance(got, str) == (cap < 600), got


# Copies counted again: ``x`` holds custom.b twice, and custom.b holds custom.a.
_COPIES = (
    "service: s\ncustom:\n  a: [" + ", ".join(["12345"] * 5) + "]\n"
    "  b: {c: '${self:custom.a}', d: [x, '${self:service}-y', {e: 1}], 7: true}\n"
    "  p: {q: [1, {r: s}, [t]], u: {v: w}}\n"
    "x: ['${self:custom.b}', '${self:custom.b}', {k: '${self:custom.a}', n: null}]\n"
    "y: {p: '${self:custom.p}', z: {o: 2.5}}\n"
)


def test_the_size_limit_with_variables_stops_at_the_same_place(tmp_path: Path) -> None:
    passed = set()
    for cap in range(20, 700):  # every cap: a size summed one byte off would show
        (got, got_problems), (ref, ref_problems) = _both(_COPIES, tmp_path, cap=cap)
        assert_same(got, ref)
        assert got_problems == ref_problems
        passed.add(isinstance(got, str))
    assert passed == {True, False}  # some caps stop it, the largest do not


_KEYS = st.sampled_from(["a", "b", "c", "name", "${x}", "k1"])
_LEAVES = st.one_of(
    st.sampled_from(["plain", "${self:custom.a}", "x-${opt:stage, 'd'}", "${env:E}", "${ssm:/p}"]),
    st.integers(-5, 5),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=20,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREES, _TREES, st.sampled_from([None, 40, 120, 400]))
def test_generated_services(custom: Any, other: Any, cap: int | None) -> None:
    text = yaml.safe_dump({"service": "s", "custom": {"a": custom, "b": other}, "x": other})
    (got, got_problems), (ref, ref_problems) = _both(text, Path.cwd(), cap=cap)
    assert_same(got, ref)
    assert got_problems == ref_problems


def _hand_built() -> dict[str, Any]:
    """Nodes no decoder of ours gives today but ``Variables`` must take alike: maps and lists of
    ours without marks (copied, not placed), another mapping kind (built item by item)."""
    marked = decode("m: {a: [1, 'two'], b: {c: d}}\n", "serverless.yml")["m"]
    bare = MarkedDict({"x": MarkedList(["y", 3]), "z": marked})  # no marks set at all
    other = MappingProxyType({"k": "v", "n": MarkedList([1, 2]), "p": [3]})
    flat = MappingProxyType({"k": "v", "n": marked})
    return {
        "service": "s",
        "custom": {"bare": bare, "other": other, "v": "${self:service}"},
        "copies": [bare, "${self:custom.bare}", {"o": other, "f": flat, "w": "${self:custom.v}"}],
        "plain": {"inner": bare, "also": marked},
    }


def test_hand_built_nodes_resolve_as_item_by_item(tmp_path: Path) -> None:
    config = _hand_built()
    passed = set()
    for cap in [None, *range(20, 500)]:
        (got, got_problems), (ref, ref_problems) = outcomes(
            config, tmp_path, (Variables, _ItemByItem), {}, cap
        )
        assert_same(got, ref)
        assert got_problems == ref_problems
        passed.add(isinstance(got, str))
    assert passed == {True, False}
