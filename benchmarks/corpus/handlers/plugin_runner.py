"""Runs a plugin whose module name comes with the event."""

import importlib


def handler(event, context):
    plugin = importlib.import_module("plugins." + event["plugin"])
    return plugin.run(event)
