# worker: fulfils orders from an SQS queue, inside the VPC.

resource "aws_sqs_queue" "fulfilment_dlq" {
  name                      = "${local.prefix}-fulfilment-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "fulfilment" {
  name = "${local.prefix}-fulfilment"
  # LIM004: six times the worker's 60 s timeout.
  visibility_timeout_seconds = 360
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.fulfilment_dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_lambda_function" "worker" {
  function_name                  = "${local.prefix}-worker"
  description                    = "Order fulfilment"
  role                           = aws_iam_role.worker.arn # its own role (iam.tf)
  handler                        = "handler.lambda_handler"
  runtime                        = local.runtime
  architectures                  = ["arm64"]
  s3_bucket                      = aws_signer_signing_job.fn["worker"].signed_object[0].s3[0].bucket
  s3_key                         = aws_signer_signing_job.fn["worker"].signed_object[0].s3[0].key
  source_code_hash               = data.archive_file.fn["worker"].output_base64sha256
  code_signing_config_arn        = aws_lambda_code_signing_config.orders.arn
  memory_size                    = 1024
  timeout                        = 60 # LIM004
  reserved_concurrent_executions = 10
  kms_key_arn                    = aws_kms_key.app.arn

  # NET002: two subnets in two Availability Zones. NET003: endpoints for Secrets Manager and
  # KMS (network.tf). NET004: egress limited to the endpoints and the database.
  vpc_config {
    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_group_ids = [aws_security_group.lambda.id]
  }

  environment {
    variables = {
      DB_HOST       = aws_db_instance.orders.address
      DB_SECRET_ARN = aws_db_instance.orders.master_user_secret[0].secret_arn
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.fn["worker"].name
  }

  depends_on = [aws_iam_role_policy.worker, aws_iam_role_policy_attachment.worker_vpc]
  tags       = local.tags
}

resource "aws_lambda_event_source_mapping" "fulfilment" {
  event_source_arn        = aws_sqs_queue.fulfilment.arn
  function_name           = aws_lambda_function.worker.arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 5
  }
}
