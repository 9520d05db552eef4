"""Hypothesis strategies for the fuzzers: documents each parser accepts, and mutations of them.

Generation is grammar-shaped (HCL expressions with every operator and many functions, templates
with every intrinsic, services with variables), so the fuzzers reach the evaluators and not only
the first syntax check; mutation then breaks the text at random places.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "EXAMPLES",
    "cfn_templates",
    "hcl_documents",
    "iam_documents",
    "mutated",
    "serverless_services",
    "toml_texts",
]

#: examples per parser: a CI-sized default, ``FNGUARD_FUZZ_EXAMPLES`` for a long run
EXAMPLES = int(os.environ.get("FNGUARD_FUZZ_EXAMPLES", "40"))

_NOISE = [
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "${",
    "%{",
    '"',
    "'",
    "\\",
    "\n",
    "\r\n",
    "\t",
    " ",
    ":",
    "=",
    ",",
    "*",
    "&a",
    "*a",
    "!Ref",
    "!Sub",
    "<<EOF\n",
    "EOF\n",
    "#",
    "//",
    "/*",
    "*/",
    "\x00",
    "\ufeff",
    "\xff",
    "é",
    "\U0001f600",
    "-",
    "?",
    "|",
    ">",
    "..",
    "../",
    "~",
]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random edits: deletions, insertions of syntax noise, duplications."""
    for _ in range(draw(st.integers(0, 4))):
        if not text:
            text = draw(st.sampled_from(_NOISE))
            continue
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "swap"]))
        if kind == "delete":
            end = draw(st.integers(at, min(len(text), at + 20)))
            text = text[:at] + text[end:]
        elif kind == "insert":
            noise = draw(st.sampled_from(_NOISE) | st.text(max_size=5))
            text = text[:at] + noise + text[at:]
        elif kind == "duplicate":
            end = draw(st.integers(at, min(len(text), at + 40)))
            text = text[:end] + text[at:end] + text[end:]
        else:
            other = draw(st.integers(0, len(text)))
            low, high = sorted((at, other))
            text = text[:low] + text[high:] + text[low:high]
    return text


# ----------------------------------------------------------------------------- HCL

_FUNCS = [
    "merge",
    "concat",
    "format",
    "lookup",
    "jsondecode",
    "jsonencode",
    "tostring",
    "tonumber",
    "tobool",
    "tolist",
    "toset",
    "tomap",
    "length",
    "upper",
    "lower",
    "trimspace",
    "replace",
    "join",
    "split",
    "substr",
    "element",
    "coalesce",
    "compact",
    "flatten",
    "distinct",
    "keys",
    "values",
    "contains",
    "zipmap",
    "range",
    "min",
    "max",
    "abs",
    "ceil",
    "floor",
    "sort",
    "reverse",
    "slice",
    "one",
    "basename",
    "base64encode",
    "base64decode",
    "sha256",
    "md5",
    "regex",
    "regexall",
    "can",
    "try",
    "yamlencode",
    "file",
    "fileexists",
    "filesha256",
    "templatefile",
    "urlencode",
    "title",
    "startswith",
    "trimprefix",
    "nosuchfunction",
]
_OPS = ["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"]
_REFS = [
    "local.l0",
    "local.l1",
    "local.l2",
    "local.l3",
    "var.v",
    "var.missing",
    "count.index",
    "each.key",
    "each.value",
    "path.module",
    "path.root",
    "terraform.workspace",
    "aws_iam_role.r.arn",
    "aws_iam_role.r",
    "aws_lambda_function.f.role",
    "module.m.out",
    "data.aws_iam_policy_document.d.json",
    "aws_s3_bucket.b[*].arn",
    "self.x",
]
_STRINGS = st.sampled_from(
    [
        "",
        "a",
        "x,y",
        "(a+)+$",
        "/[a-z]+/",
        "%s-%d",
        "../../etc/passwd",
        "arn:aws:s3:::b/*",
        "${local.l0}",
        "%{ if true }x%{ endif }",
        "\\u00e9",
        "$${x}",
        "ab" * 20,
    ]
)

_leaf = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["0.5", "1e308", "-0", "true", "false", "null"]),
    _STRINGS.map(json.dumps),
    st.sampled_from(_REFS),
)


