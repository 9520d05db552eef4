"""Second round of Terraform collector fast paths, each checked against its general path.

- ``jsonencode`` (and policy documents) size and convert a value in one walk; the general
  walks (size, then convert) still decide anything unusual: each must give the same text, the
  same ``Partial``-ness, and the same failure.
- The evaluator reads a one-term expression's string literal, tuple, object or template
  without the generic dispatch; ``Instance.get`` evaluates a written attribute without
  ``_raw``; archive paths are joined as text; files are sorted by their parts.
- ``ModuleInstance.release`` no longer clears each instance's memo: instances still go back by
  reference counting.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import sys
import weakref
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pytest
from collect_tf_speed.tf_speed_helpers import expr_node, module_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard import limits
from fnguard.collect.terraform import _eval, _modules
from fnguard.collect.terraform._collector import _sorted_paths
from fnguard.collect.terraform._eval import Evaluator, Partial, Unknown
from fnguard.collect.terraform._modules import Instance, Loader, ModuleDef, ModuleInstance
from fnguard.collect.terraform._parse import parse_hcl

if TYPE_CHECKING:
    from collections.abc import Callable

    from tree_sitter import Node

# --------------------------------------------------------------------------- jsonencode

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "é", "\udc80", '"quoted"', "back\\slash", "${x}", "\u2028", "\x00", "日本"]
)
_LEAF = st.one_of(
    _TEXT,
    _TEXT.map(Partial),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.builds(Unknown, st.sampled_from(["aws_x.y.arn", "var.v", "local.l[0]"])),
)
_VALUES = st.recursive(
    _LEAF,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TEXT, children, max_size=4),
    max_leaves=30,
)


class _Weird:
    """Not a JSON value."""


class _MyStr(str):
    __slots__ = ()


class _MyList(list[Any]):
    pass


def _general_jsonencode(value: Any) -> Any:
    """``_jsonencode`` as it was: size first, then the general conversion walk."""
    cap = limits.active().max_file_bytes
    if _eval._bounded_size(value, cap) > cap:
        raise _eval._FailError("value too large")
    return _eval._json_text_walk(value)


def _outcome(run: Callable[[], Any]) -> tuple[str, Any, type | None]:
    """What a call gives: its text and exact type, or the exception type it raised."""
    try:
        result = run()
    except Exception as exc:  # the fast and general paths must fail alike
        return ("raised", type(exc).__name__, None)
    return ("value", str(result), type(result))


def _same_json(value: Any) -> None:
    assert _outcome(lambda: _eval.json_text(value)) == _outcome(
        lambda: _eval._json_text_walk(value)
    )
    assert _outcome(lambda: _eval._jsonencode(value)) == _outcome(
        lambda: _general_jsonencode(value)
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_VALUES)
def test_jsonencode_single_walk_matches_the_general_walks(value: Any) -> None:
    _same_json(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_VALUES, st.integers(min_value=0, max_value=200))
def test_jsonencode_cap_decided_as_the_general_walk_decides(value: Any, cap: int) -> None:
    """Under a tiny ``max-file-bytes`` the single walk stops where sizing would refuse."""
    with limits.use(dataclasses.replace(limits.Limits(), max_file_bytes=cap)):
        _same_json(value)


def test_jsonencode_odd_values_take_the_general_walk() -> None:
    shared = ["x" * 10, {"k": Unknown("aws_a.b.id")}]
    odd: list[Any] = [
        {"a": _Weird()},
        [1, (2, 3)],
        {"s": {1, 2}},
        {1: "int key"},
        {"sub": _MyStr("str subclass")},
        _MyList(["list subclass"]),
        [shared, shared, [shared]],
        {"nan": math.nan, "inf": -math.inf},
        [Partial("arn:${x}"), "plain"],
        Unknown("var.whole"),
        "just text",
        7,
        None,
    ]
    for value in odd:
        _same_json(value)
    assert type(_eval.json_text({"sub": _MyStr("x")})) is str
    assert _eval.json_text([shared, shared]) == _eval._json_text_walk([shared, shared])


def test_jsonencode_doubling_value_is_refused_like_the_sizing_walk() -> None:
    """``local.a = [local.b, local.b]`` forty levels deep: the walk stops at the cap."""
    value: Any = ["x" * 64]
    for _ in range(40):
        value = [value, value]
    assert _outcome(lambda: _eval._jsonencode(value)) == ("raised", "_FailError", None)
    assert _outcome(lambda: _general_jsonencode(value)) == ("raised", "_FailError", None)


def test_jsonencode_too_deep_value_fails_as_before() -> None:
    deep: Any = "leaf"
    for _ in range(sys.getrecursionlimit() + 50):
        deep = [deep]
    assert _outcome(lambda: _eval._jsonencode(deep)) == _outcome(lambda: _general_jsonencode(deep))
    assert _outcome(lambda: _eval.json_text(deep)) == _outcome(lambda: _eval._json_text_walk(deep))


# --------------------------------------------------------------------------- evaluator

MODULE = """
locals {
  prefix = "svc"
  list   = ["a", "b"]
}

