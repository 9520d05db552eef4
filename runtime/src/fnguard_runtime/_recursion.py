"""Execution depth: read from the incoming event, carried on the function's outgoing calls.

An event produced by a guarded invocation at depth d carries d + 1: S3 object metadata
`fnguard-depth`, SQS / SNS message attribute `fnguard-depth` (per record of a batch),
EventBridge `detail["fnguard-depth"]`, HTTP header `x-fnguard-depth`, Lambda client context
`custom["fnguard-depth"]`; the X-Ray trace header's Lineage counter is read too. An event
with none of them is depth 1.

Propagation uses botocore's `before-parameter-build` event hooks and only if the function
imported boto3 itself: this module never imports boto3. Clients copy the session's hooks
when they are created, so the hooks go on the default session (for clients created later)
and on clients and resources found in the handler's module globals.
"""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar

from . import _events

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ATTRIBUTE = "fnguard-depth"
HEADER = "x-fnguard-depth"
current_depth: ContextVar[int | None] = ContextVar("fnguard_depth", default=None)


def _int(value: object) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


def _lineage() -> int:
    trace = os.environ.get("_X_AMZN_TRACE_ID", "")
    if "Lineage=" not in trace:
        return 0
    for part in trace.split(";"):
        if part.startswith("Lineage="):
            counts = [_int(entry.rsplit(":", 1)[-1]) for entry in part[8:].split("|") if ":" in entry]
            return max(counts, default=0)
    return 0


def _s3_depth(record: dict[str, Any]) -> int:
    boto3 = sys.modules.get("boto3")
    s3 = record.get("s3") or {}
    bucket = (s3.get("bucket") or {}).get("name")
    key = (s3.get("object") or {}).get("key")
    if boto3 is None or not bucket or key is None:
        return 0
    from urllib.parse import unquote_plus

    from . import _hook

    with _hook.suspended():
        try:
            head = _s3_client(boto3).head_object(Bucket=bucket, Key=unquote_plus(key))
        except Exception:  # missing object or no permission: depth unknown, not an error
            return 0
    return _int(head.get("Metadata", {}).get(ATTRIBUTE, 0))


_clients: dict[str, Any] = {}


def _s3_client(boto3: Any) -> Any:
    client = _clients.get("s3")
    if client is None:
        client = _clients["s3"] = boto3.client("s3")
        track(client)
    return client


def read_depth(event: Any, context: Any, where: str) -> tuple[int, list[str]]:
    """The invocation's depth (1 for an event that carries none) and the ids of batch
    records that carry the maximum."""
    best, offenders = 0, []
    if isinstance(event, dict):
        records = event.get("Records")
        if isinstance(records, list):
            for index, record in enumerate(records):
                if not isinstance(record, dict):
                    continue
                depth = _record_depth(record)
                rid = str(record.get("messageId") or (record.get("Sns") or {}).get("MessageId")
                          or index)
                if depth > best:
                    best, offenders = depth, [rid]
                elif depth == best and depth:
                    offenders.append(rid)
        detail = event.get("detail")
        if "detail-type" in event and isinstance(detail, dict) and ATTRIBUTE in detail:
            best = max(best, _int(detail[ATTRIBUTE]))
    if where != _events.AWS_OTHER:
        header = _events.headers(event, where).get(HEADER)
        if header is not None:
            best = max(best, _int(header))
    custom = getattr(getattr(context, "client_context", None), "custom", None)
    if isinstance(custom, dict) and ATTRIBUTE in custom:
        best = max(best, _int(custom[ATTRIBUTE]))
    best = max(best, _lineage())
    return max(best, 1), offenders


def _record_depth(record: dict[str, Any]) -> int:
    source = record.get("eventSource") or record.get("EventSource")
    if source == "aws:sqs":
        attribute = (record.get("messageAttributes") or {}).get(ATTRIBUTE) or {}
        return _int(attribute.get("stringValue", 0))
    if source == "aws:sns":
        attribute = ((record.get("Sns") or {}).get("MessageAttributes") or {}).get(ATTRIBUTE) or {}
        return _int(attribute.get("Value", 0))
    if source == "aws:s3":
        return _s3_depth(record)
    return 0


# Outgoing calls -------------------------------------------------------------------------

