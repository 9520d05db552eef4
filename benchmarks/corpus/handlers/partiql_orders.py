"""Reads an order with PartiQL."""

import boto3

ddb = boto3.client("dynamodb")


def handler(event, context):
    order_id = event["pathParameters"]["id"]
    stmt = "SELECT * FROM orders WHERE id = '" + order_id + "'"
    items = ddb.execute_statement(Statement=stmt)
    return {"statusCode": 200, "body": str(items["Items"])}
