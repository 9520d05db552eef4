"""Downloads an S3 object to a local name chosen by the caller."""

import os

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    key = event["key"]
    local = os.path.basename(key)
    s3.download_file("data-bucket", key, "/tmp/" + local)
    return {"path": "/tmp/" + local}
