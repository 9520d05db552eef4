"""Reads an e-mail template by path."""

import codecs


def handler(event, context):
    path = event["template"]
    with codecs.open(path, encoding="utf-8") as fh:
        return {"template": fh.read()}
