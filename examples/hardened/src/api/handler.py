"""Orders REST API (API Gateway proxy integration, Cognito-authenticated).

The fixed twin of ../../insecure/src/api/handler.py: parameterised SQL, a validated body, an
allow-listed sort column, credentials from Secrets Manager, and logs without secrets.
"""

import json
import logging
import os
from decimal import Decimal, InvalidOperation

import boto3
import psycopg2

logger = logging.getLogger()
logger.setLevel(logging.INFO)

_secrets = boto3.client("secretsmanager")
_conn = None

SORTABLE = {"created_at", "total", "status"}
STATUSES = {"open", "paid", "shipped", "cancelled"}


def _db():
    global _conn
    if _conn is None:
        secret = json.loads(
            _secrets.get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])["SecretString"]
        )
        _conn = psycopg2.connect(
            host=os.environ["DB_HOST"],
            dbname=os.environ["DB_NAME"],
            user=secret["username"],
            password=secret["password"],
            sslmode="require",
        )
    return _conn


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
    }


class BadRequest(ValueError):
    pass


def _customer(event):
    """The caller, as the Cognito authoriser established it; never taken from the request."""
    return event["requestContext"]["authorizer"]["claims"]["sub"]


def list_orders(event):
    params = event.get("queryStringParameters") or {}
    status = params.get("status", "open")
    sort = params.get("sort", "created_at")
    if status not in STATUSES or sort not in SORTABLE:
        raise BadRequest("unsupported status or sort")
    # Identifiers cannot be parameters: the sort column comes from the allow-list above.
    sql = (
        "SELECT id, total, status, created_at FROM orders "
        "WHERE customer = %s AND status = %s ORDER BY " + sort
    )
    with _db().cursor() as cur:
        cur.execute(sql, (_customer(event), status))
        rows = cur.fetchall()
    return _response(200, [dict(zip(("id", "total", "status", "created"), r)) for r in rows])


def _parse_order(body):
    try:
        order = json.loads(body or "")
        items = order["items"]
        total = Decimal(str(order["total"]))
    except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
        raise BadRequest("malformed order") from exc
    if not isinstance(items, list) or not 0 < len(items) <= 100 or not 0 < total < 100000:
        raise BadRequest("order out of bounds")
    for item in items:
        if not isinstance(item, dict) or set(item) != {"sku", "quantity"}:
            raise BadRequest("malformed item")
    return items, total


def create_order(event):
    items, total = _parse_order(event.get("body"))
    with _db().cursor() as cur:
        cur.execute(
            "INSERT INTO orders (customer, items, total) VALUES (%s, %s, %s) RETURNING id",
            (_customer(event), json.dumps(items), total),
        )
        order_id = cur.fetchone()[0]
    _db().commit()
    return _response(201, {"id": order_id})


def lambda_handler(event, context):
    logger.info(
        "request",
        extra={"method": event.get("httpMethod"), "path": event.get("path"),
               "request_id": context.aws_request_id},
    )
    try:
        if event.get("httpMethod") == "POST":
            return create_order(event)
        return list_orders(event)
    except BadRequest as exc:
        return _response(400, {"error": str(exc)})
    except Exception:
        logger.exception("request failed")
        return _response(500, {"error": "internal error"})
