"""Stats: the day count is converted to a number before use."""

import subprocess


def handler(event, context):
    days = int(event["queryStringParameters"]["days"])
    out = subprocess.check_output(f"find /tmp/data -mtime -{days} | wc -l", shell=True)
    return {"count": int(out)}
