"""--download-code and --incremental against a moto server process.

moto's GetFunction names a host on amazonaws.com that it does not serve, so the download
path is exercised against a loopback HTTP server holding the packages: ``open_url`` is the
one seam, rewritten to fetch from that server.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import threading
import zipfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from aws_seed import code_zip

from fnguard.collect.aws import (
    Access,
    AwsOptions,
    CodeSettings,
    LiveSettings,
    Unit,
    collect_aws,
)
from fnguard.collect.aws import _code as code_module
from fnguard.collect.aws._session import client_factory

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from aws_seed import Seeded

    from fnguard.collect.aws._api import ClientFactory
    from fnguard.model import Inventory

# Code signing comes from the region's listing (moto serves none: no per-function call).
_PER_FUNCTION = {
    "GetPolicy",
    "GetFunctionUrlConfig",
    "GetFunctionConcurrency",
    "GetFunctionRecursionConfig",
    "ListFunctionEventInvokeConfigs",
}


class _Packages(http.server.BaseHTTPRequestHandler):
    """Serves one body for every path; counts requests."""

    body = b""
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def package_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Packages]]:
    handler = type("Handler", (_Packages,), {"body": code_zip(), "hits": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    real_open = code_module.open_url
    base = f"http://127.0.0.1:{server.server_address[1]}/"

    def loopback(url: str, timeout: float) -> Any:
        return real_open(base + url.rsplit("/", 1)[-1], timeout)

    monkeypatch.setattr(code_module, "open_url", loopback)
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def _uniform_code(seeded: Seeded) -> bytes:
    """Give every seeded function the same, byte-stable package; return it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("app.py", (2024, 1, 1, 0, 0, 0)), "def handler(e, c):\n    return {}\n"
        )
    data = buffer.getvalue()
    lam = boto3.client("lambda", endpoint_url=seeded.endpoint, region_name="us-east-1")
    for page in lam.get_paginator("list_functions").paginate():
        for cfg in page["Functions"]:
            if cfg.get("PackageType", "Zip") == "Zip":
                lam.update_function_code(FunctionName=cfg["FunctionArn"], ZipFile=data)
    return data


def _key(model: Any) -> str:
    """Lambda operations by name (``GetPolicy``), others with their service (``iam:GetPolicy``)."""
    service = model.service_model.service_name
    return str(model.name) if service == "lambda" else f"{service}:{model.name}"


def _counting(seeded: Seeded, calls: Counter[str]) -> Callable[[Unit], ClientFactory]:
    def for_unit(unit: Unit) -> ClientFactory:
        region = unit.client_region if unit.region == "global" else unit.region
        make = client_factory(unit.access, region)

        def client(service: str) -> Any:
            made = make(service)
            made.meta.events.register(
                "before-call.*.*", lambda model, **_: calls.update([_key(model)])
            )
            return made

        return client

    return for_unit


def _collect(seeded: Seeded, settings: LiveSettings, calls: Counter[str]) -> Inventory:
    options = AwsOptions(
        access=Access(endpoint_url=seeded.endpoint), regions=("us-east-1",), settings=settings
    )
    return collect_aws(options, clients=_counting(seeded, calls))


def test_incremental_rescan_reads_only_changed_functions(
    aws_account: Seeded, tmp_path: Path
) -> None:
    settings = LiveSettings(cache_dir=str(tmp_path), incremental=True)
    first_calls: Counter[str] = Counter()
    first = _collect(aws_account, settings, first_calls)
    count = len(first.functions)
    assert count >= 3
    assert first_calls["GetPolicy"] == count

    second_calls: Counter[str] = Counter()
    second = _collect(aws_account, settings, second_calls)
    assert sum(second_calls[op] for op in _PER_FUNCTION) == 0
    assert sorted(second.functions, key=lambda f: f.address) == sorted(
        first.functions, key=lambda f: f.address
    )
    assert sorted(second.permissions, key=repr) == sorted(first.permissions, key=repr)

    changed = first.functions[0]
    lam = boto3.client("lambda", endpoint_url=aws_account.endpoint, region_name="us-east-1")
    new_code = io.BytesIO()
    with zipfile.ZipFile(new_code, "w") as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return 1\n")
    lam.update_function_code(FunctionName=changed.address, ZipFile=new_code.getvalue())
    third_calls: Counter[str] = Counter()
    _collect(aws_account, settings, third_calls)
    assert {op: third_calls[op] for op in _PER_FUNCTION} == dict.fromkeys(_PER_FUNCTION, 1)


