"""Hostile Terraform: each case is one kind of bad input with its exact outcome.

Outcomes: a gap on the file while the rest of the scan completes (``gap``), a one-line error
naming file:line (``error``), or a completed scan whose hostile value stayed unknown without
exhausting time or memory (``done``: the sentinel and the function in the hostile file are
both reported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hostile.conftest import assert_bounded, assert_error, assert_gap, sentinel_scanned

if TYPE_CHECKING:
    from collections.abc import Callable

    from hostile.hostile_sandbox import Outcome


def fn(name: str, extra: str = "", memory: str = "20000") -> str:
    """A function whose memory is out of range (LIM001), plus ``extra`` attributes."""
    return (
        f'resource "aws_lambda_function" "{name}" {{\n'
        f'  function_name = "{name}"\n'
        f"  memory_size   = {memory}\n"
        f'  role          = "arn:aws:iam::123456789012:role/{name}"\n'
        f"{extra}"
        "}\n"
    )


def env(value: str) -> str:
    return f"  environment {{\n    variables = {{\n      X = {value}\n    }}\n  }}\n"


def lim001(outcome: Outcome, name: str) -> bool:
    return any(
        f["rule_id"] == "LIM001" and f["resource"].endswith(f".{name}")
        for f in outcome.report()["findings"]
    )


def assert_done(outcome: Outcome, name: str = "h") -> None:
    assert_bounded(outcome)
    assert outcome.code in (0, 1, 2), outcome.stderr
    assert sentinel_scanned(outcome)
    assert lim001(outcome, name), "the function beside the hostile value was not collected"


def locals_chain(levels: int, body: Callable[[int], str]) -> str:
    lines = [f"  l{i} = {body(i)}" for i in range(1, levels + 1)]
    return 'locals {\n  l0 = "lollollollollollollollollollollol"\n' + "\n".join(lines) + "\n}\n"


# ----------------------------------------------------------------------------- gaps


GAPS = [
    # (kind, files, gap file, reason)
    ("binary_tf", {"h/bin.tf": b"\x00\x01\x02\xff\xfe resource"}, "h/bin.tf", "not UTF-8 text"),
    (
        "latin1_tf",
        {"h/latin.tf": 'locals {\n  a = "caf\xe9"\n}\n'.encode("latin-1")},
        "h/latin.tf",
        "not UTF-8 text (byte 19)",
    ),
    ("binary_tfvars", {"h/main.tf": fn("h"), "h/x.tfvars": b"\xff\xfe\x00"}, "h/x.tfvars", "UTF-8"),
    (
        "module_cycle",
        {
            "h/main.tf": fn("h") + 'module "a" {\n  source = "./a"\n}\n',
            "h/a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
            "h/b/main.tf": 'module "a" {\n  source = "../a"\n}\n',
        },
        "h/b/main.tf",
        "module cycle (h -> h/a -> h/b -> h/a): not followed",
    ),
    (
        "module_fan_out_bomb",
        {
            "h/main.tf": fn("h") + 'module "m" {\n  source = "./m1"\n  count = 100\n}\n',
            **{
                f"h/m{i}/main.tf": f'module "m" {{\n  source = "../m{i + 1}"\n  count = 100\n}}\n'
                for i in range(1, 6)
            },
            "h/m6/main.tf": "locals {\n  leaf = 1\n}\n",
        },
        "h/main.tf",
        "exceeds the max-instances limit (10000)",
    ),
    (
        "count_billion",
        {"h/main.tf": fn("h") + fn("many", "  count = 1000000000\n", "128")},
        "h/main.tf",
        "aws_lambda_function.many expands the configuration past the limit: exceeds the "
        "max-instances limit (10000); raise it with --limit max-instances=N",
    ),
    (
        "duplicate_resource_address",
        {"h/main.tf": fn("h", memory="128") + fn("h")},
        "h/main.tf",
        'resource "aws_lambda_function" "h" is declared twice (Terraform rejects this); '
        "the last one is read",
    ),
    (
        "duplicate_attribute",
        {"h/main.tf": fn("h", "  memory_size = 20000\n", memory="128")},
        "h/main.tf",
        "attribute memory_size is declared twice (Terraform rejects this); the last one is read",
    ),
]


@pytest.mark.parametrize(
    ("files", "file", "reason"), [g[1:] for g in GAPS], ids=[g[0] for g in GAPS]
)
def test_gap(
    scan: Callable[..., Outcome], files: dict[str, str | bytes], file: str, reason: str
) -> None:
    outcome = scan(files)
    assert_gap(outcome, file, reason, exit_code=2 if "limit" in reason or "UTF" in reason else 0)


# ----------------------------------------------------------------------------- errors


DEEP = 100_000
ERRORS = [
    # (kind, files, first line of stderr after "fnguard: ")
    (
        "unclosed_block",
        {"h/main.tf": 'resource "aws_lambda_function" "h" {\n  memory_size = 1\n'},
        "h/main.tf:3: expected '}'",
    ),
    ("garbage_tokens", {"h/main.tf": "}}}} ))) ]]] \n"}, "h/main.tf:1: expected '{'"),
    (
        "deep_brackets",
        {"h/main.tf": "locals {\n  x = " + "[" * DEEP + "]" * DEEP + "\n}\n"},
        "h/main.tf:2: HCL nested more than 256 levels: exceeds the max-nesting-depth limit "
        "(256); raise it with --limit max-nesting-depth=N if the input is trusted",
    ),
    (
        "deep_objects",
        {"h/main.tf": "locals {\n  x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n}\n"},
        "h/main.tf:2: HCL nested more than 256 levels",
    ),
    (
        "deep_calls",
        {"h/main.tf": "locals {\n  x = " + "f(" * 5000 + "1" + ")" * 5000 + "\n}\n"},
        "h/main.tf:2: HCL nested more than 256 levels",
    ),
    (
        "deep_blocks",
        {"h/main.tf": "a {\n" * 3000 + "}\n" * 3000},
        "h/main.tf:",
    ),
    (
        "unterminated_string",
        {"h/main.tf": 'locals {\n  a = "never closed\n}\n'},
        "h/main.tf:1: expected an attribute, block or expression, found 'locals {'",
    ),
    (
        "unterminated_heredoc",
        {"h/main.tf": "locals {\n  a = <<EOT\nno end\n}\n"},
        "h/main.tf:",
    ),
]


@pytest.mark.parametrize(("files", "line"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error(scan: Callable[..., Outcome], files: dict[str, str | bytes], line: str) -> None:
    assert_error(scan(files), line)


# ----------------------------------------------------------------------------- completes


DONE = [
    # (kind, files): the hostile value is unknown, the scan is bounded and complete
    (
        "bom_and_crlf",
        {"h/main.tf": "\ufeff" + fn("h").replace("\n", "\r\n")},
    ),
    (
        "locals_cycle",
        {"h/main.tf": fn("h", env("local.a")) + "locals {\n  a = local.b\n  b = local.a\n}\n"},
    ),
    (
        "local_refers_to_itself",
        {"h/main.tf": fn("h", env("local.a")) + "locals {\n  a = local.a\n}\n"},
    ),
    (
        "resource_reference_cycle",
        {
            "h/main.tf": fn("h", env("aws_iam_role.r.name"))
            + 'resource "aws_iam_role" "r" {\n  name = aws_lambda_function.h.function_name\n'
            "  assume_role_policy = aws_lambda_function.h.arn\n}\n"
        },
    ),
    (
        "string_doubling_locals",
        {
            "h/main.tf": fn("h", env("local.l40"))
            + locals_chain(40, lambda i: f'"${{local.l{i - 1}}}${{local.l{i - 1}}}"')
        },
    ),
    (
        "list_doubling_concat",
        {
            "h/main.tf": fn("h", env("length(local.l40)"))
            + locals_chain(40, lambda i: f"concat([local.l{i - 1}], [local.l{i - 1}])")
        },
    ),
    (
        "shared_list_jsonencode",
        {
            "h/main.tf": fn("h", env("jsonencode(local.l40)"))
            + locals_chain(40, lambda i: f"[local.l{i - 1}, local.l{i - 1}]")
        },
    ),
    (
        "shared_list_flatten",
        {
            "h/main.tf": fn("h", env("length(flatten(local.l40))"))
            + locals_chain(40, lambda i: f"[local.l{i - 1}, local.l{i - 1}]")
        },
    ),
    (
        "backtracking_regex",
        {"h/main.tf": fn("h", env('regex("^(a+)+$", "' + "a" * 5000 + 'b")'))},
    ),
    (
        "backtracking_replace",
        {"h/main.tf": fn("h", env('replace("' + "a" * 5000 + '!", "/(a|aa)+$/", "x")'))},
    ),
    ("invalid_regex", {"h/main.tf": fn("h", env('regex("(unclosed", "x")'))}),
    ("format_huge_width", {"h/main.tf": fn("h", env('format("%0999999999d", 1)'))}),
    ("string_times_number", {"h/main.tf": fn("h", env('"x" * 10000000000'))}),
    ("range_huge", {"h/main.tf": fn("h", env("length(range(1000000000000))"))}),
    (
        "join_of_huge_copies",
        {
            "h/main.tf": fn("h", env('join(",", [for i in range(100000) : local.l20])'))
            + locals_chain(20, lambda i: f'"${{local.l{i - 1}}}${{local.l{i - 1}}}"')
        },
    ),
    ("division_by_zero", {"h/main.tf": fn("h", env("1 / 0"))}),
    ("unknown_function", {"h/main.tf": fn("h", env('evil("rm -rf /")'))}),
    ("file_of_dev_zero", {"h/main.tf": fn("h", env('file("/dev/zero")'))}),
    ("file_of_fifo_path", {"h/main.tf": fn("h", env('filesha256("/proc/self/fd/0")'))}),
    (
        "jsondecode_deep",
        {"h/main.tf": fn("h", env('jsondecode("' + "[" * 50000 + "]" * 50000 + '")'))},
    ),
    ("binary_operator_chain", {"h/main.tf": fn("h", env("1" + " + 1" * 20000))}),
    ("conditional_chain", {"h/main.tf": fn("h", env("true ? " * 3000 + "1" + " : 2" * 3000))}),
    ("templatefile_of_itself", {"h/main.tf": fn("h", env('templatefile("h/main.tf", {})'))}),
    ("for_each_over_unknown", {"h/main.tf": fn("h", "  for_each = var.undeclared\n")}),
    ("negative_count", {"h/main.tf": fn("h") + fn("neg", "  count = -5\n", "128")}),
    ("nan_count", {"h/main.tf": fn("h") + fn("nan", '  count = tonumber("nan")\n', "128")}),
    (
        "dynamic_block_over_string",
        {
            "h/main.tf": fn(
                "h", '  dynamic "environment" {\n    for_each = "abc"\n    content {}\n  }\n'
            )
        },
    ),
    ("null_bytes_in_string", {"h/main.tf": fn("h", env('"a\\u0000b"'))}),
    ("huge_unicode_escape", {"h/main.tf": fn("h", env('"\\U7fffffff"'))}),
]


@pytest.mark.parametrize("files", [d[1] for d in DONE], ids=[d[0] for d in DONE])
def test_completes(scan: Callable[..., Outcome], files: dict[str, str | bytes]) -> None:
    assert_done(scan(files))


def test_module_calling_itself_is_a_cycle_not_a_drop(scan: Callable[..., Outcome]) -> None:
    outcome = scan({"h/main.tf": fn("h") + 'module "me" {\n  source = "./"\n}\n'})
    assert_gap(outcome, "h/main.tf", "module cycle (h -> h): not followed", exit_code=0)
    assert lim001(outcome, "h")


def test_for_expression_bomb_stops_at_the_deadline(scan: Callable[..., Outcome]) -> None:
    """Three nested ``for`` over 1,000 items is 10^9 steps: the deadline ends it as a gap."""
    bomb = "length([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]])"
    outcome = scan(
        {
            "h/main.tf": fn("h", env(bomb)),
            "fnguard.toml": "[limits]\nmax-seconds-per-file = 1\n",
        }
    )
    assert_gap(
        outcome,
        "h/main.tf",
        "evaluating the module took too long: exceeds the max-seconds-per-file limit (1s); "
        "raise it with --limit max-seconds-per-file=N if the input is trusted",
    )
    assert lim001(outcome, "h")
