"""Order report: the sort column is checked against an allow-list."""

import sqlite3

COLUMNS = {"created", "total", "status"}


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    column = params.get("sort", "created")
    if column not in COLUMNS:
        column = "created"
    db = sqlite3.connect("/tmp/orders.db")
    rows = db.execute("SELECT * FROM orders ORDER BY " + column).fetchall()
    return {"statusCode": 200, "body": str(rows)}
