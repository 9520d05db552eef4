"""IAM007 end to end: Terraform collected, handler code analysed, the rule judged."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from fnguard.code import CodeEnricher
from fnguard.code.sdk import SdkAnalyser
from fnguard.collect import default_collectors
from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import Finding, FindingStatus
from fnguard.rules import RuleContext
from fnguard.rules._iam_unused import RULES
from fnguard.scan import collect

if TYPE_CHECKING:
    from pathlib import Path

MAIN_TF = """
resource "aws_s3_bucket" "images" {
  bucket = "acme-images"
}

data "archive_file" "fn" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/fn.zip"
}

resource "aws_iam_role" "fn" {
  name = "thumbs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                   Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "fn" {
  name = "thumbs"
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" },
      { Sid = "Images", Effect = "Allow", Action = %(actions)s,
        Resource = ["${aws_s3_bucket.images.arn}", "${aws_s3_bucket.images.arn}/*"] },
    ]
  })
}

resource "aws_lambda_function" "thumbs" {
  function_name    = "thumbs"
  role             = aws_iam_role.fn.arn
  handler          = "handler.lambda_handler"
  runtime          = "python3.12"
  filename         = data.archive_file.fn.output_path
  source_code_hash = data.archive_file.fn.output_base64sha256
  environment {
    variables = {
      BUCKET = aws_s3_bucket.images.bucket
    }
  }
}
"""

HANDLER = """
import os
import boto3

s3 = boto3.client("s3")

def lambda_handler(event, context):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=os.environ["BUCKET"]):
        for item in page.get("Contents", []):
            s3.get_object(Bucket=os.environ["BUCKET"], Key=item["Key"])
"""


def _findings(tmp_path: Path, actions: str) -> list[Finding]:
    (tmp_path / "main.tf").write_text(textwrap.dedent(MAIN_TF) % {"actions": actions})
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "handler.py").write_text(HANDLER)
    inventory = collect([tmp_path], default_collectors(), _Quiet())
    analyser = SdkAnalyser().with_inventory(inventory)
    inventory = inventory.merge(CodeEnricher([analyser]).enrich(inventory, tmp_path))
    ctx = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return [f for rule in RULES for f in rule.check(inventory, ctx)]


class _Quiet:
    def stage(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


def test_wildcard_role_is_reported_with_the_generated_policy(tmp_path: Path) -> None:
    [finding] = _findings(tmp_path, '"s3:*"')
    assert finding.status is FindingStatus.FAIL
    assert finding.function == "aws_lambda_function.thumbs"
    assert finding.message == (
        "aws_iam_role.fn (role of aws_lambda_function.thumbs) grants actions its code never "
        "uses: s3"
    )
    facts = {e.label: e.value for e in finding.evidence}
    assert facts["wildcard"].endswith("the code uses 2 (s3:GetObject, s3:ListBucket)")
    assert finding.remediation.cli.startswith("aws iam put-role-policy --role-name thumbs ")
    assert '"Resource":["arn:aws:s3:::acme-images/*"]' in facts["minimal policy"]
    assert '"Resource":["arn:aws:s3:::acme-images"]' in facts["minimal policy"]
    assert finding.location is not None and finding.location.file.endswith("main.tf")


def test_exact_role_is_quiet(tmp_path: Path) -> None:
    assert _findings(tmp_path, '["s3:ListBucket", "s3:GetObject"]') == []
