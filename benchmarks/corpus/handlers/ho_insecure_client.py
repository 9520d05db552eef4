"""Internal client with certificate checks turned off."""

import httpx

client = httpx.Client(verify=False, timeout=5)


def handler(event, context):
    return {"status": client.get("https://billing.internal.example.com/health").status_code}
