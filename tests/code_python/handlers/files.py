"""RUN002: writes outside /tmp, and secrets left in /tmp."""

import json
import os
import tempfile

import boto3

ssm = boto3.client("ssm")


def handler(event, context):
    with open("/var/task/cache.json", "w") as f:  # expect: RUN002
        json.dump({}, f)
    with open("report.csv", "a") as f:  # expect: RUN002
        f.write("x")
    os.makedirs("/opt/data", exist_ok=True)  # expect: RUN002
    key = ssm.get_parameter(Name="/app/key", WithDecryption=True)["Parameter"]["Value"]
    with open("/tmp/key.pem", "w") as f:
        f.write(key)  # expect: RUN002
    with open("/tmp/out.json", "w") as f:  # near miss: /tmp
        json.dump({"a": 1}, f)
    with open(os.path.join(tempfile.gettempdir(), "x.txt"), "w") as f:  # near miss: /tmp
        f.write("x")
    with open("/mnt/efs/shared.txt", "w") as f:  # near miss: an EFS mount
        f.write("x")
    with open("/var/task/config.json") as f:  # near miss: reading
        return json.load(f)
