"""The Terraform collector's fast paths give what the general paths give.

Plain dotted references (``a.b.c``) are read from their text instead of their tree nodes;
variable defaults are evaluated once per module instance; file paths below the root are
sliced instead of normalised. Each is checked against the general path on the same input,
including the near misses where a remembered value must not be reused.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from collect.tf_helpers import collect_dir
from collect_tf_speed.tf_speed_helpers import expr_node, module_of

from fnguard.collect.terraform import _eval
from fnguard.collect.terraform._collector import _clean_suffix
from fnguard.collect.terraform._eval import Unknown, references
from fnguard.collect.terraform._modules import Loader, ModuleDef, ModuleInstance
from fnguard.collect.terraform._parse import parse_hcl
from fnguard.collect.terraform._view import MISSING

MODULE = """
variable "region" {
  default = "eu-west-1"
}

variable "names" {
  default = { a = "alpha", b = "beta" }
}

locals {
  prefix = "svc"
  nested = { inner = { leaf = "deep" } }
}

resource "aws_iam_role" "r" {
  count = 2
  name  = "role-${count.index}"
}

resource "aws_sqs_queue" "q" {
  for_each = var.names
  name     = "${local.prefix}-${each.value}"
}

resource "aws_s3_bucket" "b" {
  bucket = "bucket-${var.region}"
}

data "aws_caller_identity" "me" {}
"""

# Each is evaluated written plainly (fast path) and with spaces around every dot (the
# general path through the tree nodes); both must give the same value.
EXPRESSIONS = [
    "var.region",
    "var.names.a",
    "var.missing",
    "local.prefix",
    "local.nested.inner.leaf",
    "local.nested.inner.absent",
    "local.absent",
    "aws_s3_bucket.b.bucket",
    "aws_s3_bucket.b.arn",
    "aws_s3_bucket.b.id",
    "aws_s3_bucket.missing.arn",
    "data.aws_caller_identity.me.account_id",
    "path.module",
    "terraform.workspace",
    "terraform.other",
    "count.index",
    "each.value",
    "self.name",
    "nothing.here",
]


def _module(tmp_path: Path) -> ModuleInstance:
    return module_of(MODULE, tmp_path)


_expr_node = expr_node


def _comparable(value: object) -> object:
    # The general path keeps the spaced text as the Unknown's expression; the rest must match.
    if isinstance(value, Unknown):
        return ("unknown", value.address, value.attr)
    return value


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_dotted_reference_matches_the_node_path(tmp_path: Path, text: str) -> None:
    module = _module(tmp_path)
    plain = module._evaluator.eval(_expr_node(text))
    spaced = module._evaluator.eval(_expr_node(text.replace(".", " . ")))
    assert _comparable(plain) == _comparable(spaced)
    if isinstance(plain, Unknown):
        assert plain.expr == text


def test_dotted_reference_values(tmp_path: Path) -> None:
    module = _module(tmp_path)

    def ev(text: str) -> object:
        return module._evaluator.eval(_expr_node(text))

    assert ev("var.region") == "eu-west-1"
    assert ev("local.nested.inner.leaf") == "deep"
    assert ev("aws_s3_bucket.b.arn") == "arn:aws:s3:::bucket-eu-west-1"
    assert ev("path.module") == "."
    assert ev("terraform.workspace") == "default"
    assert ev("aws_s3_bucket.b.tags") == Unknown("aws_s3_bucket.b.tags", "aws_s3_bucket.b", "tags")


def test_bindings_are_read_per_instance(tmp_path: Path) -> None:
    """``count.index`` and ``each.value`` name bound values: each instance its own."""
    module = _module(tmp_path)
    roles = {i.address: i.get("name") for i in module.instances() if i.type == "aws_iam_role"}
    assert roles == {"aws_iam_role.r[0]": "role-0", "aws_iam_role.r[1]": "role-1"}
    queues = {i.address: i.get("name") for i in module.instances() if i.type == "aws_sqs_queue"}
    assert queues == {'aws_sqs_queue.q["a"]': "svc-alpha", 'aws_sqs_queue.q["b"]': "svc-beta"}


def test_indexed_and_splat_references_take_the_node_path(tmp_path: Path) -> None:
    module = _module(tmp_path)
    assert module._evaluator.eval(_expr_node("aws_iam_role.r[1].name")) == "role-1"
    assert module._evaluator.eval(_expr_node("aws_iam_role.r.*.name")) == ["role-0", "role-1"]
    assert module._evaluator.eval(_expr_node("aws_iam_role.r[*].name")) == ["role-0", "role-1"]
    assert module._evaluator.eval(_expr_node('aws_sqs_queue.q["b"].name')) == "svc-beta"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aws_iam_role.r.arn", ["aws_iam_role.r.arn"]),
        ("data.aws_iam_policy_document.d.json", ["data.aws_iam_policy_document.d.json"]),
        ("module.m.out", ["module.m.out"]),
        ("var.x", []),
        ("local.a.b", []),
        ("each.value.name", []),
        ("count.index", []),
        ("true", []),
        ("null", []),
        ("plain", []),
        ("aws_iam_role.r[0].arn", ["aws_iam_role.r"]),
        ('"${aws_iam_role.r.arn}:*"', ["aws_iam_role.r.arn"]),
    ],
)
def test_references_fast_path_matches_the_walk(text: str, expected: list[str]) -> None:
    assert references(_expr_node(text)) == expected
    spaced = text.replace(".", " . ") if "[" not in text and '"' not in text else text
    walked = [r.replace(" ", "") for r in references(_expr_node(spaced))]
    assert walked == expected


SHARED = """
variable "suffix" {
  default = "%s"
}

