"""Thumbnails for images uploaded under incoming/ (S3 ObjectCreated notifications).

The fixed twin of ../../insecure/src/uploads/handler.py: no shell (Pillow resizes in process),
temporary files with generated names inside /tmp, removed afterwards, and the thumbnail written
to a different bucket so it cannot trigger the function again.
"""

import os
import tempfile
import urllib.parse

import boto3
from PIL import Image

s3 = boto3.client("s3")
THUMBNAIL_BUCKET = os.environ["THUMBNAIL_BUCKET"]
SIZE = int(os.environ.get("THUMBNAIL_SIZE", "256"))
MAX_BYTES = 20 * 1024 * 1024


def _thumbnail(bucket, key):
    head = s3.head_object(Bucket=bucket, Key=key)
    if head["ContentLength"] > MAX_BYTES:
        raise ValueError(f"{key}: too large for a thumbnail")
    with tempfile.TemporaryDirectory(dir="/tmp") as work:
        source = os.path.join(work, "source")
        thumb = os.path.join(work, "thumb.png")
        s3.download_file(bucket, key, source)
        with Image.open(source) as image:
            image.thumbnail((SIZE, SIZE))
            image.save(thumb, format="PNG")
        name = os.path.basename(key).rsplit(".", 1)[0] + ".png"
        s3.upload_file(thumb, THUMBNAIL_BUCKET, f"thumbnails/{name}")


def lambda_handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        if key.startswith("incoming/"):
            _thumbnail(bucket, key)
    return {"processed": len(event["Records"])}
