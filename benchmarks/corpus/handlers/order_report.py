"""Order report: sorts by a column the client chooses."""

import sqlite3


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    column = params.get("sort", "created")
    db = sqlite3.connect("/tmp/orders.db")
    query = "SELECT * FROM orders ORDER BY " + column
    rows = db.execute(query).fetchall()
    return {"statusCode": 200, "body": str(rows)}