variable "region" {
  default = "eu-west-1"
}

resource "aws_s3_bucket" "b" {
  bucket = "bucket-${var.region}"
}

resource "aws_iam_role" "self" {
  name        = aws_iam_role.self.name
  description = "plain"
  tags        = { Team = "a", Name = aws_iam_role.self.description }
}
"""

#: one-term expressions of every shape the direct dispatch takes, and near misses
EXPRESSIONS = [
    '"plain"',
    '"tab\\there"',
    '"quote \\" inside"',
    '"unicode \\u00e9 \\U0001F600"',
    '"é日本"',
    '"$${not.interpolated}"',
    '"%%{not a directive}"',
    '""',
    '"${local.prefix}-x"',
    '"${upper(local.prefix)}"',
    '"%{ if true }yes%{ else }no%{ endif }"',
    '"${ local.prefix }"',
    "<<EOT\nheredoc ${local.prefix}\n  indented\nEOT",
    "<<-EOT\n    trimmed ${var.region}\n      more\n    EOT",
    "42",
    "4.5e3",
    "-1",
    "true",
    "null",
    "[]",
    '["a", "b",]',
    '["a", local.prefix, ["nested", { k = "v" }]]',
    "[for s in local.list : upper(s)]",
    "{}",
    '{ a = "x", "b" = 1, (local.prefix) = true }',
    '{ nested = { deeper = [1, 2, { x = "${var.region}" }] } }',
    "{ for s in local.list : s => length(s) }",
    '/* comment */ "after a comment"',
    '"before a comment" # trailing',
    '("parenthesised")',
    '"a" == "a" ? "yes" : "no"',
    "local.list[0]",
    "aws_s3_bucket.b.arn",
    'jsonencode({ Statement = [{ Action = ["s3:*"], Resource = "${aws_s3_bucket.b.arn}/*" }] })',
]


def _general(evaluator: Evaluator, node: Node) -> Any:
    """The generic dispatch: a one-term expression's term handed to ``_HANDLERS`` as before
    (with ``eval``'s guard: a failure is the node's ``Unknown``)."""
    try:
        return _general_unguarded(evaluator, node)
    except Exception:  # as Evaluator.eval does
        return Unknown(_eval.node_text(node))


def _general_unguarded(evaluator: Evaluator, node: Node) -> Any:
    children = node.children
    if node.type == "expression" and len(children) == 1:
        first = children[0]
        if first.type == "collection_value":
            inner = first.children[0]
            return _eval._HANDLERS[inner.type](evaluator, inner)
        if first.type != "variable_expr":
            return _eval._HANDLERS[first.type](evaluator, first)
    return evaluator._node(node)


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_direct_dispatch_matches_the_handlers(tmp_path: Path, text: str) -> None:
    fast = module_of(MODULE, tmp_path)._evaluator.eval(expr_node(text))
    general = _general(module_of(MODULE, tmp_path)._evaluator, expr_node(text))
    assert fast == general
    assert type(fast) is type(general)


def test_direct_dispatch_values(tmp_path: Path) -> None:
    ev = module_of(MODULE, tmp_path)._evaluator
    assert ev.eval(expr_node('"unicode \\u00e9 \\U0001F600"')) == "unicode é \U0001f600"
    assert ev.eval(expr_node('"$${not.interpolated}"')) == "${not.interpolated}"
    assert ev.eval(expr_node('["a", local.prefix]')) == ["a", "svc"]
    assert ev.eval(expr_node("{ (local.prefix) = true }")) == {"svc": True}
    assert (
        ev.eval(expr_node("<<-EOT\n    t ${var.region}\n      m\n    EOT")) == "t eu-west-1\n  m\n"
    )


def _instances(tmp_path: Path) -> dict[str, Instance]:
    return {i.address: i for i in module_of(MODULE, tmp_path).instances()}


def test_instance_get_matches_raw(tmp_path: Path) -> None:
    """A written attribute read through ``get`` gives what ``_raw`` gives, self-references
    (an attribute still being evaluated) included."""
    for address, inst in _instances(tmp_path).items():
        other = _instances(tmp_path)[address]
        for name in inst.block.attrs:
            assert inst.get(name) == other._raw(name), (address, name)
            assert inst.get(name) is inst.get(name)  # remembered
    role = _instances(tmp_path)["aws_iam_role.self"]
    assert role.get("name") == Unknown("aws_iam_role.self.name")
    assert role.get("tags") == {"Team": "a", "Name": "plain"}
    assert role.get("unset") is _eval_missing()


def _eval_missing() -> object:
    from fnguard.collect.terraform._view import MISSING

    return MISSING


def test_instance_get_computed_and_unset(tmp_path: Path) -> None:
    bucket = _instances(tmp_path)["aws_s3_bucket.b"]
    assert bucket.get("arn") == "arn:aws:s3:::bucket-eu-west-1"
    assert bucket.get("region") is _eval_missing()
    assert bucket.get("region", "aws_s3_bucket.b.region") == Unknown(
        "aws_s3_bucket.b.region", "aws_s3_bucket.b", "region"
    )


def test_item_exprs_same_before_and_after_evaluation(tmp_path: Path) -> None:
    """``item_exprs`` reuses the nodes the evaluator walked: the same answer either way."""
    fresh = _instances(tmp_path)["aws_iam_role.self"]
    before = fresh.item_exprs("tags")
    evaluated = _instances(tmp_path)["aws_iam_role.self"]
    evaluated.get("tags")
    assert evaluated.item_exprs("tags") == before
    assert before["Name"][0] == "aws_iam_role.self.description"


def test_release_leaves_instances_to_reference_counting(tmp_path: Path) -> None:
    """After ``release`` nothing cyclic holds an instance, even one another instance
    remembered as a value (``peer``): dropping the views frees them all without the cyclic
    collector."""
    text = MODULE + 'resource "aws_sqs_queue" "q" {\n  peer = aws_s3_bucket.b\n}\n'
    hcl = parse_hcl(text.encode(), "main.tf")
    gc.disable()
    try:
        module = ModuleInstance(ModuleDef.build(".", [hcl]), "", {}, tmp_path, Loader(), [])
        views = list(module.instances())
        for view in views:
            for name in view.block.attrs:
                view.get(name)
        assert isinstance(module.resource("aws_sqs_queue", "q", "q").get("peer"), Instance)
        refs = [weakref.ref(v) for v in views]
        module.release()
        del views, module, view
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    "value",
    [
        "data.bin",
        "./data.bin",
        "sub/../data.bin",
        "sub//inner.bin",
        "sub/./inner.bin",
        "sub/inner.bin/",
        "sub",
        "sub/",
        "missing.zip",
        "",
        ".",
        "é/ü.bin",
        "nul\x00byte",
    ],
)
def test_read_path_matches_resolve_path(tmp_path: Path, value: str) -> None:
    (tmp_path / "data.bin").write_bytes(b"root data")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.bin").write_bytes(b"inner")
    (tmp_path / "é").mkdir()
    (tmp_path / "é" / "ü.bin").write_bytes(b"unicode")
    ev = module_of(MODULE, tmp_path)._evaluator

    def outcome(read: Callable[[], bytes]) -> object:
        try:
            return read()
        except (OSError, ValueError) as exc:
            return type(exc)

    assert outcome(lambda: ev.read_path(value)) == outcome(
        lambda: ev.resolve_path(value).read_bytes()
    )
    absolute = str(tmp_path / "data.bin")
    assert ev.read_path(absolute) == b"root data"


_PART = st.text(alphabet="aAbB-_.0é", min_size=1, max_size=4).filter(lambda s: s not in (".", ".."))


@given(st.lists(st.lists(_PART, min_size=1, max_size=4), max_size=25))
def test_sorted_paths_match_path_ordering(parts: list[list[str]]) -> None:
    paths = [Path(*p) for p in parts] + [Path("/abs", *p) for p in parts[:3]]
    assert _sorted_paths(paths) == sorted(set(paths))


def test_sorted_paths_order_by_parts_not_text() -> None:
    paths = [Path("a-c/main.tf"), Path("a/b.tf"), Path("A/z.tf"), Path("a/b.tf")]
    assert _sorted_paths(paths) == sorted(set(paths))
    assert _sorted_paths(paths)[1:] == [Path("a/b.tf"), Path("a-c/main.tf")]
    assert PurePosixPath("a/b") < PurePosixPath("a-c")  # why the text order would be wrong


# --------------------------------------------------------------------------- objects

OBJECT_MODULE = """
locals {
  prefix = "svc"
  list   = ["a", "b"]
  nested = { inner = "deep" }
}

