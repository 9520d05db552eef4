"""Refreshes an OAuth token over plain HTTP and skips TLS checks elsewhere."""

import os

import requests

TOKEN_URL = "http://auth.internal.example.com/oauth/token"


def handler(event, context):
    form = {"grant_type": "client_credentials", "client_id": os.environ["CLIENT_ID"]}
    token = requests.post(TOKEN_URL, data=form, timeout=5).json()["access_token"]
    requests.get(
        "https://partner.example.com/data",
        headers={"Authorization": token},
        verify=False,
        timeout=5,
    )
    return {"ok": True}
