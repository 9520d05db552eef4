"""Attributes Terraform computes at apply time but that the configuration already determines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect.tf_helpers import collect_dir

if TYPE_CHECKING:
    from pathlib import Path

CONFIG = """
variable "account" { default = "123456789012" }
resource "aws_s3_bucket" "out" { bucket = "out-${var.account}" }
resource "aws_s3_bucket" "tmp" { bucket_prefix = "tmp-" }
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "fn" {
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = ["${aws_s3_bucket.out.arn}/*", "${aws_s3_bucket.tmp.arn}/*", aws_iam_role.fn.arn]
    }, {
      Effect   = "Allow"
      Action   = "s3:ListBucket"
      Resource = "arn:aws:s3:::${aws_s3_bucket.out.id}"
    }]
  })
}
"""


def test_bucket_arn_and_id_follow_from_a_literal_name(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    inventory = collect_dir(tmp_path)
    [role] = inventory.roles
    put, listing = role.policies[0].statements
    # a literal name fixes the ARN; bucket_prefix (name chosen at apply) and IAM role ARNs
    # (account unknown offline) stay references
    assert put["Resource"] == [
        "arn:aws:s3:::out-123456789012/*",
        "${aws_s3_bucket.tmp.arn}/*",
        "${aws_iam_role.fn.arn}",
    ]
    assert listing["Resource"] == "arn:aws:s3:::out-123456789012"
    buckets = {b.address: b for b in inventory.buckets}
    assert buckets["aws_s3_bucket.out"].arn == "arn:aws:s3:::out-123456789012"
    assert buckets["aws_s3_bucket.tmp"].arn is None
