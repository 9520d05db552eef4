"""Google Cloud Functions: functions-framework HTTP (flask request) and CloudEvent handlers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

functions_framework = pytest.importorskip("functions_framework")

SOURCE = '''
import functions_framework
from fnguard_runtime import guard, Policy, ValidationPolicy

SCHEMA = {"type": "object", "required": ["name"],
          "properties": {"name": {"type": "string", "maxLength": 10}}}
seen = []

@functions_framework.http
@guard(Policy(validation=ValidationPolicy(schema=SCHEMA)))
def hello(request):
    return "hello " + request.get_json()["name"]

@functions_framework.http
@guard()
def writer(request):
    try:
        open("/fnguard-gcp-denied", "w")
    except PermissionError as exc:
        return type(exc).__name__
    return "written"

@functions_framework.cloud_event
@guard(Policy(validation=ValidationPolicy(schema=SCHEMA)))
def on_event(cloud_event):
    seen.append(cloud_event.data["name"])
'''


@pytest.fixture
def source(tmp_path: Path) -> str:
    path = tmp_path / "main.py"
    path.write_text(SOURCE)
    return str(path)


def test_http_handler_validates_and_answers_400(source: str) -> None:
    client = functions_framework.create_app("hello", source).test_client()
    good = client.post("/", json={"name": "ada"})
    assert good.status_code == 200 and good.get_data(as_text=True) == "hello ada"
    bad = client.post("/", json={"name": "a very long name"})
    assert bad.status_code == 400
    assert bad.headers["Content-Type"] == "application/json"
    assert json.loads(bad.get_data(as_text=True))["errors"] == ["name: more than 10 characters"]


def test_http_handler_is_protected(source: str) -> None:
    client = functions_framework.create_app("writer", source).test_client()
    assert client.post("/").get_data(as_text=True) == "GuardViolation"
    assert not Path("/fnguard-gcp-denied").exists()


def test_cloudevent_handler_validates_its_data(source: str) -> None:
    app = functions_framework.create_app("on_event", source, "cloudevent")
    client = app.test_client()
    headers = {"ce-id": "1", "ce-source": "//test", "ce-type": "test.v1", "ce-specversion": "1.0",
               "Content-Type": "application/json"}
    assert client.post("/", headers=headers, json={"name": "ada"}).status_code == 200
    assert client.post("/", headers=headers, json={"nom": "x"}).status_code == 500
    import sys

    module = next(m for m in sys.modules.values()
                  if getattr(m, "__file__", None) == source)
    assert module.seen == ["ada"]
