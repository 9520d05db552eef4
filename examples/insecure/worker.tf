# worker: fulfils orders from an SQS queue; runs in the VPC to reach the database privately.

resource "aws_sqs_queue" "fulfilment" {
  name = "${local.prefix}-fulfilment"
  # LIM004: the queue hides a received message for 30 s only, but the worker may take 300 s:
  # a slow batch becomes visible again and is processed twice, in parallel. AWS recommends a
  # visibility timeout of at least six times the function's timeout (1,800 s here).
  visibility_timeout_seconds = 30
  message_retention_seconds  = 345600
  # No redrive_policy: a poison message is retried until it expires.
}

data "archive_file" "worker" {
  type        = "zip"
  source_dir  = "${path.module}/src/worker"
  output_path = "${path.module}/build/worker.zip"
}

resource "aws_lambda_function" "worker" {
  function_name    = "${local.prefix}-worker"
  description      = "Order fulfilment"
  role             = aws_iam_role.worker.arn # IAM006, IAM008 (iam.tf)
  handler          = "handler.lambda_handler"
  runtime          = "python3.11" # PKG009: on Amazon Linux 2, deprecated with it (2026-06-30)
  filename         = data.archive_file.worker.output_path
  source_code_hash = data.archive_file.worker.output_base64sha256
  memory_size      = 1024
  timeout          = 300 # LIM004: see the queue above

  # NET002: one subnet, so one Availability Zone: when eu-west-1a has trouble, fulfilment stops.
  # NET004: the security group allows all egress (network.tf).
  # NET003: the handler reads the database password from Secrets Manager, and the VPC has no
  # Secrets Manager endpoint: the call, and the secret, go out through the NAT gateway.
  vpc_config {
    subnet_ids         = [aws_subnet.private_a.id]
    security_group_ids = [aws_security_group.worker.id]
  }

  environment {
    variables = {
      DB_HOST      = aws_db_instance.orders.address
      DB_SECRET_ID = "orders/prod/db" # a secret's name, not a secret: no SEC001 here
    }
  }
  # SEC002, LOG001, PKG008: as for the api function.
  tags = local.tags
}

resource "aws_cloudwatch_log_group" "worker" {
  name = "/aws/lambda/${local.prefix}-worker" # LOG002: no retention, no KMS key
}

resource "aws_lambda_event_source_mapping" "fulfilment" {
  event_source_arn = aws_sqs_queue.fulfilment.arn
  function_name    = aws_lambda_function.worker.arn
  batch_size       = 10
}
