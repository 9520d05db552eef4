# webhook: the payment provider's callbacks, on a function URL that requires SigV4 (IAM auth)
# from the provider's role. The payload signature is checked too (secret in Secrets Manager).

resource "aws_lambda_function" "webhook" {
  function_name                  = "${local.prefix}-webhook"
  description                    = "Payment provider webhook"
  role                           = aws_iam_role.webhook.arn
  handler                        = "handler.lambda_handler"
  runtime                        = local.runtime
  architectures                  = ["arm64"]
  s3_bucket                      = aws_signer_signing_job.fn["webhook"].signed_object[0].s3[0].bucket
  s3_key                         = aws_signer_signing_job.fn["webhook"].signed_object[0].s3[0].key
  source_code_hash               = data.archive_file.fn["webhook"].output_base64sha256
  code_signing_config_arn        = aws_lambda_code_signing_config.orders.arn
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = 20 # LIM005
  kms_key_arn                    = aws_kms_key.app.arn

  environment {
    variables = {
      # SEC001: the signing secret by ARN; the partner's bucket through a role, not keys.
      SIGNING_SECRET_ARN      = aws_secretsmanager_secret.webhook_signing.arn
      PARTNER_EXPORT_ROLE_ARN = var.partner_export_role_arn
      PARTNER_EXPORT_BUCKET   = "partner-exports-eu-west-1"
      CALLBACK_HOSTS          = "api.payments.example.com"
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.fn["webhook"].name
  }

  depends_on = [aws_iam_role_policy.webhook]
  tags       = local.tags
}

# EXP002: IAM auth: only principals allowed below (and by their own policies) can call it.
# EXP004: no CORS block: browsers never call a server-to-server webhook.
resource "aws_lambda_function_url" "webhook" {
  function_name      = aws_lambda_function.webhook.function_name
  authorization_type = "AWS_IAM"
}

# EXP001: one named principal, not "*".
resource "aws_lambda_permission" "payment_provider" {
  statement_id           = "AllowPaymentProviderUrl"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.webhook.function_name
  principal              = var.payment_provider_role_arn
  function_url_auth_type = "AWS_IAM"
}
