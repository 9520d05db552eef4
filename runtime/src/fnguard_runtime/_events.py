"""Event shapes: which front door an event came through and how to answer it.

API Gateway REST (v1), HTTP API (v2) and Lambda function URLs (v2 shape), ALB, and Google
Cloud Functions (a flask request or a CloudEvent). The answer to a rejected HTTP request is
a response in the shape that front door expects; other events get an exception.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

AWS_HTTP = "aws_http"
AWS_ALB = "aws_alb"
AWS_OTHER = "aws"
GCP_HTTP = "gcp_http"
GCP_CLOUDEVENT = "gcp_cloudevent"


def kind(args: tuple[Any, ...]) -> str:
    """Classify a handler call by its arguments."""
    if not args:
        return AWS_OTHER
    event = args[0]
    if isinstance(event, dict):
        context = event.get("requestContext")
        if isinstance(context, dict):
            if "elb" in context:
                return AWS_ALB
            if "httpMethod" in event or "http" in context:
                return AWS_HTTP
        return AWS_OTHER
    if len(args) == 1:
        if hasattr(event, "get_json") and hasattr(event, "headers"):
            return GCP_HTTP
        if hasattr(event, "data") and (hasattr(event, "get_attributes") or hasattr(event, "_attributes")):
            return GCP_CLOUDEVENT
    return AWS_OTHER


def headers(event: Any, where: str) -> dict[str, str]:
    """Lower-cased request headers, whatever the front door."""
    if where == GCP_HTTP:
        return {str(k).lower(): str(v) for k, v in event.headers.items()}
    if where == GCP_CLOUDEVENT:
        return {}
    if isinstance(event, dict):
        raw = event.get("headers")
        if isinstance(raw, dict):
            return {str(k).lower(): str(v) for k, v in raw.items()}
    return {}


class BodyError(ValueError):
    """The request body is not JSON."""


def body(event: Any, where: str) -> Any:
    """The parsed JSON body of an HTTP request, or the data of a CloudEvent."""
    if where == GCP_HTTP:
        parsed = event.get_json(silent=True)
        if parsed is None and event.get_data():
            raise BodyError("request body is not valid JSON")
        return parsed
    if where == GCP_CLOUDEVENT:
        return event.data
    raw = event.get("body")
    if raw is None or raw == "":
        return None
    if event.get("isBase64Encoded"):
        import binascii

        try:
            raw = binascii.a2b_base64(raw).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise BodyError("request body is not valid base64 UTF-8") from None
    import json

    try:
        return json.loads(raw)
    except ValueError:
        raise BodyError("request body is not valid JSON") from None


def error_response(where: str, status: int, message: str, errors: list[str]) -> Any:
    """A JSON error response in the front door's shape."""
    import json

    payload = json.dumps({"message": message, "errors": errors})
    if where == GCP_HTTP:
        return payload, status, {"Content-Type": "application/json"}
    response: dict[str, Any] = {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": payload,
        "isBase64Encoded": False,
    }
    if where == AWS_ALB:
        response["statusDescription"] = f"{status} {_REASONS.get(status, 'Error')}"
    return response


_REASONS = {400: "Bad Request", 409: "Conflict", 508: "Loop Detected"}
