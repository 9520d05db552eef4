"""Terraform JSON syntax is not read yet: it must be reported, never silently passed over."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.collect.terraform import TerraformCollector
from fnguard.model import CollectionGap, Location

if TYPE_CHECKING:
    from pathlib import Path

HCL = 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n}\n'


def test_tf_json_file_is_a_reported_gap_and_hcl_beside_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(HCL)
    extra = tmp_path / "override.tf.json"
    extra.write_text('{"resource": {"aws_lambda_function": {"g": {"function_name": "g"}}}}')
    collector = TerraformCollector()
    assert collector.claims(extra)
    inv = collector.collect([tmp_path / "main.tf", extra], tmp_path)
    assert [f.address for f in inv.functions] == ["aws_lambda_function.f"]
    assert inv.gaps == (
        CollectionGap(
            Location("override.tf.json"),
            "Terraform JSON syntax (.tf.json) is not read yet: what it declares is not analysed",
            field="unsupported",
        ),
    )


def test_near_miss_plain_json_is_not_claimed(tmp_path: Path) -> None:
    other = tmp_path / "settings.json"
    other.write_text('{"a": 1}')
    assert not TerraformCollector().claims(other)
