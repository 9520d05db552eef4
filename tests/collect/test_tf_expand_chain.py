"""``for_each`` over a data source's or resource's ``for_each``, chained, as the packaging of
examples/hardened does (archive -> upload -> signing job -> function)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect.tf_helpers import collect_dir

if TYPE_CHECKING:
    from pathlib import Path

CHAIN = """
locals { functions = toset(["a", "b"]) }
data "archive_file" "fn" {
  for_each    = local.functions
  type        = "zip"
  source_dir  = "src/${each.key}"
  output_path = "build/${each.key}.zip"
}
resource "aws_s3_object" "unsigned" {
  for_each = data.archive_file.fn
  bucket   = "artifacts"
  key      = "unsigned/${each.key}.zip"
}
resource "aws_sqs_queue" "per_object" {
  for_each = aws_s3_object.unsigned
  name     = replace(each.value.key, "/", "-")
}
"""

NOT_A_MAP = """
resource "aws_sqs_queue" "counted" {
  count = 2
  name  = "c-${count.index}"
}
resource "aws_sqs_queue" "over_count" {
  for_each = aws_sqs_queue.counted
  name     = "x"
}
"""


def test_for_each_chains_through_data_sources_and_resources(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CHAIN)
    inventory = collect_dir(tmp_path)
    assert {q.address: q.name for q in inventory.queues} == {
        'aws_sqs_queue.per_object["a"]': "unsigned-a.zip",
        'aws_sqs_queue.per_object["b"]': "unsigned-b.zip",
    }
    assert inventory.gaps == ()


def test_for_each_over_a_counted_resource_is_not_a_map(tmp_path: Path) -> None:
    # Terraform rejects it (a tuple of objects is not a map or set of strings): one assumed
    (tmp_path / "main.tf").write_text(NOT_A_MAP)
    inventory = collect_dir(tmp_path)
    [gap] = inventory.gaps_for("aws_sqs_queue.over_count")
    assert "one instance is assumed" in gap.reason
