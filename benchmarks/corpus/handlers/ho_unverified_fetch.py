"""Downloads a price list without verifying the server."""

import ssl
import urllib.request

URL = "https://prices.example.com/list.csv"


def handler(event, context):
    with urllib.request.urlopen(URL, context=ssl._create_unverified_context()) as resp:
        return {"size": len(resp.read())}
