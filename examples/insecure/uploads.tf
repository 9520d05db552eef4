# uploads: makes a thumbnail of every image customers upload with their orders.

resource "aws_s3_bucket" "images" {
  bucket = "${local.prefix}-images-${var.account_id}"
  tags   = local.tags
}

data "archive_file" "uploads" {
  type        = "zip"
  source_dir  = "${path.module}/src/uploads"
  output_path = "${path.module}/build/uploads.zip"
}

resource "aws_lambda_function" "uploads" {
  function_name = "${local.prefix}-uploads"
  description   = "Thumbnails for uploaded images"
  role          = aws_iam_role.uploads.arn
  handler       = "handler.lambda_handler"
  runtime       = "python3.8" # PKG009: deprecated by AWS on 2024-10-14
  # PKG003: no source_code_hash: Terraform cannot tell that the zip changed, and nothing
  # records which build is deployed.
  filename = data.archive_file.uploads.output_path
  # LIM001: "images need memory": 16,384 MB is above Lambda's 10,240 MB maximum.
  memory_size = 16384
  timeout     = 120

  environment {
    variables = {
      THUMBNAIL_PREFIX = "thumbnails/"
      THUMBNAIL_SIZE   = "256x256"
    }
  }
  # LIM006: invoked asynchronously by S3, with neither dead_letter_config nor an on-failure
  # destination: an event that fails three times is dropped without a trace.
  # SEC002, LOG001, PKG008: as for the api function.
  tags = local.tags
}

resource "aws_cloudwatch_log_group" "uploads" {
  name = "/aws/lambda/${local.prefix}-uploads" # LOG002: no retention, no KMS key
}

# RUN001: every object created in the bucket invokes the function (no prefix / suffix filter),
# and the function writes its thumbnail into the same bucket: each thumbnail triggers the
# function again, which makes a thumbnail of the thumbnail, and so on.
resource "aws_s3_bucket_notification" "images" {
  bucket = aws_s3_bucket.images.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.uploads.arn
    events              = ["s3:ObjectCreated:*"]
  }

  depends_on = [aws_lambda_permission.uploads]
}

# EXP003: S3 may invoke the function with no source_arn / source_account: any bucket, in any
# account, can be pointed at this function.
resource "aws_lambda_permission" "uploads" {
  statement_id  = "AllowS3"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.uploads.function_name
  principal     = "s3.amazonaws.com"
}
