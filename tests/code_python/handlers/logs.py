"""SEC004: secrets in logs, and what is fine to log."""

import logging
import os

import boto3

logger = logging.getLogger(__name__)
secrets = boto3.client("secretsmanager")


def handler(event, context):
    print(os.environ)  # expect: SEC004
    logger.info("config %s", dict(os.environ))  # expect: SEC004
    db_password = os.environ["DB_PASSWORD"]
    logger.debug("connecting with %s", db_password)  # expect: SEC004
    print("auth:", event["headers"]["Authorization"])  # expect: SEC004
    creds = boto3.Session().get_credentials()
    logger.info(f"key {creds.access_key}")  # expect: SEC004
    value = secrets.get_secret_value(SecretId="app/api")["SecretString"]
    logger.warning("secret is %s", value)  # expect: SEC004
    print(os.environ["TABLE_NAME"])  # near miss: not a secret
    secret_arn = os.environ["SECRET_ARN"]
    logger.info("using %s", secret_arn)  # near miss: the ARN names the secret
    logger.info("token length %d", len(value))  # near miss: a length
    token_count = 3
    print(token_count)  # near miss: a count
    return {"ok": True}


def refresh(response, next_token, creds_filename):
    """Near misses: a field of a secret response that is not secret, a pagination token, a
    file name of credentials."""
    logger.debug("role %s", response["AssumedRoleUser"]["Arn"])
    logger.debug("page %s from %s", next_token, creds_filename)
    creds = boto3.client("sts").assume_role(RoleArn="arn", RoleSessionName="s")
    logger.info("expires %s", creds["Credentials"]["Expiration"])
    print(creds["Credentials"])  # expect: SEC004
