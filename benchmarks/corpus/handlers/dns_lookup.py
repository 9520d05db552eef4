"""Network helper: resolves a host name given by the caller."""

import json
import subprocess


def _lookup(name):
    return subprocess.run(["sh", "-c", "nslookup " + name], capture_output=True, check=False)


def handler(event, context):
    host = json.loads(event["body"])["host"]
    result = _lookup(host)
    return {"statusCode": 200, "body": result.stdout.decode()}
