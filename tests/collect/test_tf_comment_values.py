"""A comment written inside an attribute, before its value, is not the value."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from collect.tf_helpers import collect_dir

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.model import Inventory

_FUNCTION = """
resource "aws_lambda_function" "api" {{
  function_name = {name}
  role          = "arn:aws:iam::123456789012:role/api"
  runtime       = {runtime}
  handler       = "index.handler"
  filename      = "app.zip"
  timeout       = {timeout}
}}
"""


def _collected(root: Path, **values: str) -> Inventory:
    root.mkdir()
    (root / "main.tf").write_text(_FUNCTION.format(**values))
    return collect_dir(root)


@pytest.mark.parametrize(
    ("name", "runtime", "timeout"),
    [
        ('/* the public API */ "api"', '"python3.12"', "30"),
        ('# the public API\n  "api"', '/* pinned */ "python3.12"', "/* s */ 30"),
        ('// the public API\n  "api"', '"python3.12" /* after */', "30 # seconds"),
    ],
)
def test_a_comment_next_to_a_value_leaves_the_value(
    tmp_path: Path, name: str, runtime: str, timeout: str
) -> None:
    commented = _collected(tmp_path / "commented", name=name, runtime=runtime, timeout=timeout)
    plain = _collected(tmp_path / "plain", name='"api"', runtime='"python3.12"', timeout="30")
    (fn,) = commented.functions
    (expected,) = plain.functions
    assert (fn.name, fn.runtime, fn.timeout_s) == ("api", "python3.12", 30)
    assert fn == expected
    assert [g.reason for g in commented.gaps] == [g.reason for g in plain.gaps]
