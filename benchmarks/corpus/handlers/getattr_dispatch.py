"""Dispatches to a module function named in the event (reflection)."""

import os


def handler(event, context):
    action = getattr(os, event["action"])
    return action(event["arg"])