def _compound(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(
            st.tuples(st.sampled_from(["a", "b", '"k"', "(local.l0)"]), children), max_size=3
        ).map(lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"),
        st.tuples(st.sampled_from(_FUNCS), st.lists(children, max_size=3), st.booleans()).map(
            lambda t: f"{t[0]}({', '.join(t[1])}{'...' if t[2] and t[1] else ''})"
        ),
        st.tuples(children, st.sampled_from(_OPS), children).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(st.sampled_from(["!", "-"]), children).map(lambda t: f"{t[0]}{t[1]}"),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(children, children).map(lambda t: f"[for k, v in {t[0]} : {t[1]}]"),
        st.tuples(children, children).map(lambda t: f"{{for x in {t[0]} : x => {t[1]}...}}"),
        st.tuples(children, st.sampled_from(["[0]", "[*].a", ".a", '["k"]', "[-1]"])).map(
            lambda t: f"({t[0]}){t[1]}"
        ),
        children.map(lambda c: '"pre-${' + c + '}-post"'),
        children.map(lambda c: "<<-EOT\n  line ${" + c + "}\n  EOT\n"),
    )


hcl_expressions = st.recursive(_leaf, _compound, max_leaves=12)


@st.composite
def hcl_documents(draw: st.DrawFn) -> str:
    """A module: locals (which may refer to each other), a variable, a role, a function using
    them with count / for_each / dynamic blocks, and possibly a module call."""
    exprs = [draw(hcl_expressions) for _ in range(4)]
    parts = ["locals {\n" + "".join(f"  l{i} = {e}\n" for i, e in enumerate(exprs)) + "}\n"]
    parts.append(f'variable "v" {{\n  default = {draw(hcl_expressions)}\n}}\n')
    meta = draw(st.sampled_from(["", "count", "for_each"]))
    parts.append(
        'resource "aws_iam_role" "r" {\n'
        f"  name = {draw(hcl_expressions)}\n"
        f"  assume_role_policy = jsonencode({draw(hcl_expressions)})\n"
        "}\n"
    )
    parts.append(
        'resource "aws_lambda_function" "f" {\n'
        + (f"  {meta} = {draw(hcl_expressions)}\n" if meta else "")
        + f"  function_name = {draw(hcl_expressions)}\n"
        + "  role = aws_iam_role.r.arn\n"
        + f"  memory_size = {draw(hcl_expressions)}\n"
        + f"  environment {{\n    variables = {draw(hcl_expressions)}\n  }}\n"
        + '  dynamic "vpc_config" {\n'
        + f"    for_each = {draw(hcl_expressions)}\n"
        + "    content {\n      subnet_ids = [vpc_config.value]\n    }\n  }\n"
        + "}\n"
    )
    if draw(st.booleans()):
        source = draw(st.sampled_from(["./", "./m", "../", "git::https://x", "/etc"]))
        parts.append(f'module "m" {{\n  source = "{source}"\n  x = {draw(hcl_expressions)}\n}}\n')
    return "".join(parts)


# ----------------------------------------------------------------------------- CloudFormation

_NAMES = ["Fn", "Role", "Queue", "P", "Missing", "AWS::Region", "AWS::NoValue", "AWS::AccountId"]
_CFN_TYPES = [
    "AWS::Lambda::Function",
    "AWS::IAM::Role",
    "AWS::SQS::Queue",
    "AWS::Lambda::Permission",
    "AWS::Serverless::Function",
    "AWS::Lambda::Url",
    "AWS::Lambda::EventSourceMapping",
    "AWS::IAM::Policy",
    "AWS::Logs::LogGroup",
    "Custom::Thing",
    5,
]


def _cfn_leaf() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 10**6),
        st.floats(allow_nan=False),
        st.sampled_from(
            [
                "",
                "x",
                "arn:aws:iam::123456789012:role/r",
                "python3.12",
                "*",
                "${Fn.Arn}",
                "${AWS::Region}-${P}",
                "${!Literal}",
                "a,b",
            ]
        ),
    )


