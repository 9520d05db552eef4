"""Connects to the database with a password from Secrets Manager."""

import json
import logging

import boto3

log = logging.getLogger(__name__)
secrets = boto3.client("secretsmanager")


def handler(event, context):
    secret = json.loads(secrets.get_secret_value(SecretId="prod/db")["SecretString"])
    log.debug("db credentials: %s", secret)
    return {"ok": True}
