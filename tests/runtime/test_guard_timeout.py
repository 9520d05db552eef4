"""Timeout warning: an audit event before the deadline, by signal alarm or timer thread."""

from __future__ import annotations

HANDLER = '''
import threading, time
from fnguard_runtime import guard, Policy, TimeoutPolicy

class Context:
    aws_request_id = "req-1"
    def __init__(self, remaining_ms):
        self.remaining_ms = remaining_ms
    def get_remaining_time_in_millis(self):
        return self.remaining_ms

@guard(Policy(timeout=TimeoutPolicy(margin_ms=1000)))
def handler(event, context):
    time.sleep(event["sleep"])
    return "done"

out = {}
out["slow"] = handler({"sleep": 0.6}, Context(1300))
out["fast"] = handler({"sleep": 0.0}, Context(1300))
box = {}
worker = threading.Thread(target=lambda: box.update(thread=handler({"sleep": 0.6}, Context(1300))))
worker.start(); worker.join()
out.update(box)
time.sleep(0.5)  # a cancelled alarm must not fire later
_report(out)
'''


def test_warning_fires_before_the_deadline_and_not_after_cancel(run) -> None:
    result = run(HANDLER)
    assert result.result == {"slow": "done", "fast": "done", "thread": "done"}
    warnings = result.of_type("timeout_warning")
    # One from the signal alarm (main thread), one from the timer fallback (worker thread).
    assert len(warnings) == 2
    for warning in warnings:
        assert warning["request_id"] == "req-1"
        assert 800 <= warning["remaining_ms"] <= 1100


def test_gcp_deadline_from_function_timeout_sec(run) -> None:
    code = '''
import time
from fnguard_runtime import guard, Policy, TimeoutPolicy

@guard(Policy(timeout=TimeoutPolicy(margin_ms=900)))
def handler(request):
    time.sleep(0.4)
    return "ok"

class Request:
    headers = {"Function-Execution-Id": "exec-9"}
    def get_json(self, silent=False):
        return {}

_report(handler(Request()))
'''
    result = run(code, env={"FUNCTION_TIMEOUT_SEC": "1"})
    assert result.result == "ok"
    [warning] = result.of_type("timeout_warning")
    assert warning["request_id"] == "exec-9"