variable "region" {
  default = "eu-west-1"
}

resource "aws_s3_bucket" "b" {
  bucket = "bucket-${var.region}"
}
"""

_KEYS = ["a", "Key_1", "with-dash", "true", "false", "null", "for", '"quoted key"', '"é"', "é", "1"]
_OBJECT_VALUES = [
    '"plain"',
    '""',
    '"# not a comment"',
    '"tab\\tescape"',
    '"\\u00e9"',
    '"${local.prefix}-x"',
    '"${ var.region }"',
    '"${aws_s3_bucket.b.arn}"',
    '"arn:${aws_s3_bucket.b.arn}/*"',
    '"${local.list}-x"',
    '"${local.missing}"',
    '"$${x.y}"',
    '"%{ if true }y%{ endif }"',
    '"${~ local.prefix}"',
    "local.prefix",
    "local.nested.inner",
    "local.nested.absent",
    "aws_s3_bucket.b.arn",
    "aws_s3_bucket.b.bucket",
    "aws_s3_bucket.nope.arn",
    "data.aws_caller_identity.me.account_id",
    "var.region",
    "local.list[0]",
    "true.x",
    "true",
    "false",
    "null",
    "truex",
    "42",
    "007",
    "1.5",
    "1e3",
    "-1",
    '["a", "b"]',
    '["a",\n  "b",\n]',
    '["${local.prefix}"]',
    '["a", local.prefix, "${var.region}-x"]',
    '[aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*",\n  local.nested.inner,\n]',
    '["${local.list}", local.missing.x]',
    '["a", # comment\n "b"]',
    '["a", local.list[0]]',
    '[true, "x"]',
    "[]",
    '{ inner = "x" }',
    "<<EOT\nheredoc ${local.prefix}\nEOT\n",
    'upper("x")',
    '"a" == "a"',
    "local.prefix # trailing comment",
    "local.prefix /* inline */",
]
_SEPARATORS = [",", "\n", ", ", ",\n", "\n\n", " ", "\r\n", ",  # comment\n", ""]
_ASSIGN = [" = ", "=", ": ", " =\t"]


@st.composite
def _objects(draw: st.DrawFn) -> str:
    items = draw(
        st.lists(
            st.tuples(
                st.sampled_from(_KEYS),
                st.sampled_from(_ASSIGN),
                st.sampled_from(_OBJECT_VALUES),
                st.sampled_from(_SEPARATORS),
            ),
            max_size=5,
        )
    )
    body = "".join(f"{k}{a}{v}{s}" for k, a, v, s in items)
    return (
        "{"
        + draw(st.sampled_from(["", " ", "\n  "]))
        + body
        + draw(st.sampled_from(["", " ", "\n"]))
        + "}"
    )


def _evaluate_object(text: str, root: Path) -> tuple[str, Any]:
    """An object's value through ``eval``, or why it did not parse."""
    try:
        node = expr_node(text)
    except Exception as exc:  # not HCL: the same for both paths
        return ("unparsed", type(exc).__name__)
    value = module_of(OBJECT_MODULE, root)._evaluator.eval(node)
    return (
        "value",
        (value, type(value), {k: type(v) for k, v in value.items()})
        if isinstance(value, dict)
        else (value, type(value)),
    )


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(_objects())
def test_plain_object_text_path_matches_the_node_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    fast = _evaluate_object(text, tmp_path)
    with monkeypatch.context() as patched:
        patched.setattr(_eval, "_plain_object_items", lambda _text: None)
        walked = _evaluate_object(text, tmp_path)
    assert fast == walked


