"""Audits logins: logs the user id from the authorizer, never the token."""

import logging

logger = logging.getLogger()


def handler(event, context):
    claims = event["requestContext"]["authorizer"]["claims"]
    logger.info("login by %s", claims["sub"])
    return {"statusCode": 204}
