# Packages: built from src/<function>/, uploaded, signed by AWS Signer, deployed signed.

data "archive_file" "fn" {
  for_each    = local.functions
  type        = "zip"
  source_dir  = "${path.module}/src/${each.key}"
  output_path = "${path.module}/build/${each.key}.zip"
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "${local.prefix}-artifacts-${var.account_id}"
  tags   = local.tags
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_object" "unsigned" {
  for_each    = data.archive_file.fn
  bucket      = aws_s3_bucket.artifacts.id
  key         = "unsigned/${each.key}.zip"
  source      = each.value.output_path
  source_hash = each.value.output_base64sha256
  depends_on  = [aws_s3_bucket_versioning.artifacts]
}

resource "aws_signer_signing_profile" "orders" {
  platform_id = "AWSLambda-SHA384-ECDSA"
  name_prefix = "orders"
}

resource "aws_signer_signing_job" "fn" {
  for_each     = aws_s3_object.unsigned
  profile_name = aws_signer_signing_profile.orders.name

  source {
    s3 {
      bucket  = each.value.bucket
      key     = each.value.key
      version = each.value.version_id
    }
  }

  destination {
    s3 {
      bucket = aws_s3_bucket.artifacts.id
      prefix = "signed/${each.key}/"
    }
  }

  ignore_signing_job_failure = false
}

# PKG008: only packages signed by the profile above can be deployed.
resource "aws_lambda_code_signing_config" "orders" {
  description = "${local.prefix}: signed packages only"
  allowed_publishers {
    signing_profile_version_arns = [aws_signer_signing_profile.orders.version_arn]
  }
  policies {
    untrusted_artifact_on_deployment = "Enforce"
  }
}
