"""Looks a user up in PostgreSQL by name."""

import os

import psycopg2

conn = psycopg2.connect(os.environ["DATABASE_URL"])


def handler(event, context):
    name = event["pathParameters"]["name"]
    with conn.cursor() as cur:
        cur.execute(f"SELECT id, email FROM users WHERE name = '{name}'")
        row = cur.fetchone()
    return {"statusCode": 200, "body": str(row)}
