"""Image service, fixed: no shell, validated size and file name."""

import json
import os
import re
import subprocess

SIZES = {"64x64", "128x128", "256x256"}


def handler(event, context):
    body = json.loads(event["body"])
    source = os.path.basename(body["image"])
    size = body.get("size", "128x128")
    if size not in SIZES or not re.fullmatch(r"[\w.-]{1,64}", source):
        return {"statusCode": 400}
    subprocess.run(["convert", f"/tmp/{source}", "-resize", size, "/tmp/t.png"], check=True)
    return {"statusCode": 200}
