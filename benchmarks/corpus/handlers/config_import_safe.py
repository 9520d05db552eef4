"""Imports a YAML pipeline definition with the safe loader."""

import yaml


def handler(event, context):
    pipeline = yaml.safe_load(event["body"])
    return {"steps": len(pipeline.get("steps", []))}
