"""Payment provider webhook (function URL, IAM auth).

The fixed twin of ../../insecure/src/webhook/handler.py: the payload signature is verified,
callbacks go only to allow-listed HTTPS hosts, the partner's bucket is reached through an
assumed role, object keys are built from validated IDs, and nothing secret is logged.
"""

import hashlib
import hmac
import json
import logging
import os
import re
import urllib.parse

import boto3
import requests

logger = logging.getLogger()
logger.setLevel(logging.INFO)

_secrets = boto3.client("secretsmanager")
_sts = boto3.client("sts")
_ORDER_ID = re.compile(r"^[0-9]{1,12}$")
_CALLBACK_HOSTS = frozenset(os.environ["CALLBACK_HOSTS"].split(","))
_signing = None


def _signing_secret():
    global _signing
    if _signing is None:
        value = _secrets.get_secret_value(SecretId=os.environ["SIGNING_SECRET_ARN"])
        _signing = json.loads(value["SecretString"])
    return _signing


def _partner_s3():
    external_id = _signing_secret()["partner_external_id"]
    creds = _sts.assume_role(
        RoleArn=os.environ["PARTNER_EXPORT_ROLE_ARN"],
        RoleSessionName="orders-webhook",
        ExternalId=external_id,
        DurationSeconds=900,
    )["Credentials"]
    return boto3.client(
        "s3",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def _verified(event):
    body = event.get("body") or ""
    given = (event.get("headers") or {}).get("x-payment-signature", "")
    key = _signing_secret()["hmac_key"].encode()
    expected = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(given, expected)


def lambda_handler(event, context):
    if not _verified(event):
        logger.warning("rejected webhook with a bad signature")
        return {"statusCode": 401, "body": "bad signature"}

    payload = json.loads(event["body"])
    order_id = str(payload.get("order_id", ""))
    if not _ORDER_ID.match(order_id):
        return {"statusCode": 400, "body": "bad order id"}
    logger.info("payment event", extra={"order_id": order_id, "type": payload.get("type")})

    callback = urllib.parse.urlsplit(payload.get("callback_url", ""))
    if callback.scheme == "https" and callback.hostname in _CALLBACK_HOSTS:
        requests.post(callback.geturl(), json={"received": order_id}, timeout=5)

    _partner_s3().put_object(
        Bucket=os.environ["PARTNER_EXPORT_BUCKET"],
        Key=f"payments/{order_id}.json",
        Body=json.dumps(payload),
    )
    return {"statusCode": 200, "body": "ok"}
