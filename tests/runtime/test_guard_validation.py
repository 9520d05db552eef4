"""Input validation: the built-in JSON-Schema subset, HTTP 400 shapes, Cloud Functions."""

from __future__ import annotations

import base64
import json
from typing import Any

import jsonschema
import pytest
from fnguard_runtime import GuardConfigError, Policy, ValidationFailed, ValidationPolicy, guard
from fnguard_runtime._schema import validator
from hypothesis import given, settings
from hypothesis import strategies as st

ORDER = {
    "type": "object",
    "required": ["id", "email", "quantity"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "email": {"type": "string", "format": "email", "maxLength": 64},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 10},
        "note": {"type": ["string", "null"], "pattern": "^[a-z ]*$", "minLength": 1},
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2},
        "when": {"type": "string", "format": "date-time"},
        "site": {"type": "string", "format": "uri"},
        "price": {"type": "number", "exclusiveMinimum": 0},
    },
}
VALID = {"id": "6f1c2a44-1d2b-4c9e-9f5e-3b8d2a1c0e7f", "email": "a@example.com", "quantity": 2,
         "note": "gift wrap", "tags": ["a"], "when": "2024-05-01T10:00:00Z",
         "site": "https://example.com/x", "price": 9.5}
INVALID = [
    {},
    {**VALID, "id": "not-a-uuid"},
    {**VALID, "email": "nobody"},
    {**VALID, "quantity": 0},
    {**VALID, "quantity": 11},
    {**VALID, "quantity": True},
    {**VALID, "quantity": 2.5},
    {**VALID, "note": "UPPER"},
    {**VALID, "note": ""},
    {**VALID, "tags": ["c"]},
    {**VALID, "tags": ["a", "b", "a"]},
    {**VALID, "when": "yesterday"},
    {**VALID, "site": "no scheme"},
    {**VALID, "price": 0},
    {**VALID, "extra": 1},
    [],
    "string",
]
CHECKER = jsonschema.Draft202012Validator(ORDER, format_checker=jsonschema.FormatChecker())


def test_valid_instance_has_no_errors() -> None:
    assert validator(ORDER)(VALID) == []
    assert CHECKER.is_valid(VALID)


@pytest.mark.parametrize("instance", INVALID)
def test_invalid_instances_agree_with_jsonschema(instance: Any) -> None:
    errors = validator(ORDER)(instance)
    assert errors, instance
    assert not CHECKER.is_valid(instance) or "email" in str(instance)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "email", "quantity", "note", "tags", "price"]),
                       st.one_of(st.none(), st.booleans(), st.integers(-3, 20), st.floats(-2, 12),
                                 st.text(max_size=8), st.lists(st.sampled_from(["a", "b", "c"]),
                                                                max_size=3))))
def test_agrees_with_jsonschema_on_generated_objects(instance: dict[str, Any]) -> None:
    schema = {k: v for k, v in ORDER.items()}
    schema["properties"] = {k: v for k, v in ORDER["properties"].items()
                            if k not in ("id", "email")}
    schema["required"] = ["quantity"]
    reference = jsonschema.Draft202012Validator(schema)
    clean = {k: v for k, v in instance.items() if k not in ("id", "email")}
    assert (validator(schema)(clean) == []) == reference.is_valid(clean)


def test_unsupported_keywords_are_refused_at_decoration() -> None:
    with pytest.raises(GuardConfigError, match="oneOf"):
        guard(Policy(validation=ValidationPolicy(schema={"oneOf": []})))(lambda e, c: None)


def _guarded(mode: str = "block") -> Any:
    policy = Policy(validation=ValidationPolicy(schema=ORDER, mode=mode))
    return guard(policy)(lambda event, context: {"statusCode": 200, "body": "ran"})


def _rest(body: Any, b64: bool = False) -> dict[str, Any]:
    text = json.dumps(body)
    if b64:
        text = base64.b64encode(text.encode()).decode()
    return {"httpMethod": "POST", "path": "/orders",
            "headers": {"content-type": "application/json"},
            "requestContext": {"requestId": "r1", "stage": "prod"}, "body": text,
            "isBase64Encoded": b64}


def _http_api(body: Any) -> dict[str, Any]:
    return {"version": "2.0", "routeKey": "POST /orders", "rawPath": "/orders",
            "headers": {"content-type": "application/json"},
            "requestContext": {"http": {"method": "POST", "path": "/orders"}, "requestId": "r2"},
            "body": json.dumps(body), "isBase64Encoded": False}


@pytest.mark.parametrize("make", [_rest, _http_api, lambda b: _rest(b, b64=True)])
def test_http_events_get_a_400_in_their_shape(make: Any,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    handler = _guarded()
    bad = handler(make({**VALID, "quantity": 0}), None)
    assert bad["statusCode"] == 400
    assert bad["headers"]["Content-Type"] == "application/json"
    assert bad["isBase64Encoded"] is False
    payload = json.loads(bad["body"])
    assert payload["message"] == "Invalid request"
    assert payload["errors"] == ["quantity: must be >= 1"]
    assert handler(make(VALID), None) == {"statusCode": 200, "body": "ran"}
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()
              if line.startswith('{"fnguard"')]
    assert [e["errors"] for e in events if e["type"] == "validation_failed"] == [
        ["quantity: must be >= 1"]]


def test_body_that_is_not_json_is_a_400() -> None:
    event = _rest(VALID)
    event["body"] = "{not json"
    response = _guarded()(event, None)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["errors"] == ["request body is not valid JSON"]


def test_alb_response_has_a_status_description() -> None:
    event = {"requestContext": {"elb": {"targetGroupArn": "arn"}}, "httpMethod": "POST",
             "headers": {}, "body": "{}", "isBase64Encoded": False}
    response = _guarded()(event, None)
    assert response["statusCode"] == 400 and response["statusDescription"] == "400 Bad Request"


def test_other_events_raise_a_clear_error() -> None:
    with pytest.raises(ValidationFailed) as info:
        _guarded()({"id": "x"}, None)
    assert "missing required property 'email'" in str(info.value)
    assert _guarded()(VALID, None) == {"statusCode": 200, "body": "ran"}


def test_alert_mode_reports_and_runs_the_handler() -> None:
    assert _guarded("alert")({"id": "x"}, None) == {"statusCode": 200, "body": "ran"}


def test_pydantic_model_when_pydantic_is_installed() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Order(pydantic.BaseModel):  # type: ignore[misc, name-defined]
        quantity: int

    handler = guard(Policy(validation=ValidationPolicy(model=Order)))(lambda e, c: "ran")
    assert handler({"quantity": 3}, None) == "ran"
    with pytest.raises(ValidationFailed, match="quantity"):
        handler({"quantity": "many"}, None)
