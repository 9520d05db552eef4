"""Variables told the text (``text=``) resolve exactly as without it.

With the text, maps and lists whose characters hold no ``${`` (nor an escape) are placed without
a visit and the rest are resolved in one pass (``Variables._own``); sizes leave out what the
text bounds. Both must give the same tree (values, kinds, positions), the same problems and the
same size-limit error, at every cap, as the walk without the text and as the item-by-item
reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from collect_sls.test_sls_variables_plain import _TREES, _ItemByItem, assert_same
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard import limits
from fnguard.collect.cloudformation import decode
from fnguard.collect.serverless._variables import Variables

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "serverless"
CORPUS = Path(__file__).resolve().parents[2] / ".bench" / "corpus-serverless-1000"


def _outcome(text: str, base: Path, kind: type[Variables], with_text: bool, cap: int | None) -> Any:
    """One way's resolved tree and problems, or its size-limit error."""
    bound = limits.Limits() if cap is None else limits.Limits(max_file_bytes=cap)
    with limits.use(bound):
        config = decode(text, "serverless.yml")
        variables = kind(config, base, base, None, "serverless.yml", text if with_text else None)
        try:
            return variables.resolved(), variables.problems
        except limits.LimitError as exc:
            return str(exc), None


def check(text: str, base: Path, cap: int | None = None, reference: bool = True) -> Any:
    """The text's way against the walk (and the item-by-item reference); its outcome."""
    got = _outcome(text, base, Variables, True, cap)
    kinds = (Variables, _ItemByItem) if reference else (Variables,)
    for ref in [_outcome(text, base, kind, False, cap) for kind in kinds]:
        assert_same(got[0], ref[0])
        assert got[1] == ref[1]
    return got


def test_the_text_is_used_for_the_configuration_only(tmp_path: Path) -> None:
    text = "service: s\nx: {a: [1, 2]}\n"
    config = decode(text, "serverless.yml")
    assert Variables(config, tmp_path, tmp_path, text=text)._flagged == []
    for unusable in ("service: s\na: &x {b: 1}\nc: *x\n", '{"service": "s"}'):  # anchors, JSON
        config = decode(unusable, "serverless.yml")
        assert Variables(config, tmp_path, tmp_path, text=unusable)._flagged is None
    with limits.use(limits.Limits(max_file_bytes=100)):  # plain data could pass the limit
        assert Variables(config, tmp_path, tmp_path, text=text)._flagged is None


SERVICE = """\
service: svc
custom:
  stage: ${opt:stage, 'dev'}
  table: ${self:service}-${self:custom.stage}-table  # ${comment}
  plain: {deep: {list: [1, 2.5, true, null, "x", {y: [z]}], empty: {}, none: []}}
  commented:   # ${not a variable}
    a: [1, 2]
  key:
    "${x}": plain
  escaped: {only: ["\\x24{self:service}"]}  # the map's text holds no ${
  quoted: 'back\\slash'
  through: ${self:custom.plain}
  deeper: ${self:custom.through.deep.list}
  day: {when: 2001-12-14, who: '${self:service}'}
  flow: [{a: '${self:custom.stage}'}, [b, '${sls:stage}'], {c: [d]}]
  file: ${file(./other.yml):values}
  cycle: {a: '${self:custom.cycle.b}', b: '${self:custom.cycle.a}'}
  missing: {m: '${self:custom.none}'}
  again: ['${ssm:/a}', '${ssm:/a}', 'x-${self:service}', 'x-${self:service}']
  same: ['${self:custom.stage}', '${self:custom.stage}']  # texts answered once
provider:
  name: aws
  stage: ${opt:stage, 'prod'}
  environment:
    TABLE: ${self:custom.table}
    STATIC: {nested: [1, 2]}
  iam:
    role:
      statements:
      - Effect: Allow
        Action: [s3:GetObject]
        Resource: arn:aws:s3:::${self:custom.table}/*
      - {Effect: Deny, Action: '*', Resource: '*'}
functions:
  worker:
    handler: w.handler
    environment:
      COPY: ${self:provider.environment}
      DEEP: ${self:custom.flow}
    events:
    - sqs: {arn: {'Fn::GetAtt': [Queue, Arn]}, batchSize: 5}
    - schedule: rate(${self:custom.stage})
resources:
  Resources:
    Queue:
      Type: AWS::SQS::Queue
      Properties: {QueueName: '${self:service}-q', Tags: [{Key: k, Value: v}]}
    Other: {Type: AWS::SNS::Topic}
"""


def test_a_service_with_every_kind_of_value(tmp_path: Path) -> None:
    (tmp_path / "other.yml").write_text("values: {a: 1, b: [x, '${self:custom.stage}']}\n")
    resolved, problems = check(SERVICE, tmp_path)
    assert resolved["custom"]["escaped"] == {"only": ["svc"]}  # an escape made a variable
    assert resolved["custom"]["deeper"] == [1, 2.5, True, None, "x", {"y": ["z"]}]
    assert problems  # the cycle and the missing value


