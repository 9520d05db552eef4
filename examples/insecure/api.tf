# api: the orders REST API (API Gateway v1, proxy integration) in front of one function.

data "archive_file" "api" {
  type        = "zip"
  source_dir  = "${path.module}/src/api"
  output_path = "${path.module}/build/api.zip"
}

resource "aws_lambda_function" "api" {
  function_name    = "${local.prefix}-api"
  description      = "Orders REST API"
  role             = aws_iam_role.app.arn # IAM005: shared with the webhook function
  handler          = "handler.lambda_handler"
  runtime          = "python3.9" # PKG009: deprecated by AWS on 2025-12-15
  filename         = data.archive_file.api.output_path
  source_code_hash = data.archive_file.api.output_base64sha256
  memory_size      = 512
  # LIM003: API Gateway gives up after 29 s; the function keeps running (and billing) up to
  # 60 s for a client that has already received a 504.
  timeout = 60

  # EXP007: psycopg2 comes from a layer published by an account we do not control; it runs
  # inside the function with the function's role.
  layers = ["arn:aws:lambda:eu-west-1:210987654321:layer:psycopg2-py39:7"]

  # SEC002: no kms_key_arn: the environment below is encrypted with the AWS-managed key only,
  # so anyone with lambda:GetFunctionConfiguration reads it.
  environment {
    variables = {
      # NET001: the function talks to the RDS database but is not in the VPC (no vpc_config);
      # the database had to be made public for it (database.tf).
      DB_HOST = aws_db_instance.orders.address
      DB_NAME = "orders"
      DB_USER = "orders_app"
      # SEC001: secrets in plain text. Fake example values: a made-up database password (via a
      # variable default) and a random string shaped like a live Stripe key.
      DB_PASSWORD       = var.db_password
      STRIPE_SECRET_KEY = "sk_live_51Hq3kTqL9vXw2ZyB7nR4mPaC8dE6fG0hJ" # fake example
      ORDERS_TABLE      = "${local.prefix}-orders"
    }
  }

  # LOG001: no tracing_config: X-Ray tracing is off (PassThrough).
  # LIM005: no reserved_concurrent_executions on a function behind a public API.
  # PKG008: no code_signing_config_arn.
  tags = local.tags
}

# LOG002: no retention_in_days (logs, including the secrets the handler prints, are kept
# forever) and no kms_key_id.
resource "aws_cloudwatch_log_group" "api" {
  name = "/aws/lambda/${local.prefix}-api"
}

resource "aws_api_gateway_rest_api" "orders" {
  name = "${local.prefix}-api"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.orders.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.api.invoke_arn
  # timeout_milliseconds not set: the default, 29,000 ms.
}

resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.proxy.id,
      aws_api_gateway_method.proxy.id,
      aws_api_gateway_integration.proxy.id,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

# EXP005: the public stage has no WAF web ACL (no aws_wafv2_web_acl_association), and no
# throttling settings either.
resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  deployment_id = aws_api_gateway_deployment.orders.id
  stage_name    = "prod"
}

# EXP003: API Gateway may invoke the function without a source_arn: any API Gateway API, in
# any account, that learns the function's ARN can invoke it (confused deputy).
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
}
