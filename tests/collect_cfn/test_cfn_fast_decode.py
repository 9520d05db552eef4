"""The fast template decoders against cfn-lint's: same values, kinds and positions, or a refusal.

cfn-lint's decoder is the reference: whatever the fast path accepts must decode to exactly what
cfn-lint gives (every mapping, list and key at the same line and column), and whatever cfn-lint
refuses the fast path must refuse too, so ``decode`` can hand it to cfn-lint for the error.
"""

from __future__ import annotations

import copy
import json
import math
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.decode import cfn_json, cfn_yaml  # type: ignore[import-untyped]
from cfnlint.decode.node import dict_node, list_node, str_node  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard import limits
from fnguard.collect.cloudformation import decode, line_of
from fnguard.collect.cloudformation._fast_json import decode_json
from fnguard.collect.cloudformation._fast_yaml import UndecidedError, decode_yaml, load_yaml
from fnguard.collect.cloudformation._nodes import MarkedDict, MarkedList, MarkedStr, marked_dict
from fnguard.errors import InputError

REPO = Path(__file__).resolve().parents[2]
_KINDS = {MarkedDict: dict_node, MarkedList: list_node, MarkedStr: str_node}


def _marks(node: Any) -> tuple[tuple[int, int] | None, ...]:
    return tuple(
        (int(m.line), int(m.column)) if (m := getattr(node, attr, None)) is not None else None
        for attr in ("start_mark", "end_mark")
    )


def assert_same(got: Any, ref: Any, path: str = "$") -> None:
    """Same kinds (ours for cfn-lint's), values, key order and positions, all the way down."""
    kinds = [_KINDS.get(type(value), type(value)) for value in (got, ref)]
    assert kinds[0] is kinds[1], f"{path}: {type(got)} vs {type(ref)}"
    assert _marks(got) == _marks(ref), path
    if isinstance(got, float) and math.isnan(got):
        assert math.isnan(ref), path
    elif isinstance(got, dict):
        assert list(got) == list(ref), path
        for (key, value), (ref_key, ref_value) in zip(got.items(), ref.items(), strict=True):
            assert_same(key, ref_key, f"{path}.key({key})")
            assert_same(value, ref_value, f"{path}.{key}")
    elif isinstance(got, list):
        assert len(got) == len(ref), path
        for i, (item, ref_item) in enumerate(zip(got, ref, strict=True)):
            assert_same(item, ref_item, f"{path}[{i}]")
    else:
        assert got == ref, path


def _reference(text: str) -> tuple[bool, Any]:
    try:
        if text.lstrip().startswith(("{", "[")):
            return True, cfn_json.loads(text)
        return True, cfn_yaml.loads(text, "t.yaml")
    except Exception as exc:  # any refusal is a refusal
        return False, exc


def _depth(value: Any, level: int = 0) -> int:
    """How deep maps and lists nest (the top one is 0; -1 when there is none)."""
    if not isinstance(value, dict | list):
        return -1
    children = value.values() if isinstance(value, dict) else value
    return max([level, *(_depth(child, level + 1) for child in children)])


def check_agrees(text: str) -> bool:
    """The fast decoder agrees with cfn-lint's on ``text``; True when it decided itself."""
    ok, ref = _reference(text)
    load = decode_json if text.lstrip().startswith(("{", "[")) else decode_yaml
    try:
        got, depth = load(text)
    except Exception:  # a refusal: cfn-lint decides
        return False
    assert ok, f"the fast path accepted what cfn-lint refuses ({ref!r})"
    assert_same(got, ref)
    assert depth == _depth(ref)
    return True


def _repository_files() -> list[Path]:
    suffixes = {".yaml", ".yml", ".json", ".template"}
    out: list[Path] = []
    for top in ("tests", "examples", "benchmarks", "src"):
        out.extend(
            p
            for p in sorted((REPO / top).rglob("*"))
            if p.suffix in suffixes
            and p.is_file()
            and p.stat().st_size < 2_000_000
            # what a clean checkout holds: not local venvs, caches or generated corpora
            and not any(part.startswith(".") for part in p.relative_to(REPO).parts)
        )
    return out


def test_every_yaml_and_json_file_in_the_repository_decodes_as_cfn_lint_does() -> None:
    files = _repository_files()
    assert len(files) > 20  # the repository's own fixtures, examples and data files
    decided = 0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        decided += check_agrees(text)
    assert decided > 0.95 * len(files)  # refusals are the odd cases, not the rule


TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  Always: !Condition IsProd
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt Role.Arn
      Other: !GetAtt [Role, Arn]
      Deep: !GetAtt Nested.Outputs.Value
      Name: !Sub "${Stage}-fn"
      Name2: !Sub
        - "${A}-${B}"
        - A: !Ref Stage
          B: !ImportValue shared
      Joined: !Join ["", [a, !Ref Stage, "c"]]
      Picked: !Select [0, !Split [",", "a,b"]]
      Chosen: !If [IsProd, 1024, !Ref AWS::NoValue]
      Mapped: !FindInMap [Map, !Ref Stage, Key]
      Base: !Base64 {"Fn::Sub": x}
      Empty: !Sub {}
      Bare: ! plain
      Env: &env
        Variables: {A: '1', B: "two", C: 3, D: 4.5, E: true, F: null, G: ~, H: 2024-01-31}
      Env2: *env
      Numbers: [0x1F, 0o17, 1_000, 1e3, .inf, -.inf, .nan, +12, 012, 1:20]
      Bools: [yes, No, on, OFF, y, n, True]
      Block: |
        line one
        line two
      Folded: >-
        folded
        text
      'quoted key': "esc\\u00e9\\t"
      ? complex
      : key
      unicode: "caf\u00e9 \U0001f600"
  Empty: {}
  List: []