resource "aws_lambda_function" "fn" {
  function_name = "fn-${var.suffix}"
  role          = "arn:aws:iam::123456789012:role/r"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "fn.zip"
}
"""


def test_same_default_text_in_two_modules_is_not_shared(tmp_path: Path) -> None:
    """Two root modules with the same variable and expression: each reads its own default."""
    for name, suffix in (("one", "first"), ("two", "second")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(SHARED % suffix)
    names = {f.address: f.name for f in collect_dir(tmp_path).functions}
    assert names == {
        "one:aws_lambda_function.fn": "fn-first",
        "two:aws_lambda_function.fn": "fn-second",
    }


def test_module_calls_keep_their_own_inputs_over_a_remembered_default(tmp_path: Path) -> None:
    """One module folder called twice: an input given to one call is not the other's value,
    and the default one call falls back on stays the default."""
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.tf").write_text(SHARED % "default")
    (tmp_path / "main.tf").write_text(
        'module "a" {\n  source = "./fn"\n}\n\n'
        'module "b" {\n  source = "./fn"\n  suffix = "given"\n}\n\n'
        'module "c" {\n  source = "./fn"\n}\n'
    )
    names = {f.address: f.name for f in collect_dir(tmp_path).functions}
    assert names == {
        "module.a.aws_lambda_function.fn": "fn-default",
        "module.b.aws_lambda_function.fn": "fn-given",
        "module.c.aws_lambda_function.fn": "fn-default",
    }


@pytest.mark.parametrize("root", [".", "a", "a/b", "/abs/x", "../up", "/", "a/./b"])
@pytest.mark.parametrize(
    "text",
    [
        "a/b/c.tf",
        "a/c.tf",
        "c.tf",
        "/abs/x/y/z.tf",
        "../up/q.tf",
        "/abs/x/./y.tf",
        "a/../a/c.tf",
        "a//c.tf",
        "/x.tf",
        "a/b/../c.tf",
        "ab/c.tf",
        "a/./b/c.tf",
    ],
)
def test_clean_suffix_agrees_with_relpath(root: str, text: str) -> None:
    found = _clean_suffix(text, root)
    if found is not None:  # None: the caller asks os.path
        expected = Path(os.path.relpath(os.path.abspath(text), os.path.abspath(root))).as_posix()
        assert found == expected


def test_clean_suffix_takes_the_plain_cases() -> None:
    assert _clean_suffix("root/svc/main.tf", "root") == "svc/main.tf"
    assert _clean_suffix("svc/main.tf", ".") == "svc/main.tf"
    assert _clean_suffix("rootx/main.tf", "root") is None
    assert _clean_suffix("root/../x.tf", "root") is None


TEMPLATE_MODULE = """
variable "r" {
  default = "eu"
}

locals {
  p = "svc"
  n = 5
  l = ["a"]
  o = { k = "v" }
}

