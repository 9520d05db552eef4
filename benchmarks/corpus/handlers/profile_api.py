"""Profile API: the user id only chooses a path on a fixed host."""

import requests


def handler(event, context):
    user_id = event["pathParameters"]["id"]
    resp = requests.get(f"https://profiles.example.com/v1/users/{user_id}", timeout=5)
    return {"statusCode": resp.status_code, "body": resp.text}