def _cfn_compound(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    names = st.sampled_from(_NAMES)
    return st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "A",
                    "B",
                    "Variables",
                    "Statement",
                    "Effect",
                    "Action",
                    "Resource",
                    "Principal",
                    "Condition",
                ]
            ),
            children,
            max_size=3,
        ),
        names.map(lambda n: {"Ref": n}),
        st.tuples(names, st.sampled_from(["Arn", "Name", "", "A.B"])).map(
            lambda t: {"Fn::GetAtt": [t[0], t[1]]}
        ),
        names.map(lambda n: {"Fn::GetAtt": f"{n}.Arn"}),
        children.map(lambda c: {"Fn::Sub": c}),
        st.tuples(children, st.dictionaries(st.sampled_from(["X", "Y"]), children, max_size=2)).map(
            lambda t: {"Fn::Sub": [t[0], t[1]]}
        ),
        st.tuples(children, children).map(lambda t: {"Fn::Join": [t[0], t[1]]}),
        st.tuples(st.sampled_from(["C", "D", "Missing"]), children, children).map(
            lambda t: {"Fn::If": [t[0], t[1], t[2]]}
        ),
        st.tuples(children, children).map(lambda t: {"Fn::Select": [t[0], t[1]]}),
        st.tuples(children, children).map(lambda t: {"Fn::Split": [t[0], t[1]]}),
        st.lists(children, max_size=4).map(lambda xs: {"Fn::FindInMap": xs}),
        st.sampled_from(
            [
                "Fn::Equals",
                "Fn::And",
                "Fn::Or",
                "Fn::Not",
                "Fn::Base64",
                "Fn::ToJsonString",
                "Fn::Length",
                "Fn::ImportValue",
                "Fn::GetAZs",
                "Fn::Cidr",
                "Fn::Bogus",
                "Fn::Transform",
            ]
        ).flatmap(lambda fn: children.map(lambda c: {fn: c})),
        st.sampled_from(["C", "D", "E"]).map(lambda c: {"Condition": c}),
    )


cfn_values = st.recursive(_cfn_leaf(), _cfn_compound, max_leaves=15)


@st.composite
def cfn_templates(draw: st.DrawFn) -> dict[str, Any]:
    resources = {
        name: {"Type": draw(st.sampled_from(_CFN_TYPES)), "Properties": draw(cfn_values)}
        for name in draw(
            st.lists(st.sampled_from(["Fn", "Role", "Queue", "Url"]), unique=True, max_size=4)
        )
    }
    template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    if draw(st.booleans()):
        template["Transform"] = draw(st.sampled_from(["AWS::Serverless-2016-10-31", "Other", 5]))
        template["Globals"] = {"Function": draw(cfn_values)}
    template["Parameters"] = {"P": {"Type": "String", "Default": draw(cfn_values)}}
    template["Conditions"] = {c: draw(cfn_values) for c in ("C", "D")}
    template["Mappings"] = {"M": {"K": draw(cfn_values)}}
    return template


# ----------------------------------------------------------------------------- serverless

_VARIABLES = [
    "${self:custom.a}",
    "${self:custom.b}",
    "${self:provider.stage}",
    "${opt:stage, 'dev'}",
    "${env:HOME}",
    "${ssm:/x/y}",
    "${file(./other.yml):k}",
    "${file(../../x.yml)}",
    "${file(./code.js)}",
    "${self:custom.a, ${self:custom.b}}",
    "${sls:stage}",
    "${param:p}",
    "${bogus:x}",
    "${self:",
    "${cf:stack.out}",
    "pre-${self:custom.c}-post",
]


def _sls_compound(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "a",
                    "b",
                    "c",
                    "handler",
                    "events",
                    "environment",
                    "http",
                    "sqs",
                    "s3",
                    "role",
                    "iam",
                    "url",
                ]
            ),
            children,
            max_size=3,
        ),
    )


sls_values = st.recursive(
    st.one_of(st.sampled_from(_VARIABLES), _cfn_leaf()), _sls_compound, max_leaves=12
)


@st.composite
def serverless_services(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "service": draw(st.sampled_from(["svc", "${self:custom.a}", 5])),
        "provider": {
            "name": "aws",
            "runtime": "python3.12",
            "stage": draw(sls_values),
            "iam": draw(sls_values),
            "environment": draw(sls_values),
        },
        "custom": {"a": draw(sls_values), "b": draw(sls_values), "c": draw(sls_values)},
        "functions": {
            "f": {"handler": "h.h", "events": draw(sls_values), "environment": draw(sls_values)},
            "g": draw(sls_values),
        },
        "resources": {
            "Resources": {"R": {"Type": "AWS::SQS::Queue", "Properties": draw(cfn_values)}}
        },
    }


# ----------------------------------------------------------------------------- TOML

