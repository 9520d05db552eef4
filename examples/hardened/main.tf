# "orders", hardened: the application of ../insecure with every flaw fixed.
#
# Each fix is marked with the rule it satisfies ("# SEC002: ..."), so the two folders can be
# read side by side. fnguard reports nothing at high or above here.
#
# Functions (all: current runtime, own least-privilege role, environment under a customer-
# managed KMS key, X-Ray tracing, JSON logs in a log group with retention and KMS, reserved
# concurrency, packages signed and enforced, source_code_hash recorded):
#   api       REST API with a Cognito authoriser and a WAF web ACL, in the VPC   (api.tf)
#   webhook   function URL with IAM auth for the payment provider's role        (webhook.tf)
#   uploads   thumbnails from incoming/ into a separate bucket                  (uploads.tf)
#   worker    SQS fulfilment in the VPC, queue timeout 6x the function's        (worker.tf)
#   report    nightly on an EventBridge schedule, with a DLQ                    (report.tf)

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "account_id" {
  description = "The account the application is deployed to."
  type        = string
  default     = "123456789012"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "payment_provider_role_arn" {
  description = "The payment provider's role that signs webhook calls (SigV4)."
  type        = string
  default     = "arn:aws:iam::444455556666:role/orders-webhook-caller"
}

variable "partner_export_role_arn" {
  description = "The fulfilment partner's role that may write to its export bucket."
  type        = string
  default     = "arn:aws:iam::444455556666:role/orders-export-writer"
}

locals {
  prefix    = "orders-${var.environment}"
  functions = toset(["api", "webhook", "uploads", "worker", "report"])
  runtime   = "python3.13" # PKG009: supported until 2029
  tags = {
    app         = "orders"
    environment = var.environment
  }
}

# SEC002, LOG002, SEC006: one customer-managed key, rotated yearly, for the functions'
# environment, the log groups, the secrets and the database.
data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${var.region}:${var.account_id}:log-group:*"]
    }
  }
}

resource "aws_kms_key" "app" {
  description         = "${local.prefix} application data"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
  tags                = local.tags
}

resource "aws_kms_alias" "app" {
  name          = "alias/${local.prefix}"
  target_key_id = aws_kms_key.app.key_id
}

# LOG002: a log group per function, kept 90 days, encrypted with the key above.
resource "aws_cloudwatch_log_group" "fn" {
  for_each          = local.functions
  name              = "/aws/lambda/${local.prefix}-${each.key}"
  retention_in_days = 90
  kms_key_id        = aws_kms_key.app.arn
  tags              = local.tags
}

# LIM006: failed asynchronous events land here instead of disappearing.
resource "aws_sqs_queue" "failures" {
  name                      = "${local.prefix}-failures"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

# EventBridge delivers events it could not hand to the report function into the same queue.
data "aws_iam_policy_document" "failures" {
  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failures.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.nightly.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "failures" {
  queue_url = aws_sqs_queue.failures.id
  policy    = data.aws_iam_policy_document.failures.json
}
