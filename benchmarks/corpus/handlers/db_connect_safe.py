"""Connects to the database; logs only which secret it used."""

import json
import logging

import boto3

log = logging.getLogger(__name__)
secrets = boto3.client("secretsmanager")
SECRET_ID = "prod/db"


def handler(event, context):
    secret = json.loads(secrets.get_secret_value(SecretId=SECRET_ID)["SecretString"])
    log.info("using secret %s for user %s", SECRET_ID, len(secret))
    return {"ok": True}
