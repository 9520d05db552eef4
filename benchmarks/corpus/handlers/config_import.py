"""Imports a YAML pipeline definition posted by a user."""

import yaml


def handler(event, context):
    pipeline = yaml.load(event["body"], Loader=yaml.Loader)
    return {"steps": len(pipeline.get("steps", []))}
