"""Inventory search on DynamoDB with a filter built from the request."""

import boto3

table = boto3.resource("dynamodb").Table("inventory")


def handler(event, context):
    category = event["queryStringParameters"]["category"]
    result = table.scan(FilterExpression="category = " + category)
    return {"statusCode": 200, "body": str(result["Items"])}
