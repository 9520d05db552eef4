"""Order fulfilment worker (SQS event source mapping, partial batch responses).

The fixed twin of ../../insecure/src/worker/handler.py: messages are parsed as data and
validated (no eval, no pickle), SQL is parameterised, and each update is idempotent, so a
redelivered message does not ship an order twice.
"""

import json
import logging
import os
from decimal import Decimal

import boto3
import psycopg2

logger = logging.getLogger()
logger.setLevel(logging.INFO)

_secrets = boto3.client("secretsmanager")
CARRIERS = {"dhl", "ups", "postnl"}
DISCOUNTS = {"none": Decimal("0"), "loyal": Decimal("0.05"), "staff": Decimal("0.20")}


def _connect():
    value = _secrets.get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])
    secret = json.loads(value["SecretString"])
    return psycopg2.connect(
        host=os.environ["DB_HOST"],
        dbname="orders",
        user=secret["username"],
        password=secret["password"],
        sslmode="require",
    )


def _parse(body):
    message = json.loads(body)
    order_id = int(message["order_id"])
    carrier = message["carrier"]
    discount = DISCOUNTS[message.get("discount", "none")]
    if carrier not in CARRIERS:
        raise ValueError(f"unknown carrier {carrier!r}")
    return order_id, carrier, discount


def lambda_handler(event, context):
    conn = _connect()
    failures = []
    for record in event["Records"]:
        try:
            order_id, carrier, discount = _parse(record["body"])
            with conn.cursor() as cur:
                # Idempotent: only an open order is shipped; a redelivery changes nothing.
                cur.execute(
                    "UPDATE orders SET status = 'shipped', discount = %s, carrier = %s "
                    "WHERE id = %s AND status = 'paid'",
                    (discount, carrier, order_id),
                )
            conn.commit()
            logger.info("shipped", extra={"order_id": order_id, "carrier": carrier})
        except (ValueError, KeyError, TypeError):
            logger.warning("rejected message", extra={"message_id": record["messageId"]})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
