"""Bulk tagging in MySQL; the tag value goes into the statement text."""

import pymysql

conn = pymysql.connect(host="db", user="app", database="shop")


def handler(event, context):
    tag = event["detail"]["tag"]
    ids = [(int(i),) for i in event["detail"]["ids"]]
    with conn.cursor() as cur:
        cur.executemany(f"UPDATE items SET tag = '{tag}' WHERE id = %s", ids)
    conn.commit()
    return {"updated": len(ids)}
