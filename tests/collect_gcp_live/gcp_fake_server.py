"""A loopback stand-in for the Cloud Functions, Cloud Run and Resource Manager REST APIs.

It answers canned JSON, in the shapes Google documents, per method and path (and per
``query`` / ``parent`` / ``pageToken`` parameter where listings need them), records every
request, and never lets a test reach the real network: the collector gets anonymous
credentials and the metadata server is pointed at a closed port.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from fnguard.collect.gcp import GcpOptions

if TYPE_CHECKING:
    from collections.abc import Iterator

Answer = tuple[int, Any]
_KEYS = ("pageToken", "query", "parent")


def forbidden(permission: str = "") -> Answer:
    message = (
        f"Permission '{permission}' denied" if permission else "The caller does not have permission"
    )
    return 403, {"error": {"code": 403, "message": message, "status": "PERMISSION_DENIED"}}


def throttled() -> Answer:
    error = {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}
    return 429, {"error": error}


def disabled(service: str) -> Answer:
    detail = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "SERVICE_DISABLED",
        "domain": "googleapis.com",
        "metadata": {"service": service},
    }
    error = {"code": 403, "message": f"{service} has not been used", "status": "PERMISSION_DENIED"}
    return 403, {"error": error | {"details": [detail]}}


class FakeGcp:
    """Routes ``"GET /v1/..."`` (optionally ``"...?query=..."``) to (status, JSON)."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.requests: list[str] = []
        self.sequences: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                params = parse_qs(parts.query)
                with fake._lock:
                    fake.requests.append(f"{self.command} {parts.path}")
                status, body = fake.lookup(self.command, parts.path, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def lookup(self, method: str, path: str, params: dict[str, list[str]]) -> Answer:
        for key in _KEYS:
            for value in params.get(key, ()):
                found = self.routes.get(f"{method} {path}?{key}={value}")
                if found is not None:
                    return self._next(f"{method} {path}?{key}={value}", found)
        route = f"{method} {path}"
        found = self.routes.get(route)
        if found is None:
            return 404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}}
        return self._next(route, found)

    def _next(self, route: str, found: Answer) -> Answer:
        """Routes in ``sequences`` answer their queued answers first (throttling, then OK)."""
        with self._lock:
            queued = self.sequences.get(route)
            return queued.pop(0) if queued else found

    def options(self, **extra: Any) -> GcpOptions:
        from google.auth.credentials import AnonymousCredentials

        extra.setdefault("retry_timeout_s", 2.0)
        return GcpOptions(endpoints={"*": self.url}, credentials=AnonymousCredentials(), **extra)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGcp]:
    """A started fake; no metadata server, no proxies, no ambient Google credentials."""
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:1")
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    server = FakeGcp()
    thread = threading.Thread(target=server.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
        thread.join()
