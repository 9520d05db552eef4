"""SQS consumer: charges and records each order."""

import json

import boto3

table = boto3.resource("dynamodb").Table("payments")


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        table.put_item(Item={"order": order["id"], "amount": int(order["amount"])})
    return {"ok": True}
