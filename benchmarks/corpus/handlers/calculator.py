"""Calculator API: evaluates the expression from the request."""

import json


def handler(event, context):
    expression = json.loads(event["body"])["expression"]
    result = eval(expression)
    return {"statusCode": 200, "body": json.dumps({"result": result})}
