"""`fnguard scan gcp` through the CLI against the loopback fake of the Google APIs."""

from __future__ import annotations

import io
import json

import pytest
from collect_gcp_live.gcp_fake_data import seed_acme
from collect_gcp_live.gcp_fake_server import FakeGcp, fake

from fnguard.cli import main

__all__ = ["fake"]


def test_scan_gcp_reads_the_project_and_reports_its_findings(
    fake: FakeGcp, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_acme(fake)
    out = io.StringIO()
    live = ["scan", "gcp", "--project", "acme", "--endpoint-url", fake.url]
    code = main([*live, "--format", "json", "--no-progress", "--osv", "off"], stdout=out)
    assert code == 1, capsys.readouterr().err
    report = json.loads(out.getvalue())
    rules = {f["rule_id"] for f in report["findings"] if f["status"] == "fail"}
    assert {"EXP002", "IAM001", "IAM006"} <= rules
    assert capsys.readouterr().err.startswith("fnguard: gcp: read ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "gcp", "--region", "eu-west-1"], "--region applies to `fnguard scan aws` only"),
        (["scan", ".", "--project", "p"], "--project applies to `fnguard scan gcp` only"),
    ],
)
def test_cloud_options_belong_to_their_cloud(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
