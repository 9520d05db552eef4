"""Renders a greeting; the template is code-owned, the name is data."""

import json


def handler(event, context):
    name = json.loads(event["body"])["name"]
    text = f"Hello, {name}!"
    return {"statusCode": 200, "body": json.dumps({"message": text})}
