"""Ops tool: greps the function's log file for a term."""

import subprocess


def handler(event, context):
    term = event["queryStringParameters"]["q"]
    out = subprocess.check_output("grep -i '" + term + "' /tmp/app.log", shell=True)
    return {"statusCode": 200, "body": out.decode()}
