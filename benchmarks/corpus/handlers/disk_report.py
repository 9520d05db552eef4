"""Scheduled job: reports free disk space with a fixed command."""

import subprocess


def handler(event, context):
    out = subprocess.check_output("df -h /tmp | tail -1", shell=True)
    return {"usage": out.decode().split()}
