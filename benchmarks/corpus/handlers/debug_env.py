"""Debug endpoint left in production: logs its whole environment."""

import logging
import os

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    logger.info("environment: %s", dict(os.environ))
    return {"statusCode": 200}
