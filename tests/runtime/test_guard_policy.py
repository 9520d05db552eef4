"""Policy objects and the JSON policy in FNGUARD_POLICY."""

from __future__ import annotations

import json

import pytest
from fnguard_runtime import (
    FilesystemPolicy,
    GuardConfigError,
    Mode,
    NetworkPolicy,
    Policy,
    ProcessPolicy,
    guard,
    load_policy,
)


def test_policies_are_frozen_and_replaceable() -> None:
    policy = Policy(process=ProcessPolicy(allow=["git"]))
    with pytest.raises(AttributeError):
        policy.process = ProcessPolicy()  # type: ignore[misc]
    changed = policy.replace(network=NetworkPolicy(mode="alert"))
    assert changed.network.mode is Mode.ALERT and policy.network.mode is Mode.BLOCK
    assert changed.process == policy.process
    assert Policy() == Policy()


def test_environment_document_overrides_code(monkeypatch: pytest.MonkeyPatch) -> None:
    code = Policy(process=ProcessPolicy(mode="alert", allow=["git"]),
                  filesystem=FilesystemPolicy(allow_write=["/tmp"]))
    document = {"process": {"mode": "block"}, "network": {"allow": ["api.example.com:443"]}}
    monkeypatch.setenv("FNGUARD_POLICY", json.dumps(document))
    policy = load_policy(code, "FNGUARD_POLICY")
    assert policy.process.mode is Mode.BLOCK
    assert policy.process.allow == ("git",)  # fields not named keep the code's value
    assert policy.network.allow == ("api.example.com:443",)
    assert policy.filesystem.allow_write == ("/tmp",)


@pytest.mark.parametrize("document, message", [
    ("{not json", "not valid JSON"),
    ('{"proces": {}}', "unknown policy section"),
    ('{"process": {"mode": "sometimes"}}', "block, alert or off"),
    ('{"process": {"allowed": []}}', "unknown field"),
    ('{"network": {"allow": "a.com"}}', "list of strings"),
    ('{"audit": {"sink": "syslog"}}', "address is required"),
    ('{"recursion": {"max_depth": 0}}', "at least 1"),
])
def test_bad_documents_are_refused(monkeypatch: pytest.MonkeyPatch, document: str,
                                   message: str) -> None:
    monkeypatch.setenv("FNGUARD_POLICY", document)
    with pytest.raises(GuardConfigError, match=message):
        load_policy(None, "FNGUARD_POLICY")


def test_async_handlers_are_refused_rather_than_left_unguarded() -> None:
    async def handler(event: object, context: object) -> None:
        return None

    with pytest.raises(GuardConfigError, match="async"):
        guard()(handler)


def test_a_handler_is_tightened_by_the_environment_without_code_change(run) -> None:
    code = '''
import os
from fnguard_runtime import guard, Policy, ProcessPolicy

@guard(Policy(process=ProcessPolicy(mode="alert")))
def handler(event, context):
    return attempt(lambda: os.system("true"))
_report(handler({}, None))
'''
    assert run(code).result == 0
    tightened = run(code, env={"FNGUARD_POLICY": '{"process": {"mode": "block"}}'})
    assert tightened.result == "GuardViolation"