resource "aws_s3_bucket" "b" {
  bucket = "bk"
}
"""

TEMPLATES = [
    '"${local.p}-x"',
    '"${ local.p }"',
    '"${local.n}"',
    '"${local.l}"',
    '"${local.o}"',
    '"a${local.o.k}b${var.r}c"',
    '"${local.missing}"',
    '"${aws_s3_bucket.b.arn}/*"',
    '"${aws_s3_bucket.c.id}"',
    '"${path.module}/x"',
    '"${true.x}"',
    '"${for.x}"',
    '"é${local.p}ü"',
    '"${local.p}${local.p}"',
    '"${count.index}x"',
    '"${terraform.workspace}"',
    '"${data.a.b.c}"',
    '"${var.r.x}"',
    '"${local.o.k.z}"',
    '"${local.p}\\n"',
    '"$${local.p}"',
    '"cost $5 ${local.p}"',
    '"${~ local.p ~}"',
    '"${local.l[0]}"',
    '"%{ if true }x%{ endif }"',
]


@pytest.mark.parametrize("text", TEMPLATES)
def test_plain_template_matches_the_node_path(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quoted template read from its text gives what the tree walk gives (value and type:
    a ``Partial`` stays partial), and templates with escapes, directives, strip markers or
    indexes are left to the tree walk."""

    def evaluate() -> object:
        hcl = parse_hcl(TEMPLATE_MODULE.encode(), "main.tf")
        module = ModuleInstance(ModuleDef.build(".", [hcl]), "", {}, tmp_path, Loader(), [])
        return module._evaluator.eval(_expr_node(text))

    fast = evaluate()
    monkeypatch.setattr(_eval, "_PLAIN_TEMPLATE", re.compile(r"(?!)"))  # never matches
    walked = evaluate()
    assert fast == walked
    assert type(fast) is type(walked)


def test_plain_template_is_taken_where_it_applies() -> None:
    assert _eval._PLAIN_TEMPLATE.fullmatch('"${local.prefix}-fn_0618"')
    assert _eval._PLAIN_TEMPLATE.fullmatch('"arn:aws:s3:::${aws_s3_bucket.b.id}/*"')
    for text in ('"${true.x}"', '"a\\tb${x.y}"', '"${x}"', '"${x.y[0]}"', '"%{if x.y}a%{endif}"'):
        assert _eval._PLAIN_TEMPLATE.fullmatch(text) is None


def test_json_text_marks_unknown_parts() -> None:
    """One walk converts and notices unknown parts, at any depth (a ``Partial`` string too)."""
    assert _eval.json_text({"a": [1, "x", None, True]}) == '{"a":[1,"x",null,true]}'
    assert type(_eval.json_text({"a": [1, "x"]})) is str
    deep = _eval.json_text({"a": [{"b": Unknown("aws_x.y.arn")}]})
    assert deep == '{"a":[{"b":"${aws_x.y.arn}"}]}'
    assert isinstance(deep, _eval.Partial)
    assert isinstance(_eval.json_text(["ok", _eval.Partial("arn:${x}")]), _eval.Partial)
    with pytest.raises(_eval._FailError):
        _eval.json_text({"a": object()})


UNSET = """
resource "aws_s3_bucket" "b" {
  bucket = "bk"
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"

  environment {
    variables = { A = "1" }
  }
}
"""


def test_unset_attributes_answer_quickly_but_computed_ones_still_compute(tmp_path: Path) -> None:
    """An attribute nobody wrote is MISSING for the mapper, unless the collector computes it
    (an S3 bucket's ARN) or an expression reads it (then a nested block's value, or an
    Unknown naming the resource)."""
    hcl = parse_hcl(UNSET.encode(), "main.tf")
    module = ModuleInstance(ModuleDef.build(".", [hcl]), "", {}, tmp_path, Loader(), [])
    views = {i.address: i for i in module.instances()}
    bucket, fn = views["aws_s3_bucket.b"], views["aws_lambda_function.fn"]
    assert bucket.get("arn") == "arn:aws:s3:::bk"  # not written, computed
    assert bucket.get("acl") is MISSING
    assert fn.get("arn") is MISSING  # no computation for a function's arn
    assert fn.get("arn", "aws_lambda_function.fn.arn") == Unknown(
        "aws_lambda_function.fn.arn", "aws_lambda_function.fn", "arn"
    )
    assert fn.get("environment") is MISSING  # a block, not an attribute, for the mapper
    assert fn.get("environment", "aws_lambda_function.fn.environment") == [
        {"variables": {"A": "1"}}
    ]
    assert fn.get("function_name") == "fn"
    assert fn.get("function_name", "x") == "fn"


TUPLES = [
    "[]",
    '["a"]',
    '["a", "b",]',
    '[\n  "logs:CreateLogStream",\n  "logs:PutLogEvents",\n]',
    '["é", ""]',
    '["a", "b\\tc"]',
    '["$${x}", "y"]',
    '["a", local.p]',
    '["a", "${local.p}"]',
    '["a", # comment\n "b"]',
    '["a", 1, true]',
    '[["a"], "b"]',
]


