"""Looks a city up on a fixed weather API host."""

from urllib.parse import quote

import requests


def handler(event, context):
    city = event["queryStringParameters"]["city"]
    resp = requests.get("https://weather.example.com/v1/" + quote(city), timeout=5)
    return {"statusCode": resp.status_code, "body": resp.text}
