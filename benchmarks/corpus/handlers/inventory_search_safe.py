"""Inventory search with boto3 conditions: the value is a parameter."""

import boto3
from boto3.dynamodb.conditions import Attr

table = boto3.resource("dynamodb").Table("inventory")


def handler(event, context):
    category = event["queryStringParameters"]["category"]
    result = table.scan(FilterExpression=Attr("category").eq(category))
    return {"statusCode": 200, "body": str(result["Items"])}
