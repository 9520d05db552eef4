"""Fetches a resource with urllib3 from the address in the event."""

import urllib3

pool = urllib3.PoolManager()


def handler(event, context):
    target = event["target"]
    response = pool.request("GET", target)
    return {"status": response.status}
