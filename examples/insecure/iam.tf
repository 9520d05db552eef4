# Execution roles. Most of what is wrong with this application is here.

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# --- app: one role for the API and the webhook -------------------------------------------

# IAM005: one execution role shared by two functions (api and webhook): a flaw in either
# handler gets the permissions both need.
resource "aws_iam_role" "app" {
  name               = "${local.prefix}-app"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "app_logs" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "app" {
  name = "app-data"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # IAM003: every DynamoDB action, on every table in the account.
        Sid      = "Orders"
        Effect   = "Allow"
        Action   = ["dynamodb:*"]
        Resource = "*"
      },
      {
        # IAM004: reads every secret and decrypts with every key in the account.
        Sid      = "Secrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "kms:Decrypt"]
        Resource = "*"
      },
    ]
  })
}

# --- uploads -------------------------------------------------------------------------------

data "aws_iam_policy_document" "uploads" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${var.region}:${var.account_id}:log-group:/aws/lambda/${local.prefix}-uploads:*"]
  }

  # IAM003: s3:* on every bucket. Together with the bucket notification in uploads.tf it lets
  # the function write into the bucket that triggers it (RUN001).
  statement {
    sid       = "Images"
    actions   = ["s3:*"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "uploads" {
  name               = "${local.prefix}-uploads"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = local.tags
}

resource "aws_iam_role_policy" "uploads" {
  name   = "uploads"
  role   = aws_iam_role.uploads.id
  policy = data.aws_iam_policy_document.uploads.json
}

# --- worker --------------------------------------------------------------------------------

# IAM006: the trust policy also lets a whole other account (the fulfilment partner's) assume
# the worker's role, with no ExternalId or other condition.
resource "aws_iam_role" "worker" {
  name = "${local.prefix}-worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "lambda.amazonaws.com" }
      },
      {
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { AWS = "arn:aws:iam::444455556666:root" }
      },
    ]
  })
  tags = local.tags
}

# IAM008: this hand-written policy has everything the worker needs to poll its queue and run
# in the VPC, but no logs:CreateLogStream / logs:PutLogEvents: the function runs unaudited.
resource "aws_iam_policy" "worker" {
  name = "${local.prefix}-worker"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Queue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        Resource = aws_sqs_queue.fulfilment.arn
      },
      {
        Sid    = "Network"
        Effect = "Allow"
        Action = [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DeleteNetworkInterface",
        ]
        Resource = "*"
      },
      {
        # IAM004: any secret in the account. NET003: the worker runs in the VPC and reaches
        # Secrets Manager through the NAT gateway: there is no VPC endpoint for it.
        Sid      = "DbCredentials"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "worker" {
  role       = aws_iam_role.worker.name
  policy_arn = aws_iam_policy.worker.arn
}

# --- report --------------------------------------------------------------------------------

resource "aws_iam_role" "report" {
  name               = "${local.prefix}-report"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = local.tags
}

# IAM001: "the report job kept failing with AccessDenied, so we gave it admin".
resource "aws_iam_role_policy_attachment" "report_admin" {
  role       = aws_iam_role.report.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

# IAM009: Allow with NotAction grants every action of every service except IAM, including
# ones that did not exist when this was written.
resource "aws_iam_role_policy" "report" {
  name = "report-everything-but-iam"
  role = aws_iam_role.report.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        NotAction = "iam:*"
        Resource  = "*"
      },
    ]
  })
}
