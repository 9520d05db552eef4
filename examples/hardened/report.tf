# report: the nightly sales report, on an EventBridge schedule.

resource "aws_s3_bucket" "reports" {
  bucket = "${local.prefix}-reports-${var.account_id}"
  tags   = local.tags
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket                  = aws_s3_bucket.reports.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_lambda_function" "report" {
  function_name                  = "${local.prefix}-report"
  description                    = "Nightly sales report"
  role                           = aws_iam_role.report.arn # its own role, no admin (iam.tf)
  handler                        = "handler.lambda_handler"
  runtime                        = local.runtime
  architectures                  = ["arm64"]
  s3_bucket                      = aws_signer_signing_job.fn["report"].signed_object[0].s3[0].bucket
  s3_key                         = aws_signer_signing_job.fn["report"].signed_object[0].s3[0].key
  source_code_hash               = data.archive_file.fn["report"].output_base64sha256
  code_signing_config_arn        = aws_lambda_code_signing_config.orders.arn # PKG008: Enforce
  memory_size                    = 1024
  timeout                        = 600 # LIM002: within 1-900 s
  reserved_concurrent_executions = 1   # one report at a time
  kms_key_arn                    = aws_kms_key.app.arn

  vpc_config {
    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_group_ids = [aws_security_group.lambda.id]
  }

  environment {
    variables = {
      DB_HOST       = aws_db_instance.orders.address
      DB_SECRET_ARN = aws_db_instance.orders.master_user_secret[0].secret_arn
      REPORT_BUCKET = aws_s3_bucket.reports.id
    }
  }

  # LIM006: a failed nightly run is kept for inspection and replay.
  dead_letter_config {
    target_arn = aws_sqs_queue.failures.arn
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON" # LOG002
    log_group  = aws_cloudwatch_log_group.fn["report"].name
  }

  depends_on = [aws_iam_role_policy.report, aws_iam_role_policy_attachment.report_vpc]
  tags       = local.tags
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "${local.prefix}-nightly-report"
  schedule_expression = "cron(0 2 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule      = aws_cloudwatch_event_rule.nightly.name
  target_id = "report"
  arn       = aws_lambda_function.report.arn

  retry_policy {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 3600
  }

  dead_letter_config {
    arn = aws_sqs_queue.failures.arn
  }
}

resource "aws_lambda_permission" "nightly" {
  statement_id   = "AllowEventBridge"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.report.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.nightly.arn
  source_account = var.account_id
}
