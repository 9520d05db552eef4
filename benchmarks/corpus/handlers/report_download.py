"""Returns a generated report file by name."""

import os

REPORTS = "/tmp/reports"


def handler(event, context):
    name = event["queryStringParameters"]["file"]
    with open(os.path.join(REPORTS, name)) as fh:
        return {"statusCode": 200, "body": fh.read()}
