"""Calculator API, fixed: a fixed table of operations on numbers."""

import json
import operator

OPERATIONS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}


def handler(event, context):
    body = json.loads(event["body"])
    op = body["op"]
    if op not in OPERATIONS:
        return {"statusCode": 400}
    result = OPERATIONS[op](float(body["a"]), float(body["b"]))
    return {"statusCode": 200, "body": json.dumps({"result": result})}