def test_plain_object_text_path_is_taken_where_it_applies() -> None:
    taken = [
        "{}",
        '{ a = "x", b = local.prefix }',
        '{\n  A = "${local.prefix}-x"\n  "B" : ["s3:*"]\n  C = true\n  D = 42\n}',
    ]
    for text in taken:
        assert _eval._plain_object_items(text) is not None, text
    walked = [
        '{ a = "x" b = "y" }',  # no separator: read as tree-sitter reads it
        '{ a = "x" # comment\n}',
        "{ a = local.list[0] }",
        "{ null = 1 }",
        '{ a = "\\n" }',
        "{ a = { b = 1 } }",
        "{ a = 1.5 }",
        "{ for k, v in local.nested : k => v }",
    ]
    for text in walked:
        assert _eval._plain_object_items(text) is None, text


def test_plain_object_values(tmp_path: Path) -> None:
    ev = module_of(OBJECT_MODULE, tmp_path)._evaluator
    value = ev.eval(
        expr_node(
            '{\n  A = "${local.prefix}-x"\n  B = aws_s3_bucket.b.arn\n  C = ["s3:*"]\n'
            '  D = 7\n  E = null\n  A = "again"\n}'
        )
    )
    assert value == {
        "A": "again",
        "B": "arn:aws:s3:::bucket-eu-west-1",
        "C": ["s3:*"],
        "D": 7,
        "E": None,
    }
    assert list(value) == ["A", "B", "C", "D", "E"]  # a repeated key keeps its first place


