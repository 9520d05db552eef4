"""Parses a deployment manifest uploaded through the API."""

import yaml


def handler(event, context):
    manifest = yaml.unsafe_load(event["body"])
    return {"services": sorted(manifest)}
