# uploads: thumbnails of images uploaded under incoming/, written to a separate bucket.

resource "aws_s3_bucket" "uploads" {
  bucket = "${local.prefix}-uploads-${var.account_id}"
  tags   = local.tags
}

resource "aws_s3_bucket" "thumbnails" {
  bucket = "${local.prefix}-thumbnails-${var.account_id}"
  tags   = local.tags
}

resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket                  = aws_s3_bucket.uploads.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_public_access_block" "thumbnails" {
  bucket                  = aws_s3_bucket.thumbnails.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_lambda_function" "uploads" {
  function_name                  = "${local.prefix}-uploads"
  description                    = "Thumbnails for uploaded images"
  role                           = aws_iam_role.uploads.arn
  handler                        = "handler.lambda_handler"
  runtime                        = local.runtime # PKG009
  architectures                  = ["arm64"]
  s3_bucket                      = aws_signer_signing_job.fn["uploads"].signed_object[0].s3[0].bucket
  s3_key                         = aws_signer_signing_job.fn["uploads"].signed_object[0].s3[0].key
  source_code_hash               = data.archive_file.fn["uploads"].output_base64sha256 # PKG003
  code_signing_config_arn        = aws_lambda_code_signing_config.orders.arn
  memory_size                    = 1024 # LIM001
  timeout                        = 60
  reserved_concurrent_executions = 20
  kms_key_arn                    = aws_kms_key.app.arn

  environment {
    variables = {
      THUMBNAIL_BUCKET = aws_s3_bucket.thumbnails.id
      THUMBNAIL_SIZE   = "256"
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.fn["uploads"].name
  }

  depends_on = [aws_iam_role_policy.uploads]
  tags       = local.tags
}

# LIM006: two retries, then the event goes to the failures queue.
resource "aws_lambda_function_event_invoke_config" "uploads" {
  function_name                = aws_lambda_function.uploads.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
  }
}

# RUN001: only new objects under incoming/ invoke the function, and it writes elsewhere.
resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.uploads.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = "incoming/"
  }

  depends_on = [aws_lambda_permission.uploads]
}

# EXP003: only this bucket, in this account.
resource "aws_lambda_permission" "uploads" {
  statement_id   = "AllowUploadsBucket"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.uploads.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.uploads.arn
  source_account = var.account_id
}
