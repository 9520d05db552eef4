"""Feed reader: fetches the feed URL through a shared session."""

import requests

session = requests.Session()


def handler(event, context):
    feed = event["queryStringParameters"]["feed"]
    response = session.get(feed, timeout=10)
    return {"statusCode": 200, "body": response.text[:1000]}