def test_keys_alike_resolve_as_the_walk_does(tmp_path: Path) -> None:
    """``1`` and ``'1'`` share a path: the map that holds no variable stays as it is (the
    item-by-item reference would give it the other key's value)."""
    text = "service: s\nx: {1: '${self:service}', '1': {a: b}}  # ${x}\n"
    resolved, _ = check(text, tmp_path, reference=False)
    assert resolved["x"] == {1: "s", "1": {"a": "b"}}


def test_every_serverless_fixture() -> None:
    files = sorted(FIXTURES.rglob("serverless.y*ml"))
    assert files
    for path in files:
        check(path.read_text(encoding="utf-8"), path.parent)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the benchmark corpus is not here")
def test_the_benchmark_corpus() -> None:
    paths = sorted(CORPUS.glob("*/serverless.yml"))[:3]
    assert paths
    for path in paths:
        check(path.read_text(encoding="utf-8"), path.parent)


def _laughs(levels: int) -> str:
    """Each level holds the one below twice: sizes double with no more text."""
    lines = ["service: s", "custom:", "  l0: [abcdef, {g: h}, [7, null]]  # plain"]
    lines += [
        f"  l{n}: ['${{self:custom.l{n - 1}}}', '${{self:custom.l{n - 1}}}', k]"
        for n in range(1, levels + 1)
    ]
    lines += [f"x: {{deep: {{deeper: '${{self:custom.l{levels}}}'}}, plain: [1, 2]}}"]
    return "\n".join(lines) + "\n"


def test_copies_past_the_limit_stop_at_the_same_place(tmp_path: Path) -> None:
    text = _laughs(12)
    slack = 16 * len(text)
    stopped = set()
    for cap in [slack, slack + 1, *range(slack + 500, 600_000, 7_919), 10**9]:
        got = check(text, tmp_path, cap)
        stopped.add(isinstance(got[0], str))
    assert stopped == {True, False}  # some caps stop it, the largest does not


@pytest.mark.parametrize("part", ["whole", "custom", "x"])
def test_every_cap_near_a_size_that_passes_it(tmp_path: Path, part: str) -> None:
    """Caps a byte apart around where the whole file, ``custom`` or ``x`` pass the limit: a
    size counted without what the text bounds must be asked exactly there."""
    text = _laughs(8)
    resolved, _ = _outcome(text, tmp_path, Variables, False, None)
    size = _weight(resolved if part == "whole" else resolved[part])
    assert size > 16 * len(text)  # the text's way is on at these caps
    messages = set()
    for cap in range(size - 360, size + 2):
        got = check(text, tmp_path, cap, reference=False)
        messages.add(got[0] if isinstance(got[0], str) else "resolved")
    assert len(messages) > 1  # the cap changes where it stops (or whether it does)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREES, _TREES, st.booleans(), st.sampled_from([None, 0, 1, 3, 30]))
def test_generated_services(custom: Any, other: Any, flow: bool, extra: int | None) -> None:
    doc = {"service": "s", "custom": {"a": custom, "b": other}, "x": other}
    text = "# generated\n" + yaml.safe_dump(doc, default_flow_style=flow, width=40)
    cap = None if extra is None else 16 * len(text) + extra * 50
    check(text, Path.cwd(), cap)


def _weight(value: Any) -> int:
    """Size written out, as ``Variables`` counts it."""
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, dict):
        keys = sum(len(str(key)) for key in value)
        return 2 + len(value) + keys + sum(_weight(item) for item in value.values())
    if isinstance(value, list):
        return 2 + len(value) + sum(_weight(item) for item in value)
    return 8


@pytest.mark.parametrize(
    "text",
    [
        "x: {a,b,c,d}",
        "x: [~,~,~,~]",
        "x:\n- \n- \n-\n",
        "x: {1.e+15, 2.e+15}",
        "x: {on, off}",
        "x: [!GetAtt ,!GetAtt ]",
        "x: [? a, ? b]",
        '{"a":[0,0,0,0]}',
        "x: {a: [[], {}], b: ''}",
    ],
)
def test_plain_data_weighs_less_than_its_text_allows(text: str) -> None:
    """What ``_PER_CHARACTER`` assumes, on the densest texts there are (~5 per character)."""
    assert _weight(decode(text, "serverless.yml")) <= 16 * len(text)


@settings(max_examples=150, deadline=None)
@given(_TREES, st.booleans())
def test_generated_plain_data_weighs_less_than_its_text_allows(tree: Any, flow: bool) -> None:
    text = "# generated\n" + yaml.safe_dump({"k": tree}, default_flow_style=flow)
    assert _weight(decode(text, "serverless.yml")) <= 16 * len(text)
