"""RUN003 near miss: every write is conditional."""

import boto3

table = boto3.resource("dynamodb").Table("orders")


def handler(event, context):
    for record in event["Records"]:
        message_id = str(record["messageId"])
        if not message_id.isalnum():
            continue
        table.put_item(
            Item={"id": message_id},
            ConditionExpression="attribute_not_exists(id)",
        )
    return {"ok": True}
