# "orders": a small serverless shop back end, written the way many real ones are.
#
# THIS CONFIGURATION IS DELIBERATELY INSECURE. It is fnguard's demo: every flaw is marked with
# a comment naming the rule that reports it (e.g. "# EXP002: ..."). Do not deploy it.
# All credentials in it are fake example values (AWS's documented example key pair, made-up
# tokens and passwords); none of them grants access to anything.
#
# Functions:
#   api       REST API (API Gateway v1) in front of the orders handler   (api.tf)
#   webhook   payment-provider webhook on a public function URL          (webhook.tf)
#   uploads   makes thumbnails of images uploaded to an S3 bucket        (uploads.tf)
#   worker    fulfils orders from an SQS queue, inside the VPC           (worker.tf)
#   report    nightly sales report on an EventBridge schedule            (report.tf)

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

locals {
  prefix = "orders-${var.environment}"
  tags = {
    app         = "orders"
    environment = var.environment
  }
}
