"""Order fulfilment worker (SQS event source mapping).

DELIBERATELY INSECURE demo code for fnguard: do not copy.
"""

import base64
import json
import os
import pickle

import boto3
import psycopg2

_secrets = boto3.client("secretsmanager")


def _connect():
    secret = json.loads(_secrets.get_secret_value(SecretId=os.environ["DB_SECRET_ID"])["SecretString"])
    print("connecting with", secret)  # SEC004: the database credentials go to the logs
    return psycopg2.connect(host=os.environ["DB_HOST"], dbname="orders", **secret)


def lambda_handler(event, context):
    conn = _connect()
    for record in event["Records"]:
        message = json.loads(record["body"])

        # INJ002: the discount rule is an expression sent in the message and evaluated.
        discount = eval(message.get("discount_rule", "0"))

        # INJ002: the partner's "state" blob is unpickled: arbitrary code execution.
        state = pickle.loads(base64.b64decode(message["state"])) if "state" in message else {}

        with conn.cursor() as cur:
            # INJ003: message fields pasted into the SQL text.
            cur.execute(
                f"UPDATE orders SET status = 'shipped', discount = {discount}, "
                f"carrier = '{message['carrier']}' WHERE id = {message['order_id']}"
            )
        # RUN003: no idempotency key: SQS delivers at least once, and with the short visibility
        # timeout (LIM004) the same order is shipped twice.
        conn.commit()
        print("shipped", message["order_id"], state)
