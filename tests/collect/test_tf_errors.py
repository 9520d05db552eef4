"""Bad input: malformed HCL raises InputError with file and line; unreadable files are gaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from collect.tf_helpers import collect_dir, collect_fixture
from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.collect.terraform import TerraformCollector
from fnguard.errors import InputError
from fnguard.model import CollectionGap, EnvVar, Location


def write(root: Path, name: str, text: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ('resource "aws_lambda_function" "f" {\n  timeout = 3\n', 3, "expected '}'"),
        ('a = "unterminated\n', 1, "expected '\"'"),
        (
            'resource "aws_lambda_function" "f" {\n  memory_size =\n}\n',
            2,
            "expected an attribute, block or expression, found 'memory_size ='",
        ),
    ],
)
def test_malformed_hcl_names_file_line_and_expectation(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    write(tmp_path, "infra/main.tf", text)
    with pytest.raises(InputError) as info:
        collect_dir(tmp_path)
    error = info.value
    assert (error.path, error.line, error.expected) == ("infra/main.tf", line, expected)
    assert str(error) == f"infra/main.tf:{line}: {expected}"
    assert "\n" not in str(error)


def test_non_utf8_file_is_a_gap_and_the_scan_goes_on(tmp_path: Path) -> None:
    write(tmp_path, "bad.tf", b'resource "x" "y" { a = "\xff\xfe" }\n')
    write(tmp_path, "good.tf", 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    inventory = collect_dir(tmp_path)
    assert inventory.gaps == (
        CollectionGap(Location("bad.tf"), "not UTF-8 text (byte 24)", "", "file"),
    )
    assert [q.address for q in inventory.queues] == ["aws_sqs_queue.q"]
    assert inventory.sources == ("good.tf",)


def test_unreadable_path_is_a_gap(tmp_path: Path) -> None:
    # A path that cannot be read (here a folder named like a file; permissions go the same way).
    (tmp_path / "dir.tf").mkdir()
    inventory = TerraformCollector().collect([tmp_path / "dir.tf"], tmp_path)
    assert inventory.gaps == (
        CollectionGap(Location("dir.tf"), "cannot read: Is a directory", "", "file"),
    )


def test_unresolvable_references_become_gaps_not_crashes(tmp_path: Path) -> None:
    write(
        tmp_path,
        "main.tf",
        """
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = data.aws_iam_role.existing.arn
  memory_size   = var.memory
  timeout       = local.missing
  runtime       = nosuchfunction("x")
  environment {
    variables = { TOKEN = var.token }
  }
}
variable "memory" {}
variable "token" {}
""",
    )
    inventory = collect_dir(tmp_path)
    fn = inventory.functions[0]
    assert (fn.role, fn.memory_mb, fn.timeout_s, fn.runtime) == (None, None, None, None)
    assert fn.environment == (EnvVar("TOKEN", None, False, Location("main.tf", 9), "var.token"),)
    where = Location("main.tf", 2)
    address = "aws_lambda_function.f"
    assert inventory.gaps == (
        CollectionGap(where, 'nosuchfunction("x") cannot be resolved offline', address, "runtime"),
        CollectionGap(where, "var.memory cannot be resolved offline", address, "memory_mb"),
        CollectionGap(where, "local.missing cannot be resolved offline", address, "timeout_s"),
        CollectionGap(
            Location("main.tf", 8),
            "environment variable TOKEN is computed at apply time",
            address,
            "environment",
        ),
        CollectionGap(
            where, "data.aws_iam_role.existing.arn cannot be resolved offline", address, "role"
        ),
    )


def test_claims() -> None:
    collector = TerraformCollector()
    assert collector.claims(Path("main.tf"))
    assert collector.claims(Path("prod.tfvars"))
    assert collector.claims(Path("main.tf.json"))  # claimed to be reported as unsupported
    assert not collector.claims(Path("README.md"))
    assert not collector.claims(Path("/nonexistent/package.json"))


def test_odd_syntax_and_failing_expressions_never_crash() -> None:
    inventory = collect_fixture("syntax")
    # count = var.enabled ? 1 : 0 -> one instance; the disabled resource has none
    assert [f.address for f in inventory.functions] == ["aws_lambda_function.on[0]"]
    fn = inventory.functions[0]
    assert (fn.memory_mb, fn.timeout_s, fn.runtime, fn.handler) == (None, None, None, None)
    where = Location("main.tf", 39)
    address = "aws_lambda_function.on[0]"
    assert inventory.gaps[:4] == (
        CollectionGap(where, "local.bad_re cannot be resolved offline", address, "runtime"),
        CollectionGap(where, "local.divide cannot be resolved offline", address, "memory_mb"),
        CollectionGap(where, "local.cycle_a cannot be resolved offline", address, "timeout_s"),
        CollectionGap(where, "local.nothing cannot be resolved offline", address, "handler"),
    )


_FRAGMENTS = st.sampled_from(
    [
        'resource "aws_lambda_function" "f" {',
        "}",
        "{",
        "timeout = ",
        "var.x",
        "local.y",
        '"${aws_iam_role.r.arn}"',
        "[for k, v in var.m : v]",
        "jsonencode({a = 1})",
        "<<EOT\nx\nEOT",
        "count = 2",
        "1 / 0",
        "?",
        ":",
        "\n",
        "environment {",
        "variables = {",
        'locals { y = "z" }',
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=25))
def test_any_input_is_an_inventory_or_an_input_error(
    tmp_path_factory: Any, parts: list[str]
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "main.tf").write_text(" ".join(parts))
    try:
        inventory = collect_dir(root)
    except InputError as error:
        assert error.path == "main.tf"
        assert "\n" not in str(error)
    else:
        assert inventory.sources == ("main.tf",)
