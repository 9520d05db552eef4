"""Bulk tagging in MySQL with every value bound as a parameter."""

import pymysql

conn = pymysql.connect(host="db", user="app", database="shop")


def handler(event, context):
    tag = event["detail"]["tag"]
    rows = [(tag, int(i)) for i in event["detail"]["ids"]]
    with conn.cursor() as cur:
        cur.executemany("UPDATE items SET tag = %s WHERE id = %s", rows)
    conn.commit()
    return {"updated": len(rows)}
