"""The "orders" handlers of the GCP demo (one source archive, one entry point per function)."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from google.cloud import storage


def handle(request: Any) -> tuple[str, int]:
    """api: look an order up (HTTP)."""
    order_id = request.args.get("id", "")
    if not order_id.isdigit():
        return "bad order id", 400
    return json.dumps({"id": int(order_id), "db": os.environ["DB_HOST"]}), 200


def webhook(request: Any) -> tuple[str, int]:
    """webhook: acknowledge a payment provider's callback (HTTP)."""
    payload = request.get_json(silent=True) or {}
    return json.dumps({"received": payload.get("type", "unknown")}), 200


def thumbnail(event: Any) -> None:
    """uploads: write a thumbnail of each new image (Storage, object finalized).

    RUN001: the thumbnail lands in the bucket that triggered the function, which triggers it
    again.
    """
    data = event.data
    client = storage.Client()
    bucket = client.bucket(data["bucket"])
    image = bucket.blob(data["name"]).download_as_bytes()
    bucket.blob(f"thumbs/{data['name']}").upload_from_string(image[:1024])


def fulfil(event: dict[str, Any], context: Any) -> None:
    """worker: fulfil an order published on the fulfilment topic (Pub/Sub)."""
    order = json.loads(base64.b64decode(event["data"]))
    print(json.dumps({"fulfilled": order.get("id")}))
