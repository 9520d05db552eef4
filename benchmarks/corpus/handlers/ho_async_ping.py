"""Async health checker: pings the host from the request with a shell."""

import asyncio
import json


async def _ping(host):
    proc = await asyncio.create_subprocess_shell(f"ping -c 1 {host}")
    return await proc.wait()


def handler(event, context):
    host = json.loads(event["body"]).get("host", "localhost")
    code = asyncio.run(_ping(host))
    return {"statusCode": 200, "body": str(code)}
