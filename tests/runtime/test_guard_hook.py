"""The permanent audit hook: canary, threads, and enforcement only inside handlers."""

from __future__ import annotations


def test_a_refused_hook_is_detected_by_the_canary(run) -> None:
    code = '''
import sys

def jealous(event, args):
    if event == "sys.addaudithook":
        raise RuntimeError("no more hooks")
sys.addaudithook(jealous)

from fnguard_runtime import guard, GuardUnavailable
try:
    guard()(lambda event, context: None)
except GuardUnavailable as exc:
    _report(str(exc))
'''
    result = run(code)
    assert "did not receive its canary" in result.result


def test_threads_started_by_the_handler_are_guarded(run) -> None:
    code = '''
import os, threading
from concurrent.futures import ThreadPoolExecutor
from fnguard_runtime import guard

@guard()
def handler(event, context):
    with ThreadPoolExecutor(2) as pool:
        in_pool = pool.submit(attempt, lambda: os.system("true")).result()
    return in_pool

box = {}
def outside():
    box["outside"] = attempt(lambda: os.system("true"))

_report({"in_pool": handler({}, None)})
t = threading.Thread(target=outside); t.start(); t.join()
_report({"outside": box["outside"]})
'''
    result = run(code)
    assert '"in_pool": "GuardViolation"' in result.stdout
    assert result.result == {"outside": 0}  # after the handler: nothing enforced
