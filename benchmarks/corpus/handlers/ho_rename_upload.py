"""Moves a processed upload to the name chosen by the client."""

import os


def handler(event, context):
    new_name = event["queryStringParameters"]["as"]
    os.rename("/tmp/incoming.bin", "/tmp/done/" + new_name)
    return {"statusCode": 204}
