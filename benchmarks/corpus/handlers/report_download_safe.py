"""Returns a generated report file by name, kept inside the reports folder."""

import os

REPORTS = "/tmp/reports"


def handler(event, context):
    name = event["queryStringParameters"]["file"]
    path = os.path.realpath(os.path.join(REPORTS, name))
    if not path.startswith(REPORTS + os.sep):
        return {"statusCode": 404}
    with open(path) as fh:
        return {"statusCode": 200, "body": fh.read()}
