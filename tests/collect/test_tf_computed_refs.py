"""A value computed from a resource of the configuration is a reference, not a collection gap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect.tf_helpers import collect_dir

if TYPE_CHECKING:
    from pathlib import Path

CONFIG = """
variable "key" {}
resource "aws_s3_bucket" "artifacts" { bucket = "artifacts" }
data "aws_s3_object" "pkg" {
  bucket = "shared"
  key    = "latest.zip"
}
resource "aws_signer_signing_job" "fn" {
  profile_name = "p"
  source {
    s3 {
      bucket  = aws_s3_bucket.artifacts.id
      key     = "unsigned.zip"
      version = "1"
    }
  }
  destination {
    s3 { bucket = aws_s3_bucket.artifacts.id }
  }
}
"""
FUNCTIONS = {  # name: (s3_bucket, s3_key) as written
    "signed": (
        "aws_signer_signing_job.fn.signed_object[0].s3[0].bucket",
        "aws_signer_signing_job.fn.signed_object[0].s3[0].key",
    ),
    "unresolved": ("aws_signer_signing_job.gone.signed_object[0].s3[0].bucket", "var.key"),
    "plain": ("aws_s3_bucket.artifacts.id", '"fn.zip"'),
    "external": ('"shared"', "data.aws_s3_object.pkg.version_id"),
}


def _function(name: str, bucket: str, key: str) -> str:
    return (
        f'resource "aws_lambda_function" "{name}" {{\n'
        f'  function_name = "{name}"\n'
        '  role          = "arn:aws:iam::123456789012:role/fn"\n'
        '  handler       = "h.main"\n'
        '  runtime       = "python3.13"\n'
        f"  s3_bucket     = {bucket}\n"
        f"  s3_key        = {key}\n"
        "}\n"
    )


def test_signing_job_output_is_a_reference_and_unknown_inputs_stay_gaps(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        CONFIG + "".join(_function(n, *refs) for n, refs in FUNCTIONS.items())
    )
    inventory = collect_dir(tmp_path)
    packages = {f.address: f.package for f in inventory.functions}
    signed = packages["aws_lambda_function.signed"]
    assert (signed.s3_bucket, signed.s3_key) == (None, None)
    assert inventory.gaps_for("aws_lambda_function.signed", "package") == ()
    # a resource that is not in the configuration, and a variable with no value: real gaps
    reasons = sorted(
        g.reason for g in inventory.gaps_for("aws_lambda_function.unresolved", "package")
    )
    assert reasons == [
        "aws_signer_signing_job.gone.signed_object[0].s3[0].bucket cannot be resolved offline",
        "var.key cannot be resolved offline",
    ]
    # a data source's attribute is read from the account at plan time: unknown input
    [external] = inventory.gaps_for("aws_lambda_function.external", "package")
    assert external.reason.startswith("data.aws_s3_object.pkg.version_id")
    plain = packages["aws_lambda_function.plain"]
    assert (plain.s3_bucket, plain.s3_key) == ("aws_s3_bucket.artifacts", "fn.zip")
