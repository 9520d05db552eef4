"""A stand-in for the OSV API on 127.0.0.1, serving the fixture records (no network)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from osv.osv_fixture_records import BY_ID

if TYPE_CHECKING:
    from collections.abc import Iterator

# What the real API would answer for each queried version (decided here, not by fnguard).
AFFECTS: dict[tuple[str, str, str], list[str]] = {
    ("PyPI", "jinja2", "3.1.2"): ["GHSA-h5c8-rqwp-cp95", "PYSEC-2024-1"],
    ("PyPI", "requests", "2.30.0"): ["GHSA-j8r2-6x86-q33q"],
    ("npm", "lodash", "4.17.20"): ["GHSA-35jh-r3h4-6jhm"],
}


class FakeOsv:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.query_status = 200
        self.failing_ids: set[str] = set()
        self.page_size = 100
        self.records = dict(BY_ID)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _send(self, status: int, body: object) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:
                fake.requests.append(f"POST {self.path}")
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != "/v1/querybatch" or fake.query_status != 200:
                    self._send(fake.query_status if fake.query_status != 200 else 404, {})
                    return
                self._send(200, {"results": [fake.answer(q) for q in body["queries"]]})

            def do_GET(self) -> None:
                fake.requests.append(f"GET {self.path}")
                vuln_id = self.path.removeprefix("/v1/vulns/")
                if vuln_id in fake.failing_ids or vuln_id not in fake.records:
                    self._send(500 if vuln_id in fake.failing_ids else 404, {"message": "no"})
                    return
                self._send(200, fake.records[vuln_id])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, query: dict[str, Any]) -> dict[str, Any]:
        pkg = query["package"]
        ids = AFFECTS.get((pkg["ecosystem"], pkg["name"], query["version"]), [])
        start = int(query.get("page_token") or 0)
        page = ids[start : start + self.page_size]
        result: dict[str, Any] = {}
        if page:
            result["vulns"] = [{"id": i, "modified": self.records[i]["modified"]} for i in page]
        if start + self.page_size < len(ids):
            result["next_page_token"] = str(start + self.page_size)
        return result

    def __enter__(self) -> FakeOsv:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


def serve() -> Iterator[FakeOsv]:
    with FakeOsv() as fake:
        yield fake
