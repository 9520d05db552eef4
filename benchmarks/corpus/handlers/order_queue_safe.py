"""SQS consumer: conditional write, so a redelivered order changes nothing."""

import json

import boto3

table = boto3.resource("dynamodb").Table("payments")


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        order_id = str(order["id"])
        if not order_id.isalnum():
            continue
        table.put_item(
            Item={"order": order_id},
            ConditionExpression="attribute_not_exists(#o)",
            ExpressionAttributeNames={"#o": "order"},
        )
    return {"ok": True}