"""


@pytest.mark.parametrize(
    "text",
    [
        TEMPLATE,
        TEMPLATE.replace("\n", "\r\n"),
        "a: 1\n",
        "- a\n- b\n",
        "just text\n",
        "a: [1, {b: [2, {c: !Ref d}]}]\n",
        "x: &a {y: &b [1, *b2]}\n".replace("*b2", "2") + "z: *a\nw: [*a, *a]\n",
        "# only a comment\nResources: {}\n",
        "Resources:\n\tQ: x\n",  # a tab: refused by both
        "a: 1\na: 2\n",  # repeated keys: cfn-lint refuses
        "a: {b: 1, b: 2}\n",
        "k: !Sub {a: 1, a: 2}\n",  # inside a tag, the last one wins
        "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",  # merge keys: cfn-lint decides
        "null: x\n",
        "~: x\n",
        "1: x\n2.5: y\ntrue: z\n2020-01-01: d\n",
        "? [a]\n: b\n",
        "? {a: 1}\n: b\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!str 5\nb: !!int '7'\n",
        "a: !!python/object:os.system x\n",
        "a: !!set {x, y}\n",
        "a: &r [*r]\n",
        "a: *nowhere\n",
        "--- a\n--- b\n",
        "",
        "   \n",
        "a: 2020-13-45\n",
        "k: !GetAtt {a: b}\n",
        "k: !GetAtt\n",
        "k: !Ref\n",
        "k: !Ref [a, b]\n",
        "k: !Fn::Sub x\n",
        "k: !<!Ref> x\n",
        "k: !<tag:yaml.org,2002:str> x\n",
        "k: \x01\n",
        "k: [\n",
        "k: 'unclosed\n",
        "a:\n  b:\n    - c\n    - d: e\n      f: g\n  h: i\n",
    ],
)
def test_yaml_cases_agree(text: str) -> None:
    check_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}),
        json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}, indent=2),
        json.dumps({"a": [1, 2.5, -3e-2, True, False, None, "x", [], {}]}, indent=4),
        '{"a":{"b":[{"c":"d"}]}}\n',
        '{\n"a"\n:\n1\n,\n"b" : [ 1 ,\n 2 ]\n}',
        '{\r\n  "a": "caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\/ \\n"\r\n}\r\n',
        '{"a": "\\ud800 lone surrogate"}',
        '{"a": NaN, "b": Infinity, "c": -Infinity}',
        '{"a": 1e400, "b": -0, "c": 0.0}',
        '{"a": 1,}',
        '{"a": [1,]}',
        '{"a": 1, "a": 2}',
        '{"a": {"b": 1, "b": 1}}',
        '{"a": "\\u 123"}',  # the C scanner is stricter: cfn-lint decides
        '{"a": "\\u+123"}',
        '{"a": "bad \\x escape"}',
        '{"a": "tab\tinside"}',
        '{"a": 01}',
        '{"a": 1} extra',
        '{"a": 1}\n\n  \n',
        '{"a": tru}',
        '{"a": ',
        "[1, 2, 3]",
        "[]",
        "{}",
        '\n\n{"late": {"start": []}}',
        '{"a": "' + "x" * 5000 + '"}',
        '{"a": ' + "1" * 5000 + "}",  # too many digits for int(): both refuse
    ],
)
def test_json_cases_agree(text: str) -> None:
    check_agrees(text)


_SCALARS = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _VALUES,
    st.sampled_from([None, 0, 1, 2]),
    st.booleans(),
)
def test_generated_documents_agree(value: Any, indent: int | None, as_yaml: bool) -> None:
    document = {"Resources": value}
    if as_yaml:
        text = yaml.safe_dump(document, default_flow_style=indent == 0, allow_unicode=indent == 2)
    else:
        text = json.dumps(document, indent=indent, ensure_ascii=indent != 2)
    assert check_agrees(text) or not _reference(text)[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_templates_agree(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from([TEMPLATE, json.dumps(_PLAIN, indent=1)]))
    cut = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    size = data.draw(st.integers(min_value=1, max_value=4))
    insert = data.draw(st.sampled_from(["", "&", "*", "!", ":", "-", "{", "]", '"', " ", "\n"]))
    check_agrees(text[:cut] + insert + text[cut + size :])


_PLAIN = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Environment": {"Variables": {"A": "caf\u00e9", "B": 2, "C": [1.5, None, True]}},
            },
        },
        "Empty": {},
    },
}


def test_the_usual_constructs_are_decided_by_the_fast_path() -> None:
    assert check_agrees(TEMPLATE)
    assert check_agrees(TEMPLATE.replace("\n", "\r\n"))
    assert check_agrees(json.dumps(_PLAIN, indent=1))
    assert check_agrees(json.dumps(_PLAIN))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [[1, {b: [2]}]]\nc: {d: {e: *x}}\nf: *x\n",
        "a: &x {b: !GetAtt X.Y}\nc: [[*x]]\n",
        "a: !Sub [x, {b: [!Ref c]}]\n",
        "a: !If [c, [[1]], !GetAtt [a, b]]\n",
        '{"a": [[[{"b": []}]]], "c": {}}',
        "scalar\n",
    ],
)
def test_depth_counts_aliases_where_they_are_used(text: str) -> None:
    assert check_agrees(text) or text == "scalar\n"


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 4, 5])
def test_the_nesting_limit_names_the_line_cfn_lints_value_gives(limit: int) -> None:
    text = "Resources:\n  A: &a\n    B: [1, {C: [2]}]\n  D:\n    E: [*a]\n"
    with limits.use(limits.Limits(max_nesting_depth=limit)):
        try:
            decode(text, "t.yaml")
            outcome = ""
        except limits.LimitError as exc:
            outcome = str(exc)
    ref = cfn_yaml.loads(text, "t.yaml")
    deeper = _depth(ref) > limit
    assert bool(outcome) == deeper
    if deeper:
        assert outcome.startswith("t.yaml:")


def test_aliases_share_one_value_as_in_cfn_lint() -> None:
    got = load_yaml("a: &x {k: [1]}\nb: *x\n")
    assert got["a"] is got["b"]


def test_alias_expansion_cfn_lint_refuses_is_refused() -> None:
    rows = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    rows += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 6)]
    text = "\n".join(rows) + "\n"
    assert not _reference(text)[0]
    with pytest.raises(UndecidedError):
        load_yaml(text)


def test_decode_returns_cfn_lints_value_when_the_fast_path_refuses() -> None:
    text = 'Resources: {"Q": {"Type": "AWS::SQS::Queue"}}\n'
    merged = "Base: &b {Type: AWS::SQS::Queue}\nResources:\n  Q:\n    <<: *b\n"
    with pytest.raises(UndecidedError):
        load_yaml(merged)
    assert_same(decode(merged, "t.yaml"), cfn_yaml.loads(merged, "t.yaml"))
    assert_same(decode(text, "t.yaml"), cfn_yaml.loads(text, "t.yaml"))
    escaped = '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "X": "\\u 041"}}}'
    assert_same(decode(escaped, "t.json"), cfn_json.loads(escaped))


def test_decode_errors_are_cfn_lints() -> None:
    for text, name, line in (
        ("a: 1\na: 2\nResources: {}\n", "t.yaml", 1),
        ("Resources:\n  Q: [\n", "t.yaml", 3),
        ('{"Resources": {"Q": 1,}}', "t.json", 1),
    ):
        with pytest.raises(InputError) as info:
            decode(text, name)
        assert info.value.line == line
        assert "\n" not in str(info.value)


def test_a_plain_template_is_decoded_without_importing_cfn_lint() -> None:
    code = textwrap.dedent(
        """
        import sys
        from fnguard.collect.cloudformation import decode
        decode("Resources:\\n  Q: {Type: AWS::SQS::Queue, Properties: {N: !Ref X}}\\n", "t")
        decode('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}', "t.json")
        print(sorted(m for m in sys.modules if m.startswith("cfnlint")))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"


def test_positioned_values_copy_and_pickle() -> None:
    got = load_yaml("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {A: [x]}\n")
    clone = copy.deepcopy(got)
    assert_same(clone, got)
    queue = got["Resources"]["Q"]
    assert line_of(queue.get("Missing", {})) == line_of(queue) == 3
    plain = pickle.loads(pickle.dumps(got))
    assert plain == got
    assert type(plain) is dict
    assert type(next(iter(plain))) is str
    assert type(plain["Resources"]["Q"]["Properties"]["A"]) is list
    assert marked_dict({}, None, None).get("x") is None
