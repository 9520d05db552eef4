"""Passes request fields to a helper as keyword arguments."""

import os


def _archive(*, name, level="6"):
    os.system(f"gzip -{level} /tmp/{name}")


def handler(event, context):
    _archive(**event["params"])
    return {"ok": True}
