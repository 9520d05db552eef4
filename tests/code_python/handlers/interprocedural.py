"""Flows through local functions, modules, returns and class attributes."""

import json

from helpers import commands
from helpers.store import Store


def _field(body, name):
    return body.get(name, "")


class Job:
    def __init__(self, spec):
        self.target = spec["target"]
        self.label = "fixed"

    def command(self):
        return "ping -c 1 " + self.target

    def banner(self):
        return "echo " + self.label


def handler(event, context):
    body = json.loads(event["body"])
    host = _field(body, "host")
    commands.run("nslookup " + host)
    job = Job(body)
    commands.run(job.command())
    commands.run(job.banner())  # near miss: a constant attribute
    Store().save(body["key"])
    return {"ok": True}