def _next() -> str | None:
    depth = current_depth.get()
    return None if depth is None else str(depth + 1)


def _s3(params: dict[str, Any], **_: Any) -> None:
    value = _next()
    if value is None:
        return
    if "CopySource" in params and params.get("MetadataDirective") != "REPLACE":
        return  # CopyObject keeps the source's metadata unless told to replace it
    params.setdefault("Metadata", {})[ATTRIBUTE] = value


def _attributes(target: dict[str, Any], value: str) -> None:
    attributes = target.setdefault("MessageAttributes", {})
    if ATTRIBUTE in attributes or len(attributes) < 10:
        attributes[ATTRIBUTE] = {"DataType": "Number", "StringValue": value}


def _sqs_one(params: dict[str, Any], **_: Any) -> None:
    value = _next()
    if value is not None:
        _attributes(params, value)


def _sqs_batch(params: dict[str, Any], **_: Any) -> None:
    value = _next()
    if value is not None:
        for entry in params.get("Entries", []):
            _attributes(entry, value)


def _sns_batch(params: dict[str, Any], **_: Any) -> None:
    value = _next()
    if value is not None:
        for entry in params.get("PublishBatchRequestEntries", []):
            _attributes(entry, value)


def _put_events(params: dict[str, Any], **_: Any) -> None:
    value = _next()
    if value is None:
        return
    import json

    for entry in params.get("Entries", []):
        try:
            detail = json.loads(entry.get("Detail") or "{}")
        except ValueError:
            continue
        if isinstance(detail, dict):
            detail[ATTRIBUTE] = int(value)
            entry["Detail"] = json.dumps(detail)


def _invoke(params: dict[str, Any], **_: Any) -> None:
    value = _next()
    if value is None:
        return
    import base64
    import json

    try:
        context = json.loads(base64.b64decode(params["ClientContext"])) if params.get(
            "ClientContext") else {}
    except ValueError:
        return
    context.setdefault("custom", {})[ATTRIBUTE] = value
    params["ClientContext"] = base64.b64encode(json.dumps(context).encode()).decode()


HOOKS = {
    "before-parameter-build.s3.PutObject": _s3,
    "before-parameter-build.s3.CopyObject": _s3,
    "before-parameter-build.sqs.SendMessage": _sqs_one,
    "before-parameter-build.sqs.SendMessageBatch": _sqs_batch,
    "before-parameter-build.sns.Publish": _sqs_one,
    "before-parameter-build.sns.PublishBatch": _sns_batch,
    "before-parameter-build.eventbridge.PutEvents": _put_events,
    "before-parameter-build.lambda.Invoke": _invoke,
}


def _register(events: Any) -> None:
    for name, handler in HOOKS.items():
        events.register(name, handler, unique_id=f"fnguard-{name}")


def track(client_or_session: Any) -> None:
    """Propagate depth on this boto3 client, resource or session (done automatically for
    the default session and for clients in the handler's module globals)."""
    meta = getattr(client_or_session, "meta", None)
    if meta is not None and hasattr(meta, "client"):  # a boto3 resource
        meta = meta.client.meta
    events = getattr(meta, "events", None) or getattr(client_or_session, "events", None)
    if events is not None and hasattr(events, "register"):
        _register(events)


class Propagator:
    """Finds boto3 sessions and clients to hook, cheaply, at the start of each invocation."""

    __slots__ = ("_globals", "_seen", "_session_done")

    def __init__(self, module_globals: dict[str, Any]) -> None:
        self._globals = module_globals
        self._seen = -1
        self._session_done = False

    def refresh(self) -> None:
        boto3 = sys.modules.get("boto3")
        if boto3 is None:
            return
        if not self._session_done:
            if boto3.DEFAULT_SESSION is None:
                boto3.setup_default_session()
            track(boto3.DEFAULT_SESSION)
            self._session_done = True
        if len(self._globals) != self._seen:
            self._seen = len(self._globals)
            client_type = getattr(sys.modules.get("botocore.client"), "BaseClient", None)
            for value in list(self._globals.values()):
                if (client_type is not None and isinstance(value, client_type)) or (
                    hasattr(getattr(value, "meta", None), "client")
                    and type(value).__module__.startswith("boto3")
                ):
                    track(value)
