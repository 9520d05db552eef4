"""Image proxy: fetches the picture at the given address."""

import urllib.request


def handler(event, context):
    url = event["queryStringParameters"]["src"]
    with urllib.request.urlopen(url) as resp:
        data = resp.read()
    return {"statusCode": 200, "body": data.hex()}