_TOML_LINES = [
    'select = ["IAM", "EXP001"]',
    'ignore = ["LOG001"]',
    'fail-on = "high"',
    "fail-on = 5",
    "[severity]",
    'LOG001 = "info"',
    'IAM001 = "nope"',
    "[thresholds]",
    "min-azs = 2",
    'allowed-public = ["webhook", "(a+)+$"]',
    "memory-max-mb = -1",
    "trusted-accounts = [1]",
    "[limits]",
    'max-file-bytes = "64MB"',
    "max-nesting-depth = 0",
    'max-seconds-per-file = "2m"',
    "max-archive-ratio = 1.5",
    'max-instances = "many"',
    "[tool.fnguard]",
    "x = {a = [1, {b = 2}]}",
    "[[thresholds]]",
    'select = "IAM"',
    "limits = 3",
    "unknown = true",
]


@st.composite
def toml_texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.sampled_from(_TOML_LINES), max_size=8))
    return draw(mutated("\n".join(lines) + "\n"))


# ----------------------------------------------------------------------------- IAM

_ACTIONS = [
    "s3:GetObject",
    "s3:*",
    "*",
    "iam:PassRole",
    "lambda:*Function*",
    "S3:get?bject",
    "notaservice",
    "",
    "sts:AssumeRole",
    7,
]
_RESOURCES = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::${aws:username}/*",
    "arn:aws:sqs:*:*:q",
    "arn:aws:s3:::a*b*c*d",
    "${aws_s3_bucket.b.arn}",
    "${*}${?}${$}",
    None,
    5,
]
_CONDITIONS = st.dictionaries(
    st.sampled_from(
        [
            "StringEquals",
            "StringLike",
            "ForAnyValue:StringLike",
            "ArnLike",
            "NumericLessThan",
            "DateGreaterThan",
            "Bool",
            "IpAddress",
            "Null",
            "StringEqualsIfExists",
            "ForAllValues:StringNotEquals",
            "Bogus",
            "",
        ]
    ),
    st.dictionaries(
        st.sampled_from(
            [
                "aws:SourceArn",
                "aws:PrincipalTag/team",
                "aws:SourceIp",
                "aws:CurrentTime",
                "aws:TagKeys",
                "s3:prefix",
            ]
        ),
        st.one_of(
            st.sampled_from(
                [
                    "x",
                    "10.0.0.0/8",
                    "2020-01-01T00:00:00Z",
                    "1",
                    "true",
                    "not-an-ip",
                    "${aws:username}",
                ]
            ),
            st.lists(st.sampled_from(["a", "b*", "1"]), max_size=3),
            st.integers(),
            st.none(),
        ),
        max_size=2,
    ),
    max_size=2,
)
_PRINCIPALS = st.one_of(
    st.sampled_from(
        [
            "*",
            {"AWS": "*"},
            {"Service": "lambda.amazonaws.com"},
            {"AWS": ["123456789012", "arn:aws:iam::111122223333:role/r"]},
            {"Federated": "cognito"},
            {"CanonicalUser": "x"},
            {"Bogus": 1},
            5,
        ]
    ),
)


def _statement() -> st.SearchStrategy[Any]:
    fields = st.fixed_dictionaries(
        {},
        optional={
            "Sid": st.sampled_from(["a", "", 5]),
            "Effect": st.sampled_from(["Allow", "Deny", "allow", "Maybe", None]),
            "Action": st.one_of(st.sampled_from(_ACTIONS), st.lists(st.sampled_from(_ACTIONS))),
            "NotAction": st.sampled_from(_ACTIONS),
            "Resource": st.one_of(
                st.sampled_from(_RESOURCES), st.lists(st.sampled_from(_RESOURCES), max_size=3)
            ),
            "NotResource": st.sampled_from(_RESOURCES),
            "Principal": _PRINCIPALS,
            "NotPrincipal": _PRINCIPALS,
            "Condition": _CONDITIONS,
        },
    )
    return st.one_of(fields, st.sampled_from([None, 5, "x", []]))


@st.composite
def iam_documents(draw: st.DrawFn) -> Any:
    statements = draw(st.one_of(st.lists(_statement(), max_size=4), _statement()))
    document: dict[str, Any] = {"Statement": statements}
    if draw(st.booleans()):
        document["Version"] = draw(st.sampled_from(["2012-10-17", "2008-10-17", "1999", 5]))
    return draw(st.one_of(st.just(document), st.sampled_from([None, [], "x", 5])))
