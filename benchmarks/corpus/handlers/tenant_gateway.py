"""Gateway: forwards to the tenant's host taken from a header."""

import httpx


def handler(event, context):
    tenant = event["headers"]["x-tenant-host"]
    resp = httpx.get("https://" + tenant + "/api/status")
    return {"statusCode": resp.status_code}
