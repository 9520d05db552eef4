"""Outbound network allow-list on real handlers, against listeners on 127.0.0.1 only."""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator


class Listener:
    """A TCP server on 127.0.0.1 that answers every connection with b"hello"."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            with conn:
                conn.sendall(b"hello")


@pytest.fixture
def listeners() -> Iterator[tuple[Listener, Listener]]:
    allowed, other = Listener(), Listener()
    yield allowed, other
    allowed.sock.close()
    other.sock.close()


HANDLER = '''
import socket
from fnguard_runtime import guard, Policy, NetworkPolicy

def fetch(host, port):
    with socket.create_connection((host, port), timeout=5) as s:
        return s.recv(5).decode()

def udp(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"x", ("127.0.0.1", port))

@guard(Policy(network=NetworkPolicy(mode="{mode}", allow={allow})))
def handler(event, context):
    out = {{}}
    out["other_port"] = attempt(lambda: fetch("127.0.0.1", {other}))
    out["raw_connect"] = attempt(lambda: socket.socket().connect(("127.0.0.1", {other})))
    out["udp"] = attempt(lambda: udp({other}))
    out["metadata_lookup"] = attempt(lambda: socket.getaddrinfo("169.254.169.254", 80) and None)
    out["metadata_v6_lookup"] = attempt(lambda: socket.getaddrinfo("fd00:ec2::254", 80) and None)
    if "{mode}" == "block":
        out["metadata_name"] = attempt(lambda: socket.getaddrinfo("metadata.google.internal", 80))
        out["metadata_decimal"] = attempt(lambda: socket.getaddrinfo("2852039166", 80))
    out["allowed_ip"] = attempt(lambda: fetch("127.0.0.1", {port}))
    out["allowed_name"] = attempt(lambda: fetch("localhost", {port}))
    return out

_report({{"inside": handler({{}}, None), "after": attempt(lambda: fetch("127.0.0.1", {other}))}})
'''

DENIED = ("other_port", "raw_connect", "udp", "metadata_lookup", "metadata_v6_lookup")


def _code(mode: str, allowed: Listener, other: Listener) -> str:
    allow = [f"127.0.0.1:{allowed.port}", f"localhost:{allowed.port}"]
    return HANDLER.format(mode=mode, allow=allow, port=allowed.port, other=other.port)


def test_block_mode_denies_unlisted_destinations_and_metadata(run_any_python, listeners) -> None:
    allowed, other = listeners
    result = run_any_python(_code("block", allowed, other))
    inside = result.result["inside"]
    for name in (*DENIED, "metadata_name", "metadata_decimal"):
        assert inside[name] == "GuardViolation", (name, result.stderr)
    assert inside["allowed_ip"] == inside["allowed_name"] == "hello"
    assert result.result["after"] == "hello"
    # Only the allowed connections (two inside, one after) reached the listeners.
    assert allowed.accepted == 2 and other.accepted == 1
    reasons = {e["target"]: e["reason"] for e in result.of_type("blocked")}
    assert "metadata" in reasons["169.254.169.254:80"]
    assert "metadata" in reasons["2852039166:80"]
    assert reasons[f"127.0.0.1:{other.port}"] == "destination is not in network.allow"
    assert {e["operation"] for e in result.of_type("blocked")} >= {
        "socket.getaddrinfo", "socket.connect", "socket.sendto"}


def test_alert_mode_logs_and_connects(run, listeners) -> None:
    allowed, other = listeners
    result = run(_code("alert", allowed, other))
    inside = result.result["inside"]
    assert inside["other_port"] == "hello"
    assert inside["metadata_lookup"] == "ok"
    assert result.of_type("blocked") == []
    assert {e["target"] for e in result.of_type("alerted")} >= {
        f"127.0.0.1:{other.port}", "169.254.169.254:80"}
    assert not any(str(allowed.port) in e.get("target", "") for e in result.events)


def test_credential_endpoint_from_the_environment_is_denied(run, listeners) -> None:
    allowed, other = listeners
    code = f'''
import socket
from fnguard_runtime import guard

@guard()
def handler(event, context):
    def fetch(port):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            return s.recv(5).decode()
    return {{"credentials": attempt(lambda: fetch({other.port})),
            "elsewhere": attempt(lambda: fetch({allowed.port}))}}
_report(handler({{}}, None))
'''
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://127.0.0.1:{other.port}/v1/creds"}
    result = run(code, env=env)
    assert result.result == {"credentials": "GuardViolation", "elsewhere": "hello"}
    assert other.accepted == 0


def test_metadata_can_be_allowed_explicitly(run) -> None:
    code = '''
import socket
from fnguard_runtime import guard, Policy, NetworkPolicy

@guard(Policy(network=NetworkPolicy(allow=["169.254.169.254:80"])))
def handler(event, context):
    return {"listed": attempt(lambda: socket.getaddrinfo("169.254.169.254", 80) and None),
            "other_port": attempt(lambda: socket.getaddrinfo("169.254.169.254", 81) and None)}
_report(handler({}, None))
'''
    assert run(code).result == {"listed": "ok", "other_port": "GuardViolation"}
