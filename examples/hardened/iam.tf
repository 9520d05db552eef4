# IAM005: one execution role per function. IAM003 / IAM004: every permission names the
# resource it is for; decryption only through Secrets Manager. IAM006: only Lambda may assume
# the roles. IAM008: every role may write its own function's log group.

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "api" {
  name               = "${local.prefix}-api"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = local.tags
}

resource "aws_iam_role" "webhook" {
  name               = "${local.prefix}-webhook"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = local.tags
}

resource "aws_iam_role" "uploads" {
  name               = "${local.prefix}-uploads"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = local.tags
}

resource "aws_iam_role" "worker" {
  name               = "${local.prefix}-worker"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = local.tags
}

resource "aws_iam_role" "report" {
  name               = "${local.prefix}-report"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = local.tags
}

# LOG001: X-Ray needs these write actions; AWS's managed policy is the documented way.
resource "aws_iam_role_policy_attachment" "xray" {
  for_each = {
    api     = aws_iam_role.api.name
    webhook = aws_iam_role.webhook.name
    uploads = aws_iam_role.uploads.name
    worker  = aws_iam_role.worker.name
    report  = aws_iam_role.report.name
  }
  role       = each.value
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

# The network interfaces of the functions in the VPC.
resource "aws_iam_role_policy_attachment" "api_vpc" {
  role       = aws_iam_role.api.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy_attachment" "worker_vpc" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy_attachment" "report_vpc" {
  role       = aws_iam_role.report.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

# Secrets are encrypted with the application key: roles that read secrets may decrypt with it,
# but only through Secrets Manager.
data "aws_iam_policy_document" "decrypt_secrets" {
  statement {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.app.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.region}.amazonaws.com"]
    }
  }
}

# --- api -------------------------------------------------------------------------------------

data "aws_iam_policy_document" "api" {
  source_policy_documents = [data.aws_iam_policy_document.decrypt_secrets.json]

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["api"].arn}:*"]
  }
  statement {
    sid     = "Secrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      aws_db_instance.orders.master_user_secret[0].secret_arn,
      aws_secretsmanager_secret.stripe.arn,
    ]
  }
}

resource "aws_iam_role_policy" "api" {
  name   = "api"
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.api.json
}

# --- webhook ---------------------------------------------------------------------------------

data "aws_iam_policy_document" "webhook" {
  source_policy_documents = [data.aws_iam_policy_document.decrypt_secrets.json]

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["webhook"].arn}:*"]
  }
  statement {
    sid       = "SigningSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.webhook_signing.arn]
  }
  # Instead of the partner's long-lived access keys: a role the partner lets us assume.
  statement {
    sid       = "PartnerExport"
    actions   = ["sts:AssumeRole"]
    resources = [var.partner_export_role_arn]
  }
}

resource "aws_iam_role_policy" "webhook" {
  name   = "webhook"
  role   = aws_iam_role.webhook.id
  policy = data.aws_iam_policy_document.webhook.json
}

# --- uploads ---------------------------------------------------------------------------------

data "aws_iam_policy_document" "uploads" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["uploads"].arn}:*"]
  }
  statement {
    sid       = "ReadUploads"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.uploads.arn}/incoming/*"]
  }
  # RUN001: the function can write only to the thumbnails bucket, which triggers nothing.
  statement {
    sid       = "WriteThumbnails"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.thumbnails.arn}/*"]
  }
  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failures.arn]
  }
}

resource "aws_iam_role_policy" "uploads" {
  name   = "uploads"
  role   = aws_iam_role.uploads.id
  policy = data.aws_iam_policy_document.uploads.json
}

# --- worker ----------------------------------------------------------------------------------

data "aws_iam_policy_document" "worker" {
  source_policy_documents = [data.aws_iam_policy_document.decrypt_secrets.json]

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["worker"].arn}:*"]
  }
  statement {
    sid       = "Queue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.fulfilment.arn]
  }
  statement {
    sid       = "DbCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_db_instance.orders.master_user_secret[0].secret_arn]
  }
}

resource "aws_iam_role_policy" "worker" {
  name   = "worker"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}

# --- report ----------------------------------------------------------------------------------

data "aws_iam_policy_document" "report" {
  source_policy_documents = [data.aws_iam_policy_document.decrypt_secrets.json]

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["report"].arn}:*"]
  }
  statement {
    sid       = "WriteReports"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.reports.arn}/daily/*"]
  }
  statement {
    sid       = "DbCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_db_instance.orders.master_user_secret[0].secret_arn]
  }
  statement {
    sid       = "DeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failures.arn]
  }
}

resource "aws_iam_role_policy" "report" {
  name   = "report"
  role   = aws_iam_role.report.id
  policy = data.aws_iam_policy_document.report.json
}
