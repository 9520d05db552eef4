"""Stores an upload under the name the client gave."""

import base64
import json
from pathlib import Path


def handler(event, context):
    body = json.loads(event["body"])
    target = Path("/tmp/uploads") / body["filename"]
    target.write_bytes(base64.b64decode(body["content"]))
    return {"statusCode": 201}
