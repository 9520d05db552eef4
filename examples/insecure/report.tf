# report: builds the nightly sales report and e-mails it to finance.

data "archive_file" "report" {
  type        = "zip"
  source_dir  = "${path.module}/src/report"
  output_path = "${path.module}/build/report.zip"
}

resource "aws_signer_signing_profile" "orders" {
  platform_id = "AWSLambda-SHA384-ECDSA"
  name_prefix = "orders"
}

# PKG008: code signing is configured but only warns: an unsigned or tampered package is still
# deployed.
resource "aws_lambda_code_signing_config" "report" {
  allowed_publishers {
    signing_profile_version_arns = [aws_signer_signing_profile.orders.version_arn]
  }
  policies {
    untrusted_artifact_on_deployment = "Warn"
  }
}

resource "aws_lambda_function" "report" {
  function_name           = "${local.prefix}-report"
  description             = "Nightly sales report"
  role                    = aws_iam_role.report.arn # IAM001, IAM009 (iam.tf)
  handler                 = "handler.lambda_handler"
  runtime                 = "python3.12"
  filename                = data.archive_file.report.output_path
  source_code_hash        = data.archive_file.report.output_base64sha256
  code_signing_config_arn = aws_lambda_code_signing_config.report.arn
  memory_size             = 3008
  # LIM002: "the report can take 20 minutes": Lambda stops every invocation at 900 s.
  timeout = 1200

  environment {
    variables = {
      REPORT_BUCKET = "${local.prefix}-reports-${var.account_id}"
      FINANCE_EMAIL = "finance@example.com"
    }
  }

  # LOG002: plain-text logs: no structured fields to search or alert on.
  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.report.name
  }
  # LIM006: invoked asynchronously by EventBridge, with no DLQ or on-failure destination.
  # SEC002, LOG001: as for the api function.
  tags = local.tags
}

resource "aws_cloudwatch_log_group" "report" {
  name = "/aws/lambda/${local.prefix}-report" # LOG002: no retention, no KMS key
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "${local.prefix}-nightly-report"
  schedule_expression = "cron(0 2 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule      = aws_cloudwatch_event_rule.nightly.name
  target_id = "report"
  arn       = aws_lambda_function.report.arn
}

# Done right, for contrast with EXP003 elsewhere: only this rule, in this account.
resource "aws_lambda_permission" "nightly" {
  statement_id   = "AllowEventBridge"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.report.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.nightly.arn
  source_account = var.account_id
}
