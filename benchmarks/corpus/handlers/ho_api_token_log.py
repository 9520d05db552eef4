"""Calls a partner API and logs the token it used on failure."""

import logging
import os

import requests

logger = logging.getLogger()


def handler(event, context):
    resp = requests.get("https://partner.example.com/v2/items", timeout=5)
    if resp.status_code != 200:
        logger.error("partner call failed with token=%s", os.getenv("PARTNER_API_TOKEN"))
    return {"status": resp.status_code}
