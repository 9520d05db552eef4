"""Restores a saved session object sent back by the client."""

import base64
import pickle


def handler(event, context):
    blob = event["headers"]["x-session"]
    session = pickle.loads(base64.b64decode(blob))
    return {"statusCode": 200, "body": str(session.get("user"))}
