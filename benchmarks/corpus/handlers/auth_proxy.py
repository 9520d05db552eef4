"""Forwards requests upstream and logs the request headers for debugging."""

import requests

UPSTREAM = "https://upstream.example.com/api"


def handler(event, context):
    token = event["headers"]["Authorization"]
    print("forwarding with", token)
    resp = requests.get(UPSTREAM, headers={"Authorization": token}, timeout=5)
    return {"statusCode": resp.status_code}
