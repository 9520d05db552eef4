"""Looks a user up in PostgreSQL by name, with a bound parameter."""

import os

import psycopg2

conn = psycopg2.connect(os.environ["DATABASE_URL"])
TABLE = "users"


def handler(event, context):
    name = event["pathParameters"]["name"]
    with conn.cursor() as cur:
        cur.execute(f"SELECT id, email FROM {TABLE} WHERE name = %s", (name,))
        row = cur.fetchone()
    return {"statusCode": 200, "body": str(row)}
