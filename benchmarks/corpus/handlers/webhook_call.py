"""Calls the webhook URL registered in the request (DVSA-style SSRF)."""

import json

import requests


def handler(event, context):
    body = json.loads(event["body"])
    response = requests.post(body["callback_url"], json={"status": "done"}, timeout=5)
    return {"statusCode": response.status_code}
