# webhook: receives payment notifications from the payment provider on a function URL.

data "archive_file" "webhook" {
  type        = "zip"
  source_dir  = "${path.module}/src/webhook"
  output_path = "${path.module}/build/webhook.zip"
}

resource "aws_lambda_function" "webhook" {
  function_name    = "${local.prefix}-webhook"
  description      = "Payment provider webhook"
  role             = aws_iam_role.app.arn # IAM005: shared with the api function
  handler          = "handler.lambda_handler"
  runtime          = "python3.12"
  filename         = data.archive_file.webhook.output_path
  source_code_hash = data.archive_file.webhook.output_base64sha256
  memory_size      = 256
  timeout          = 10

  environment {
    variables = {
      # SEC001: an access key pair for the partner's export bucket, in plain text. These are
      # AWS's documented example keys (AKIAIOSFODNN7EXAMPLE), not real credentials.
      PARTNER_AWS_ACCESS_KEY_ID     = "AKIAIOSFODNN7EXAMPLE"
      PARTNER_AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
      PARTNER_EXPORT_BUCKET         = "partner-exports-eu-west-1"
      CALLBACK_ALLOWED              = "true"
    }
  }
  # SEC002, LOG001, PKG008: as for the api function.
  # LIM005: public URL, no reserved concurrency: one flood of requests takes the account's
  # whole concurrency pool, and the other functions with it.
  tags = local.tags
}

# EXP002: the URL has no authentication at all. EXP005: nothing (no CloudFront + WAF) filters
# what reaches it.
resource "aws_lambda_function_url" "webhook" {
  function_name      = aws_lambda_function.webhook.function_name
  authorization_type = "NONE"

  # EXP004: any web site may call the webhook from its visitors' browsers.
  cors {
    allow_origins     = ["*"]
    allow_methods     = ["*"]
    allow_headers     = ["*"]
    allow_credentials = false
    max_age           = 86400
  }
}

# The permission Lambda requires for a URL with authorization type NONE.
resource "aws_lambda_permission" "webhook_url" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.webhook.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

# EXP001: meant for the payment provider's account, written as "*": anyone with an AWS
# account can invoke the function directly through the Lambda API, no condition attached.
resource "aws_lambda_permission" "payment_provider" {
  statement_id  = "AllowPaymentProviderInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.webhook.function_name
  principal     = "*"
}
