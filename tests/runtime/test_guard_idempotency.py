"""Idempotency: in-memory, SQLite file, and DynamoDB through boto3 against moto."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from fnguard_runtime import (
    IdempotencyInProgress,
    IdempotencyPolicy,
    InMemoryStore,
    Policy,
    SQLiteStore,
    guard,
)
from fnguard_runtime._idempotency import compile_path

if TYPE_CHECKING:
    from pathlib import Path

TABLE = "fnguard-idempotency"


def _counting(store: Any, key: Any = "body.orderId", fail_first: bool = False) -> Any:
    calls: list[Any] = []

    def handler(event: Any, context: Any) -> dict[str, Any]:
        calls.append(event)
        if fail_first and len(calls) == 1:
            raise RuntimeError("transient")
        return {"statusCode": 200, "body": json.dumps({"n": len(calls)})}

    guarded = guard(Policy(idempotency=IdempotencyPolicy(key=key, store=store)))(handler)
    return guarded, calls


def _api(order: str) -> dict[str, Any]:
    return {"httpMethod": "POST", "requestContext": {}, "headers": {},
            "body": json.dumps({"orderId": order, "at": time.time()})}


def test_paths_reach_into_json_bodies() -> None:
    get = compile_path("Records[0].body.order.id")
    event = {"Records": [{"body": json.dumps({"order": {"id": 7}})}]}
    assert get(event) == 7
    assert get({"Records": []}) is None


@pytest.mark.parametrize("make_store", [InMemoryStore, lambda: "memory"])
def test_retried_event_returns_the_cached_result(make_store: Any) -> None:
    handler, calls = _counting(make_store())
    first = handler(_api("o-1"), None)
    again = handler(_api("o-1"), None)  # same key, different timestamp: still a retry
    assert again == first and len(calls) == 1
    other = handler(_api("o-2"), None)  # near miss: another key runs
    assert json.loads(other["body"]) == {"n": 2}


def test_failure_releases_the_key_so_the_retry_runs() -> None:
    handler, calls = _counting(InMemoryStore(), fail_first=True)
    with pytest.raises(RuntimeError):
        handler(_api("o-3"), None)
    assert handler(_api("o-3"), None)["statusCode"] == 200
    assert len(calls) == 2


def test_in_progress_key_is_refused_until_its_lock_expires() -> None:
    store = InMemoryStore()
    assert store.begin("k", lock_seconds=0.3, expires_after=60) is None
    with pytest.raises(IdempotencyInProgress):
        store.begin("k", lock_seconds=0.3, expires_after=60)
    time.sleep(0.35)
    assert store.begin("k", lock_seconds=0.3, expires_after=60) is None  # stale lock taken over


def test_http_event_in_progress_gets_a_409() -> None:
    store = InMemoryStore()
    handler, calls = _counting(store)
    original = store.begin
    store.begin = lambda *a, **k: (_ for _ in ()).throw(IdempotencyInProgress("k"))  # type: ignore[method-assign]
    assert handler(_api("o-4"), None)["statusCode"] == 409
    store.begin = original  # type: ignore[method-assign]
    assert calls == []


def test_expired_results_run_again() -> None:
    handler = guard(Policy(idempotency=IdempotencyPolicy(
        key="id", store=InMemoryStore(), expires_after_s=0.2)))(lambda e, c: time.time())
    first = handler({"id": 1}, None)
    assert handler({"id": 1}, None) == first
    time.sleep(0.25)
    assert handler({"id": 1}, None) != first


SCRIPT = '''
import json, os
from fnguard_runtime import guard, Policy, IdempotencyPolicy

COUNTER = {counter!r}

@guard(Policy(idempotency=IdempotencyPolicy(key="order.id", store={store!r})))
def handler(event, context):
    with open(COUNTER, "a") as f:
        f.write("x")
    return {{"charged": event["order"]["amount"], "pid": os.getpid()}}

_report(handler({{"order": {{"id": "A-1", "amount": 42}}}}, None))
'''


def _twice(run: Any, store: str, tmp_path: Path, env: dict[str, str] | None = None) -> Any:
    counter = tmp_path / "counter"
    code = SCRIPT.format(counter=str(counter), store=store)
    first, second = run(code, env=env), run(code, env=env)
    return first, second, counter


def test_sqlite_store_survives_a_new_process(run, tmp_path: Path) -> None:
    first, second, counter = _twice(run, f"sqlite:{tmp_path / 'idem.db'}", tmp_path)
    assert first.result["charged"] == 42, first.stderr
    assert second.result == first.result  # same pid: the cached result, not a new run
    assert counter.read_text() == "x"
    assert second.of_type("idempotent_replay")
    store = SQLiteStore(str(tmp_path / "idem.db"))
    assert store.begin("another", 5, 60) is None


def test_dynamodb_store_survives_a_retried_event(run, tmp_path: Path, moto_endpoint: str,
                                                 aws_env: dict[str, str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in aws_env.items():
        monkeypatch.setenv(key, value)
    dynamodb = boto3.client("dynamodb", endpoint_url=moto_endpoint)
    dynamodb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    dynamodb.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expiration"})
    # The function imports boto3 itself; the guard uses that boto3 for the store.
    counter = tmp_path / "counter"
    code = "import boto3\n" + SCRIPT.format(counter=str(counter), store=f"dynamodb:{TABLE}")
    first, second = run(code, env=aws_env), run(code, env=aws_env)
    assert first.result["charged"] == 42, first.stderr
    assert second.result == first.result
    assert counter.read_text() == "x"
    [item] = dynamodb.scan(TableName=TABLE)["Items"]
    assert item["status"]["S"] == "COMPLETED"
    assert int(item["expiration"]["N"]) > time.time() + 3000  # the TTL attribute
    assert json.loads(item["data"]["S"]) == first.result
    # Near miss: a different order id is charged.
    other = run(code.replace('"A-1"', '"A-2"'), env=aws_env)
    assert other.result["pid"] != first.result["pid"]
    assert counter.read_text() == "xx"


def test_dynamodb_store_without_boto3_says_what_to_do(run, tmp_path: Path) -> None:
    first, _, _ = _twice(run, "dynamodb:t", tmp_path)
    assert "import boto3 in the function" in first.stderr
