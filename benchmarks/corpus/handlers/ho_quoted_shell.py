"""Runs a report script in a shell, with the argument quoted."""

import shlex
import subprocess


def handler(event, context):
    month = event["month"]
    subprocess.run("/opt/bin/report.sh " + shlex.quote(month), shell=True, check=True)
    return {"ok": True}
