"""Deletes a temporary workspace named in the queue message."""

import json
import shutil


def handler(event, context):
    for record in event["Records"]:
        job = json.loads(record["body"])
        shutil.rmtree("/tmp/work/" + job["workspace"])
    return {"ok": True}