def test_without_incremental_nothing_is_cached(aws_account: Seeded, tmp_path: Path) -> None:
    calls: Counter[str] = Counter()
    _collect(aws_account, LiveSettings(cache_dir=str(tmp_path)), calls)
    _collect(aws_account, LiveSettings(cache_dir=str(tmp_path)), calls)
    assert calls["GetPolicy"] % 2 == 0 and calls["GetPolicy"] >= 6
    assert not (tmp_path / "aws-functions").exists()


def test_download_code_fetches_each_package_once_and_checks_its_hash(
    aws_account: Seeded, tmp_path: Path, package_server: type[_Packages]
) -> None:
    package_server.body = _uniform_code(aws_account)
    settings = LiveSettings(cache_dir=str(tmp_path), code=CodeSettings(cache_dir=str(tmp_path)))
    inventory = _collect(aws_account, settings, Counter())
    zips = [fn for fn in inventory.functions if fn.package_type.value == "Zip"]
    assert zips
    expected = base64.b64encode(hashlib.sha256(package_server.body).digest()).decode()
    for fn in zips:
        assert fn.package.path is not None, fn.address
        data = Path(fn.package.path).read_bytes()
        assert base64.b64encode(hashlib.sha256(data).digest()).decode() == expected
        assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["app.py"]
    # Every seeded function ships the same package: one download, the rest from the cache.
    assert package_server.hits == 1
    _collect(aws_account, settings, Counter())
    assert package_server.hits == 1
    assert not list((tmp_path / "code").glob(".partial-*"))


def test_a_package_that_does_not_match_its_codesha256_is_a_gap(
    aws_account: Seeded, tmp_path: Path, package_server: type[_Packages]
) -> None:
    package_server.body = b"PK\x05\x06" + bytes(18)  # an empty zip: not what Lambda reports
    settings = LiveSettings(code=CodeSettings(cache_dir=str(tmp_path)))
    inventory = _collect(aws_account, settings, Counter())
    assert all(fn.package.path is None for fn in inventory.functions)
    gaps = [g for g in inventory.gaps if g.field == "package"]
    assert gaps and all("hashes to" in g.reason for g in gaps)
    assert not any((tmp_path / "code").glob("*.zip"))


def test_a_package_over_the_size_limit_is_a_gap_naming_the_flag(
    aws_account: Seeded, tmp_path: Path, package_server: type[_Packages]
) -> None:
    settings = LiveSettings(code=CodeSettings(cache_dir=str(tmp_path), max_bytes=10))
    inventory = _collect(aws_account, settings, Counter())
    reasons = {g.reason for g in inventory.gaps if g.field == "package"}
    assert reasons and all("--code-max-mb" in r for r in reasons)
    assert not list((tmp_path / "code").iterdir())


def test_artifact_names_a_live_function_and_pkg003_reports_the_drift(
    aws_account: Seeded, tmp_path: Path
) -> None:
    from fnguard.cli import main

    build = tmp_path / "build.zip"
    with zipfile.ZipFile(build, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("app.py", (2024, 1, 1, 0, 0, 0)), "def handler(e, c):\n    pass\n"
        )
    out = io.StringIO()
    live = ["scan", "aws", "--endpoint-url", aws_account.endpoint, "--region", "us-east-1"]
    code = main(
        [*live, "--artifact", f"hardened={build}", "--format", "json", "--no-progress"],
        stdout=out,
    )
    assert code == 1
    drift = [
        f
        for f in json.loads(out.getvalue())["findings"]
        if f["rule_id"] == "PKG003" and f["status"] == "fail"
    ]
    assert [f["function"].rsplit(":", 1)[-1] for f in drift] == ["hardened"]


def test_an_operation_the_endpoint_does_not_serve_is_asked_once_per_region(
    aws_account: Seeded,
) -> None:
    """moto answers GetFunctionRecursionConfig with a bare 404: every function still gets the
    gap (RUN001 says unknown), but the endpoint is asked once, not once per function."""
    calls: Counter[str] = Counter()
    inventory = _collect(aws_account, LiveSettings(), calls)
    assert calls["GetFunctionRecursionConfig"] == 1
    gapped = {g.resource for g in inventory.gaps if g.field == "recursive_loop"}
    assert gapped == {fn.address for fn in inventory.functions}
    assert calls["GetPolicy"] == len(inventory.functions)  # a refusal of one is not all
