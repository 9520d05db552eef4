"""Nightly sales report (EventBridge schedule; can also be run by hand with a custom event).

DELIBERATELY INSECURE demo code for fnguard: do not copy.
"""

import csv
import datetime
import logging
import os
import subprocess

import boto3
import yaml

logger = logging.getLogger()
s3 = boto3.client("s3")


def lambda_handler(event, context):
    logger.warning("running with %s", os.environ)  # SEC004

    day = event.get("day") or (datetime.date.today() - datetime.timedelta(days=1)).isoformat()

    # INJ004: the template path comes from the event: {"template": "/etc/passwd"} or
    # "/proc/self/environ" is read and mailed to finance.
    with open(event.get("template", "/var/task/templates/daily.yaml")) as handle:
        template = yaml.load(handle, Loader=yaml.Loader)  # INJ002: unsafe YAML loader

    rows = [("day", "orders", "revenue"), (day, template.get("orders", 0), template.get("revenue", 0))]
    out = f"/tmp/report-{day}.csv"
    with open(out, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)

    # INJ001: the day from the event goes through a shell.
    subprocess.run(f"gzip -f /tmp/report-{day}.csv", shell=True, check=True)
    s3.upload_file(out + ".gz", os.environ["REPORT_BUCKET"], f"daily/{day}.csv.gz")
    return {"day": day}
