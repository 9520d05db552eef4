"""Audit events: the JSON-lines schema on stdout, RFC 5424 syslog over UDP and TCP."""

from __future__ import annotations

import re
import socket
import threading
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

HANDLER = '''
import os
from fnguard_runtime import guard, Policy, AuditPolicy

@guard(Policy(audit=AuditPolicy(sink="{sink}", address="{address}", app_name="orders",
                                invocations=True)))
def handler(event, context):
    return attempt(lambda: os.system("true"))

_report(handler({{}}, None))
'''
RFC5424 = re.compile(
    r"^<(?P<pri>\d{1,3})>1 (?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?P<host>\S+) "
    r"(?P<app>\S+) (?P<pid>\d+) (?P<msgid>\S+) - (?P<msg>\{.*\})$"
)


@pytest.fixture
def udp_server() -> Iterator[tuple[socket.socket, int]]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield sock, sock.getsockname()[1]
    sock.close()


def test_stdout_events_follow_the_documented_schema(run) -> None:
    result = run(HANDLER.format(sink="stdout", address=""))
    assert result.result == "GuardViolation"
    kinds = [e["type"] for e in result.events]
    assert kinds == ["cold_start", "blocked", "invocation"]
    for event in result.events:
        assert event["fnguard"] == "1" and event["function"] == "handler"
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", event["time"])
    blocked = result.events[1]
    assert blocked["feature"] == "process" and blocked["operation"] == "os.system"
    assert blocked["depth"] == 1


def test_invocation_events_carry_the_duration(run) -> None:
    code = '''
from fnguard_runtime import guard, Policy, AuditPolicy

@guard(Policy(audit=AuditPolicy(invocations=True)))
def handler(event, context):
    return "ok"

class Context:
    aws_request_id = "req-123"
    def get_remaining_time_in_millis(self):
        return 30000

_report([handler({}, Context()), handler({}, Context())])
'''
    result = run(code)
    invocations = result.of_type("invocation")
    assert len(invocations) == 2
    assert all(e["request_id"] == "req-123" and e["duration_ms"] >= 0 for e in invocations)


def test_syslog_over_udp(run, udp_server: tuple[socket.socket, int]) -> None:
    sock, port = udp_server
    result = run(HANDLER.format(sink="syslog", address=f"udp://127.0.0.1:{port}"))
    assert result.result == "GuardViolation"
    assert result.events == []  # delivered to syslog, not stdout
    messages = [sock.recv(65535).decode() for _ in range(2)]
    parsed = [RFC5424.match(m) for m in messages]
    assert all(parsed), messages
    assert [p["msgid"] for p in parsed if p] == ["cold_start", "blocked"]
    blocked = parsed[1]
    assert blocked is not None
    assert blocked["app"] == "orders"
    assert int(blocked["pri"]) == 16 * 8 + 4  # local0.warning
    assert '"operation":"os.system"' in blocked["msg"]


def test_syslog_over_tcp_with_octet_counting(run) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(10)
    received: list[bytes] = []

    def accept() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65535):
                received.append(chunk)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    result = run(HANDLER.format(sink="both", address=f"tcp://127.0.0.1:{port}"))
    thread.join(10)
    server.close()
    data = b"".join(received).decode()
    frames = []
    while data:
        length, _, rest = data.partition(" ")
        frames.append(rest[: int(length)])
        data = rest[int(length):]
    expected = ["cold_start", "blocked", "invocation"]
    assert [RFC5424.match(f)["msgid"] for f in frames] == expected  # type: ignore[index]
    assert [e["type"] for e in result.events] == expected  # "both": stdout as well


def test_unreachable_syslog_collector_falls_back_to_stdout(run) -> None:
    from moto_server import free_port

    port = free_port()  # nothing listens there: the TCP connect is refused
    result = run(HANDLER.format(sink="syslog", address=f"tcp://127.0.0.1:{port}"))
    assert result.result == "GuardViolation"
    assert [e["type"] for e in result.events] == ["cold_start", "blocked", "invocation"]