@pytest.mark.parametrize("text", TUPLES)
def test_plain_tuple_matches_the_node_path(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tuple of plain strings read from its text equals the element-by-element walk; any
    other element (escape, template, reference, comment, number, nested tuple) takes the walk."""

    def evaluate() -> object:
        hcl = parse_hcl(TEMPLATE_MODULE.encode(), "main.tf")
        module = ModuleInstance(ModuleDef.build(".", [hcl]), "", {}, tmp_path, Loader(), [])
        return module._evaluator.eval(_expr_node(text))

    fast = evaluate()
    monkeypatch.setattr(_eval, "_PLAIN_TUPLE", re.compile(r"(?!)"))  # never matches
    assert fast == evaluate()


def test_plain_tuple_is_taken_where_it_applies() -> None:
    assert _eval._PLAIN_TUPLE.fullmatch('[\n  "a:B",\n  "c",\n]')
    for text in ('["a\\n"]', '["${x}"]', '["a", x]', '["a" # c\n]', "[1]"):
        assert _eval._PLAIN_TUPLE.fullmatch(text) is None


@pytest.mark.parametrize(
    "text",
    [
        '"${aws_iam_role.r.arn}:*"',
        '"${a.b}-${c.d}/${var.x}:${e.f.g}"',
        '"arn:${data.aws_partition.p.partition}:s3:::${aws_s3_bucket.b.id}/*"',
        '"${local.a.b}${each.value.x}${count.index}"',
        '"plain"',
        '"${ module.m.out }"',
    ],
)
def test_references_of_a_plain_template_match_the_walk(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same references in the same order (the walk meets the last interpolation first)."""
    fast = references(_expr_node(text))
    monkeypatch.setattr(_eval, "_PLAIN_TEMPLATE", re.compile(r"(?!)"))  # never matches
    assert fast == references(_expr_node(text))


@pytest.mark.parametrize(
    "text",
    [
        '{ a = 1, "b" = 2, true = 3, false = 4, "c d" = 5 }',
        '{ (local.p) = 6, "${local.p}" = 7, "e\\tf" = 8, my-key = 9 }',
        "{ null = 1 }",
        '{ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:*"] }] }',
        '{ a = 1 # comment\n  "b" = 2 }',
    ],
)
def test_object_keys_read_from_text_match_the_node_path(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def evaluate() -> object:
        hcl = parse_hcl(TEMPLATE_MODULE.encode(), "main.tf")
        module = ModuleInstance(ModuleDef.build(".", [hcl]), "", {}, tmp_path, Loader(), [])
        return module._evaluator.eval(_expr_node(text))

    fast = evaluate()
    never = re.compile(r"(?!)")
    for name in ("_KEY_NAME", "_PLAIN_STRING", "_PLAIN_TUPLE", "_PLAIN_TEMPLATE"):
        monkeypatch.setattr(_eval, name, never)
    monkeypatch.setattr(_eval, "_plain_object_items", lambda _text: None)  # objects: walked
    walked = evaluate()
    assert fast == walked
    assert type(fast) is type(walked)


def test_large_and_nested_tuples_take_the_walk_and_agree(tmp_path: Path) -> None:
    """Past the text-path size a tuple is walked element by element: same values."""
    items = [f"item-{i:05d}" for i in range(600)]  # ~8 KB of text: over the text-path size
    text = "[" + ", ".join(f'"{i}"' for i in items) + "]"
    assert len(text) > _eval._TEXT_PATH_MAX
    hcl = parse_hcl(TEMPLATE_MODULE.encode(), "main.tf")
    module = ModuleInstance(ModuleDef.build(".", [hcl]), "", {}, tmp_path, Loader(), [])
    assert module._evaluator.eval(_expr_node(text)) == items
    assert module._evaluator.eval(_expr_node(f'[{text}, ["x"]]')) == [items, ["x"]]


@pytest.mark.parametrize(
    "text",
    [
        '"abc"',
        '""',
        '"a\\"b"',
        '"${local.p}-x"',
        '"a" == "a"',
        '"a"[0]',
        "local.nested.inner.leaf",
        "true.x",
        "null",
        "var.names.a",
        "aws_s3_bucket.b.arn",
        "local.nested.inner",
        "local . nested",
    ],
)
def test_expression_text_path_matches_the_node_path(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every text path switched off, the node walk gives the same values (an Unknown's
    text too) for strings, templates, dotted references, operators, indexes and literals."""

    def evaluate() -> object:
        module = _module(tmp_path)
        return module._evaluator.eval(_expr_node(text))

    fast = evaluate()
    never = re.compile(r"(?!)")
    for name in ("_DOTTED", "_PLAIN_STRING", "_PLAIN_TUPLE", "_PLAIN_TEMPLATE", "_KEY_NAME"):
        monkeypatch.setattr(_eval, name, never)
    monkeypatch.setattr(_eval, "_plain_object_items", lambda _text: None)  # objects: walked
    walked = evaluate()
    assert fast == walked  # an Unknown's expression text too
    assert type(fast) is type(walked)
