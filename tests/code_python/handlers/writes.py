"""RUN003 analysis: external writes without an idempotency guard."""

import boto3
import requests

table = boto3.resource("dynamodb").Table("orders")
sqs = boto3.client("sqs")


def handler(event, context):
    for record in event["Records"]:
        order = record["body"]
        table.put_item(Item={"id": order})  # expect: RUN003 INJ006
        sqs.send_message(QueueUrl="https://sqs/q", MessageBody=order)
        requests.post("https://billing.example.com/charge", json={"o": order}, timeout=5)
    return {"ok": True}
