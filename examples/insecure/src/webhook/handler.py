"""Payment provider webhook (function URL).

DELIBERATELY INSECURE demo code for fnguard: do not copy.
"""

import json
import logging
import os

import boto3
import requests

logger = logging.getLogger()
logger.setLevel(logging.INFO)

_partner_s3 = boto3.client(
    "s3",
    aws_access_key_id=os.environ["PARTNER_AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["PARTNER_AWS_SECRET_ACCESS_KEY"],
)


def lambda_handler(event, context):
    # SEC004: request headers (the provider's Authorization / signature header included) and
    # every environment variable are written to the logs.
    logger.info("headers: %s", event.get("headers"))
    logger.info("env: %s", os.environ)

    payload = json.loads(event.get("body") or "{}")
    # No signature check: anyone can post a fake "payment succeeded" event (the URL has no
    # auth either, EXP002).

    # INJ005: the URL to call back comes from the request: http://169.254.169.254/... or any
    # internal address is fetched with the function's credentials (SSRF).
    callback = payload.get("callback_url")
    if callback and os.environ.get("CALLBACK_ALLOWED") == "true":
        reply = requests.post(callback, json={"received": payload.get("id")}, timeout=5, verify=False)  # SEC005
        logger.info("callback answered %s: %s", reply.status_code, reply.text)

    # INJ004: the object key is taken from the request as is: "../" and absolute keys write
    # anywhere in the partner's bucket.
    key = "payments/" + payload.get("order_id", "unknown") + ".json"
    _partner_s3.put_object(Bucket=os.environ["PARTNER_EXPORT_BUCKET"], Key=key, Body=json.dumps(payload))

    return {"statusCode": 200, "body": "ok"}
