"""Builds a shell command from a list of options."""

import os


def handler(event, context):
    options = ["--verbose"]
    options.append(event["extra"])
    os.system("backup " + " ".join(options))
    return {"ok": True}
