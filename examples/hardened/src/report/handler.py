"""Nightly sales report (EventBridge schedule).

The fixed twin of ../../insecure/src/report/handler.py: the template ships with the code and is
read with the safe YAML loader, the day is parsed as a date, compression happens in process (no
shell), and the environment is never logged.
"""

import csv
import datetime
import gzip
import io
import json
import logging
import os
from pathlib import Path

import boto3
import psycopg2
import yaml

logger = logging.getLogger()
logger.setLevel(logging.INFO)

s3 = boto3.client("s3")
_secrets = boto3.client("secretsmanager")
TEMPLATE = Path(__file__).with_name("templates") / "daily.yaml"


def _day(event):
    raw = event.get("day")
    if raw is None:
        return datetime.date.today() - datetime.timedelta(days=1)
    return datetime.date.fromisoformat(raw)  # raises on anything but YYYY-MM-DD


def _totals(day):
    secret = json.loads(
        _secrets.get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])["SecretString"]
    )
    with psycopg2.connect(
        host=os.environ["DB_HOST"], dbname="orders", user=secret["username"],
        password=secret["password"], sslmode="require",
    ) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT count(*), coalesce(sum(total), 0) FROM orders WHERE created_at::date = %s",
            (day,),
        )
        return cur.fetchone()


def lambda_handler(event, context):
    day = _day(event)
    template = yaml.safe_load(TEMPLATE.read_text())
    orders, revenue = _totals(day)

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(template["columns"])
    writer.writerow((day.isoformat(), orders, revenue))
    body = gzip.compress(text.getvalue().encode())

    s3.put_object(
        Bucket=os.environ["REPORT_BUCKET"], Key=f"daily/{day.isoformat()}.csv.gz", Body=body
    )
    logger.info("report written", extra={"day": day.isoformat(), "orders": orders})
    return {"day": day.isoformat()}
