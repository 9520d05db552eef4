"""Image service: converts an uploaded image named in the request."""

import json
import os


def handler(event, context):
    body = json.loads(event["body"])
    source = body["image"]
    size = body.get("size", "128x128")
    os.system(f"convert /tmp/{source} -resize {size} /tmp/thumb.png")
    return {"statusCode": 200, "body": json.dumps({"thumb": "/tmp/thumb.png"})}
