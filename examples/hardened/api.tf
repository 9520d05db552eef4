# api: the orders REST API, now behind a Cognito authoriser, a WAF web ACL and throttling.

resource "aws_lambda_function" "api" {
  function_name                  = "${local.prefix}-api"
  description                    = "Orders REST API"
  role                           = aws_iam_role.api.arn # IAM005: its own role
  handler                        = "handler.lambda_handler"
  runtime                        = local.runtime # PKG009
  architectures                  = ["arm64"]
  s3_bucket                      = aws_signer_signing_job.fn["api"].signed_object[0].s3[0].bucket
  s3_key                         = aws_signer_signing_job.fn["api"].signed_object[0].s3[0].key
  source_code_hash               = data.archive_file.fn["api"].output_base64sha256 # PKG003
  code_signing_config_arn        = aws_lambda_code_signing_config.orders.arn       # PKG008
  memory_size                    = 512
  timeout                        = 20 # LIM003: under the REST API's 29 s integration timeout
  reserved_concurrent_executions = 50 # LIM005
  kms_key_arn                    = aws_kms_key.app.arn # SEC002

  environment {
    variables = {
      DB_HOST = aws_db_instance.orders.address
      DB_NAME = "orders"
      # SEC001: where the secrets are, not what they are.
      DB_SECRET_ARN     = aws_db_instance.orders.master_user_secret[0].secret_arn
      STRIPE_SECRET_ARN = aws_secretsmanager_secret.stripe.arn
      ORDERS_TABLE      = "${local.prefix}-orders"
    }
  }

  # NET001 / NET002: in the VPC with the database, in two Availability Zones.
  vpc_config {
    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_group_ids = [aws_security_group.lambda.id]
  }

  tracing_config {
    mode = "Active" # LOG001
  }

  logging_config {
    log_format            = "JSON" # LOG002
    log_group             = aws_cloudwatch_log_group.fn["api"].name
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  depends_on = [aws_iam_role_policy.api, aws_iam_role_policy_attachment.api_vpc]
  tags       = local.tags
}

resource "aws_cognito_user_pool" "customers" {
  name                = "${local.prefix}-customers"
  deletion_protection = "ACTIVE"
  mfa_configuration   = "OPTIONAL"
  software_token_mfa_configuration {
    enabled = true
  }
}

resource "aws_api_gateway_rest_api" "orders" {
  name = "${local.prefix}-api"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_authorizer" "customers" {
  name          = "customers"
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = [aws_cognito_user_pool.customers.arn]
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
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.customers.id
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.orders.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.api.invoke_arn
  timeout_milliseconds    = 29000
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

resource "aws_api_gateway_stage" "prod" {
  rest_api_id          = aws_api_gateway_rest_api.orders.id
  deployment_id        = aws_api_gateway_deployment.orders.id
  stage_name           = "prod"
  xray_tracing_enabled = true
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 100
    throttling_burst_limit = 200
    metrics_enabled        = true
  }
}

# EXP005: the public stage is behind a WAF web ACL: AWS's common and known-bad-input rules,
# and a per-address rate limit.
resource "aws_wafv2_web_acl" "api" {
  name  = "${local.prefix}-api"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "common"
    priority = 1
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "known-bad-inputs"
    priority = 2
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-per-ip"
    priority = 3
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit              = 1000
        aggregate_key_type = "IP"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate-per-ip"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${local.prefix}-api"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "api" {
  resource_arn = aws_api_gateway_stage.prod.arn
  web_acl_arn  = aws_wafv2_web_acl.api.arn
}

# EXP003: only this API may invoke the function.
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowOrdersApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.orders.execution_arn}/*/*/*"
}