@pytest.mark.parametrize("run", [1, 30, 2000])
def test_long_text_with_an_escape_is_read_in_linear_time(tmp_path: Path, run: int) -> None:
    """A template whose plain run ends in an escape is not a plain template: the check
    fails at once (it backtracked over every split of the run, 2**n steps, before the
    patterns were made possessive) and the walk reads it."""
    text = "a" * run
    ev = module_of(OBJECT_MODULE, tmp_path)._evaluator
    assert ev.eval(expr_node(f'"${{local.prefix}} {text}\\n"')) == f"svc {text}\n"
    obj = ev.eval(expr_node(f'{{ A = "${{local.prefix}} {text}\\n", B = ["{text}\\t"] }}'))
    assert obj == {"A": f"svc {text}\n", "B": [f"{text}\t"]}
    assert _eval._PLAIN_TEMPLATE.fullmatch(f'"{text}\\x"') is None
    assert _eval._plain_object_items(f'{{ A = "{text}\\x" }}') is None


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(_objects(), st.sampled_from(["", "\n\n", "  # lead\n"]))
def test_item_exprs_text_path_matches_the_node_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, lead: str
) -> None:
    """Per key: expression text, references and line, from the text as from the nodes."""
    hcl_text = (
        OBJECT_MODULE + f'resource "aws_lambda_function" "f" {{\n{lead}  variables = {text}\n}}\n'
    )

    def exprs() -> object:
        try:
            hcl = parse_hcl(hcl_text.encode(), "main.tf")
        except Exception as exc:  # not HCL: the same for both paths
            return type(exc).__name__
        module = ModuleInstance(ModuleDef.build(".", [hcl]), "p.", {}, tmp_path, Loader(), [])
        fn = module.resource("aws_lambda_function", "f", "f")
        return fn.item_exprs("variables")

    fast = exprs()
    with monkeypatch.context() as patched:
        patched.setattr(_modules, "plain_item_exprs", lambda _text: None)
        walked = exprs()
    assert fast == walked
