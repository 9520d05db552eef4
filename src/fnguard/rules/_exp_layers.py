"""Accounts AWS publishes Lambda layers from, read from ``data/aws_layer_publishers.json``.

The file is generated from aws-cdk-lib's region-info tables by
``data/gen_aws_layer_publishers.py``; its ``source`` names the CDK release it came from.
"""

from __future__ import annotations

import functools
import json

from fnguard._data import shipped_text

__all__ = ["aws_publisher", "publishers_source"]


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, object]:
    data = json.loads(shipped_text("aws_layer_publishers.json"))
    return data if isinstance(data, dict) else {}


def publishers_source() -> str:
    return str(_data().get("source", "unknown"))


def aws_publisher(account: str) -> tuple[str, ...]:
    """The AWS layers ``account`` publishes (``()`` when it is not an AWS publisher)."""
    publishers = _data().get("publishers", {})
    names = publishers.get(account, ()) if isinstance(publishers, dict) else ()
    return tuple(str(n) for n in names)
