"""``invoked_via_function_url`` (AWS provider v6) on aws_lambda_permission."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect.tf_helpers import collect_dir

if TYPE_CHECKING:
    from pathlib import Path

_FN = """
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::111122223333:role/r"
  runtime       = "python3.12"
  handler       = "a.b"
  filename      = "fn.zip"
}
"""


def _perm(tmp_path: Path, extra: str) -> tuple[bool, ...]:
    (tmp_path / "main.tf").write_text(
        _FN
        + 'resource "aws_lambda_permission" "p" {\n'
        + '  action        = "lambda:InvokeFunction"\n'
        + "  function_name = aws_lambda_function.fn.function_name\n"
        + '  principal     = "*"\n'
        + extra
        + "}\n"
    )
    inv = collect_dir(tmp_path)
    return tuple(p.invoked_via_function_url for p in inv.permissions)


def test_invoked_via_function_url_is_read(tmp_path: Path) -> None:
    assert _perm(tmp_path, "  invoked_via_function_url = true\n") == (True,)


def test_without_the_argument_the_grant_is_plain(tmp_path: Path) -> None:
    assert _perm(tmp_path, "") == (False,)
    assert _perm(tmp_path, "  invoked_via_function_url = false\n") == (False,)
