"""Execution depth through boto3 against a moto server in its own process."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from fnguard_runtime._recursion import read_depth

BUCKET = "fnguard-recursion"


@pytest.fixture
def aws(moto_endpoint: str, aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    for key, value in aws_env.items():
        monkeypatch.setenv(key, value)
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    sqs = boto3.client("sqs", endpoint_url=moto_endpoint)
    s3.create_bucket(Bucket=BUCKET)
    queue = sqs.create_queue(QueueName="fnguard-recursion")["QueueUrl"]
    return s3, sqs, queue


HANDLER = '''
import json, sys
import boto3
from fnguard_runtime import guard, Policy, RecursionPolicy

s3 = boto3.client("s3")          # created before the guard, found in module globals
QUEUE = {queue!r}

@guard(Policy(recursion=RecursionPolicy(mode="{mode}", max_depth=3)))
def handler(event, context):
    name = event.get("name") or "from-s3"
    s3.put_object(Bucket={bucket!r}, Key=name, Body=b"x")
    boto3.client("sqs").send_message(QueueUrl=QUEUE, MessageBody=name)   # made inside
    return "ran"

event = json.loads(sys.argv[1]) if len(sys.argv) > 1 else json.loads({event!r})
_report(handler(event, None))
'''


def _sqs_event(depth: int | None, name: str) -> dict[str, Any]:
    attributes = {} if depth is None else {
        "fnguard-depth": {"stringValue": str(depth), "dataType": "Number"}}
    return {"name": name, "Records": [
        {"eventSource": "aws:sqs", "messageId": "m-ok", "body": "{}", "messageAttributes": {}},
        {"eventSource": "aws:sqs", "messageId": f"m-{name}", "body": "{}",
         "messageAttributes": attributes},
    ]}


def _depth_of(s3: Any, key: str) -> str | None:
    return s3.head_object(Bucket=BUCKET, Key=key)["Metadata"].get("fnguard-depth")


def _received(sqs: Any, queue: str) -> dict[str, str]:
    found = {}
    for _ in range(3):
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        for message in messages:
            found[message["Body"]] = message["MessageAttributes"]["fnguard-depth"]["StringValue"]
    return found


def test_depth_is_read_from_sqs_and_written_to_s3_and_sqs(run, aws, aws_env) -> None:
    s3, sqs, queue = aws
    code = HANDLER.format(queue=queue, bucket=BUCKET, mode="block",
                          event=json.dumps(_sqs_event(2, "second-hop")))
    result = run(code, env=aws_env)
    assert result.result == "ran", result.stderr
    assert _depth_of(s3, "second-hop") == "3"
    assert _received(sqs, queue)["second-hop"] == "3"


def test_depth_is_read_from_s3_object_metadata(run, aws, aws_env) -> None:
    s3, _sqs, queue = aws
    s3.put_object(Bucket=BUCKET, Key="incoming/a b.txt", Body=b"x",
                  Metadata={"fnguard-depth": "2"})
    event = {"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": BUCKET},
                                                          "object": {"key": "incoming/a+b.txt"}}}]}
    result = run(HANDLER.format(queue=queue, bucket=BUCKET, mode="block",
                                event=json.dumps(event)), env=aws_env)
    assert result.result == "ran", result.stderr
    assert _depth_of(s3, "from-s3") == "3"


def test_past_the_maximum_the_invocation_stops(run, aws, aws_env) -> None:
    s3, _sqs, queue = aws
    code = HANDLER.format(queue=queue, bucket=BUCKET, mode="block",
                          event=json.dumps(_sqs_event(4, "too-deep")))
    result = run(code, env=aws_env)
    assert result.result is None  # the handler did not run
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket=BUCKET, Key="too-deep")
    [stopped] = result.of_type("depth_exceeded")
    assert stopped["depth"] == 4 and stopped["max_depth"] == 3
    assert stopped["records"] == ["m-too-deep"]  # the batch record that carried the depth
    # Near miss: the same depth in alert mode is reported and the handler runs.
    alert = run(HANDLER.format(queue=queue, bucket=BUCKET, mode="alert",
                               event=json.dumps(_sqs_event(4, "alerted-deep"))), env=aws_env)
    assert alert.result == "ran"
    assert alert.of_type("depth_exceeded")[0]["mode"] == "alert"
    assert _depth_of(s3, "alerted-deep") == "5"


def test_first_hop_is_depth_one_and_nothing_changes_outside_handlers(run, aws, aws_env) -> None:
    s3, _sqs, queue = aws
    result = run(HANDLER.format(queue=queue, bucket=BUCKET, mode="block",
                                event=json.dumps({"name": "origin"})), env=aws_env)
    assert result.result == "ran"
    assert _depth_of(s3, "origin") == "2"
    s3.put_object(Bucket=BUCKET, Key="plain", Body=b"x")
    assert _depth_of(s3, "plain") is None


class _ClientContext:
    custom = {"fnguard-depth": "5"}


class _Context:
    client_context = _ClientContext()


def test_other_sources_of_depth(monkeypatch: pytest.MonkeyPatch) -> None:
    http = {"httpMethod": "GET", "requestContext": {}, "headers": {"X-Fnguard-Depth": "4"}}
    assert read_depth(http, None, "aws_http") == (4, [])
    bridge = {"detail-type": "OrderPlaced", "detail": {"fnguard-depth": 6}}
    assert read_depth(bridge, None, "aws")[0] == 6
    assert read_depth({}, _Context(), "aws")[0] == 5
    sns = {"Records": [{"EventSource": "aws:sns", "Sns": {"MessageId": "n1", "MessageAttributes": {
        "fnguard-depth": {"Type": "Number", "Value": "7"}}}}]}
    assert read_depth(sns, None, "aws") == (7, ["n1"])
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-65f-abc;Parent=53995c3f42cd8ad8;Sampled=1;"
                                           "Lineage=a87bd80c:8")
    assert read_depth({}, None, "aws")[0] == 8
    monkeypatch.delenv("_X_AMZN_TRACE_ID")
    assert read_depth({}, None, "aws") == (1, [])


def test_outgoing_parameters_carry_the_next_depth() -> None:
    import base64

    from fnguard_runtime._recursion import HOOKS, current_depth

    token = current_depth.set(2)
    try:
        entries = {"Entries": [{"Detail": json.dumps({"order": 1})}]}
        HOOKS["before-parameter-build.eventbridge.PutEvents"](entries)
        assert json.loads(entries["Entries"][0]["Detail"]) == {"order": 1, "fnguard-depth": 3}
        invoke: dict[str, Any] = {"FunctionName": "f"}
        HOOKS["before-parameter-build.lambda.Invoke"](invoke)
        assert json.loads(base64.b64decode(invoke["ClientContext"]))["custom"] == {
            "fnguard-depth": "3"}
        batch = {"PublishBatchRequestEntries": [{"Id": "1", "Message": "m"}]}
        HOOKS["before-parameter-build.sns.PublishBatch"](batch)
        assert batch["PublishBatchRequestEntries"][0]["MessageAttributes"]["fnguard-depth"] == {
            "DataType": "Number", "StringValue": "3"}
        copy = {"CopySource": "b/k", "Bucket": "b", "Key": "k2"}
        HOOKS["before-parameter-build.s3.CopyObject"](copy)
        assert "Metadata" not in copy  # COPY keeps the source's metadata
    finally:
        current_depth.reset(token)
    outside: dict[str, Any] = {"Bucket": "b", "Key": "k"}
    HOOKS["before-parameter-build.s3.PutObject"](outside)
    assert outside == {"Bucket": "b", "Key": "k"}  # no invocation running: untouched
