"""Logs every request's headers (which include Authorization)."""

import json


def handler(event, context):
    print(json.dumps(event["headers"]))
    return {"statusCode": 200}
