"""The on-disk cache: expiry, record freshness, atomic writes, and never an error."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

from fnguard.osv import DiskCache, PackageKey, default_cache_dir

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

KEY = PackageKey("PyPI", "requests", "2.30.0")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_default_location_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "fnguard" / "osv"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "fnguard" / "osv"


def test_query_answers_expire(tmp_path: Path) -> None:
    clock = Clock()
    cache = DiskCache(tmp_path, ttl=3600, now=clock)
    assert cache.query(KEY) is None
    cache.store_query(KEY, [("GHSA-1", "2024-01-01T00:00:00Z")])
    assert cache.query(KEY) == [("GHSA-1", "2024-01-01T00:00:00Z")]
    assert cache.query(PackageKey("PyPI", "requests", "2.31.0")) is None
    clock.now += 3601
    assert cache.query(KEY) is None


def test_records_are_kept_while_not_modified_since(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    record = {"id": "GHSA-1", "modified": "2024-01-01T00:00:00.5Z", "summary": "x"}
    cache.store_vuln(record)
    assert cache.vuln("GHSA-1", "2024-01-01T00:00:00Z") == record
    assert cache.vuln("GHSA-1", "2024-01-01T00:00:00.5Z") == record
    assert cache.vuln("GHSA-1", "2024-01-01T00:00:01Z") is None  # changed since
    assert cache.vuln("GHSA-1", "") == record
    assert cache.vuln("GHSA-2", "") is None


def test_layout_is_documented_json(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.store_query(KEY, [])
    cache.store_vuln({"id": "PYSEC-2023-74", "modified": "2023-01-01T00:00:00Z"})
    query_files = list((tmp_path / "queries" / "PyPI").glob("*.json"))
    assert len(query_files) == 1
    data = json.loads(query_files[0].read_text())
    assert data["format"] == 1 and data["name"] == "requests" and data["vulns"] == []
    assert (tmp_path / "vulns" / "PYSEC-2023-74.json").is_file()
    assert not list(tmp_path.rglob(".tmp-*"))  # no temporary file left behind


def test_odd_ids_get_safe_file_names(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.store_vuln({"id": "../../etc/passwd", "modified": ""})
    assert cache.vuln("../../etc/passwd", "") is not None
    assert all(p.is_relative_to(tmp_path) for p in tmp_path.rglob("*"))


def test_corrupt_or_foreign_entries_are_misses(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.store_vuln({"id": "GHSA-1", "modified": ""})
    path = tmp_path / "vulns" / "GHSA-1.json"
    path.write_text('{"format": 1, "vuln": {"id": "GHSA-1"')  # torn
    assert cache.vuln("GHSA-1", "") is None
    path.write_text('{"format": 99, "vuln": {"id": "GHSA-1"}}')
    assert cache.vuln("GHSA-1", "") is None


def test_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = DiskCache(blocker / "cache")
    cache.store_query(KEY, [("GHSA-1", "")])
    cache.store_vuln({"id": "GHSA-1"})
    assert cache.query(KEY) is None and cache.vuln("GHSA-1", "") is None


def test_concurrent_writers_and_readers_never_see_half_an_entry(tmp_path: Path) -> None:
    big = {"id": "GHSA-1", "modified": "", "details": "x" * 200_000}
    seen: list[object] = []
    stop = threading.Event()

    def write() -> None:
        cache = DiskCache(tmp_path)
        for n in range(40):
            cache.store_vuln({**big, "summary": str(n)})

    def read() -> None:
        cache = DiskCache(tmp_path)
        while not stop.is_set():
            got = cache.vuln("GHSA-1", "")
            if got is not None:
                seen.append(len(got["details"]))

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [threading.Thread(target=write) for _ in range(3)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert set(seen) <= {200_000}
    assert DiskCache(tmp_path).vuln("GHSA-1", "") is not None
