"""Orders REST API (API Gateway proxy integration).

DELIBERATELY INSECURE demo code for fnguard: do not copy. Flaws are marked with the rule that
reports them once fnguard's code analysis lands (INJ*, SEC004).
"""

import json
import logging
import os

import psycopg2  # from the third-party layer (EXP007)

logger = logging.getLogger()
logger.setLevel(logging.DEBUG)

_conn = None


def _db():
    global _conn
    if _conn is None:
        _conn = psycopg2.connect(
            host=os.environ["DB_HOST"],
            dbname=os.environ["DB_NAME"],
            user=os.environ["DB_USER"],
            password=os.environ["DB_PASSWORD"],
        )
    return _conn


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
    }


def list_orders(event):
    params = event.get("queryStringParameters") or {}
    customer = params.get("customer", "")
    status = params.get("status", "open")
    sort = params.get("sort", "created_at")
    # INJ003: query text built from the request: ?customer=x'%20OR%20'1'='1 lists every order.
    sql = (
        "SELECT id, customer, total, status, created_at FROM orders "
        f"WHERE customer = '{customer}' AND status = '{status}' ORDER BY {sort}"
    )
    logger.debug("query: %s", sql)
    with _db().cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    return _response(200, [dict(zip(("id", "customer", "total", "status", "created"), r)) for r in rows])


def create_order(event):
    order = json.loads(event.get("body") or "{}")  # INJ006: no validation of the order at all
    with _db().cursor() as cur:
        # INJ003: string formatting again, this time in an INSERT.
        cur.execute(
            "INSERT INTO orders (customer, items, total) VALUES ('%s', '%s', %s) RETURNING id"
            % (order["customer"], json.dumps(order["items"]), order["total"])
        )
        order_id = cur.fetchone()[0]
    _db().commit()
    return _response(201, {"id": order_id})


def lambda_handler(event, context):
    # SEC004: the whole event (Authorization header included) and the environment
    # (DB_PASSWORD, STRIPE_SECRET_KEY) go to CloudWatch Logs, kept forever (LOG002).
    logger.info("event: %s", json.dumps(event))
    logger.debug("environment: %s", dict(os.environ))
    try:
        if event.get("httpMethod") == "POST":
            return create_order(event)
        return list_orders(event)
    except Exception as exc:  # the caller sees the internal error text
        return _response(500, {"error": str(exc)})
