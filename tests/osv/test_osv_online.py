"""The OSV API client against a local stand-in: batching, paging, caching, failures."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest
from osv.osv_fake_api import FakeOsv, serve

from fnguard.osv import DiskCache, OsvApi, PackageKey

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

JINJA = PackageKey("PyPI", "jinja2", "3.1.2")
REQUESTS = PackageKey("PyPI", "requests", "2.30.0")
CLEAN = PackageKey("PyPI", "boto3", "1.34.0")


@pytest.fixture
def fake() -> Iterator[FakeOsv]:
    yield from serve()


@pytest.fixture
def api(fake: FakeOsv, tmp_path: Path) -> OsvApi:
    return OsvApi(fake.url, DiskCache(tmp_path / "cache"), timeout=5, sleep=WAITS.append)


WAITS: list[float] = []


def ids(records: tuple[dict[str, object], ...]) -> list[object]:
    return sorted(r["id"] for r in records)


def test_one_batch_then_one_get_per_advisory(api: OsvApi, fake: FakeOsv) -> None:
    lookup = api.lookup([JINJA, REQUESTS, CLEAN, JINJA])
    assert lookup.matched and not lookup.failed
    assert ids(lookup.records[JINJA]) == ["GHSA-h5c8-rqwp-cp95", "PYSEC-2024-1"]
    assert ids(lookup.records[REQUESTS]) == ["GHSA-j8r2-6x86-q33q"]
    assert lookup.records[CLEAN] == ()
    assert fake.requests.count("POST /v1/querybatch") == 1
    assert sorted(r for r in fake.requests if r.startswith("GET")) == [
        "GET /v1/vulns/GHSA-h5c8-rqwp-cp95",
        "GET /v1/vulns/GHSA-j8r2-6x86-q33q",
        "GET /v1/vulns/PYSEC-2024-1",
    ]


def test_second_scan_is_served_from_the_cache(api: OsvApi, fake: FakeOsv, tmp_path: Path) -> None:
    api.lookup([JINJA, CLEAN])
    fake.requests.clear()
    again = OsvApi(fake.url, DiskCache(tmp_path / "cache"), timeout=5).lookup([JINJA, CLEAN])
    assert fake.requests == []
    assert ids(again.records[JINJA]) == ["GHSA-h5c8-rqwp-cp95", "PYSEC-2024-1"]


def test_expired_answers_are_asked_again_and_changed_records_refetched(
    fake: FakeOsv, tmp_path: Path
) -> None:
    now = [1_000_000.0]
    cache = DiskCache(tmp_path / "cache", ttl=60, now=lambda: now[0])
    OsvApi(fake.url, cache).lookup([REQUESTS])
    fake.requests.clear()
    now[0] += 61
    fake.records["GHSA-j8r2-6x86-q33q"] = {
        **fake.records["GHSA-j8r2-6x86-q33q"],
        "modified": "2025-01-01T00:00:00Z",
        "summary": "updated",
    }
    lookup = OsvApi(fake.url, cache).lookup([REQUESTS])
    assert fake.requests == ["POST /v1/querybatch", "GET /v1/vulns/GHSA-j8r2-6x86-q33q"]
    assert lookup.records[REQUESTS][0]["summary"] == "updated"


def test_next_page_tokens_are_followed(api: OsvApi, fake: FakeOsv) -> None:
    fake.page_size = 1
    lookup = api.lookup([JINJA])
    assert ids(lookup.records[JINJA]) == ["GHSA-h5c8-rqwp-cp95", "PYSEC-2024-1"]
    assert fake.requests.count("POST /v1/querybatch") == 2


def test_http_error_fails_the_packages_with_the_reason(api: OsvApi, fake: FakeOsv) -> None:
    WAITS.clear()
    fake.query_status = 503
    lookup = api.lookup([JINJA, CLEAN])
    assert set(lookup.failed) == {JINJA, CLEAN}
    assert "HTTP 503" in lookup.failed[JINJA] and fake.url in lookup.failed[JINJA]
    assert fake.requests == ["POST /v1/querybatch"] * 3  # tried again twice, backing off
    assert WAITS == [1.0, 2.0]


def test_client_errors_are_not_retried(api: OsvApi, fake: FakeOsv) -> None:
    fake.query_status = 400
    assert "HTTP 400" in api.lookup([JINJA]).failed[JINJA]
    assert fake.requests == ["POST /v1/querybatch"]


def test_a_server_that_recovers_answers(fake: FakeOsv, tmp_path: Path) -> None:
    waits: list[float] = []

    def recover(seconds: float) -> None:
        waits.append(seconds)
        fake.query_status = 200

    fake.query_status = 429
    api = OsvApi(fake.url, DiskCache(tmp_path), timeout=5, sleep=recover)
    lookup = api.lookup([REQUESTS])
    assert not lookup.failed and waits == [1.0]
    assert ids(lookup.records[REQUESTS]) == ["GHSA-j8r2-6x86-q33q"]


def test_a_record_that_cannot_be_fetched_fails_only_its_packages(
    api: OsvApi, fake: FakeOsv
) -> None:
    fake.failing_ids = {"PYSEC-2024-1"}
    lookup = api.lookup([JINJA, REQUESTS])
    assert list(lookup.failed) == [JINJA]
    assert "HTTP 500" in lookup.failed[JINJA]
    assert ids(lookup.records[REQUESTS]) == ["GHSA-j8r2-6x86-q33q"]


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]  # bound, never listening: connections are refused


def test_unreachable_api_is_a_failure_not_an_exception(closed_port: int, tmp_path: Path) -> None:
    api = OsvApi(f"http://127.0.0.1:{closed_port}", DiskCache(tmp_path), timeout=5)
    lookup = api.lookup([JINJA])
    assert "unreachable" in lookup.failed[JINJA]
