"""Reports come in pieces the CLI writes one by one; joined, they are the rendered report,
and the result keeps its findings in the one report order whatever order it is given."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from fnguard.model import Finding, FindingStatus, Location
from fnguard.report import FORMATS, get_reporter
from fnguard.report._common import dump_json, dump_json_chunks
from fnguard.result import ScanResult, finding_order

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_reporters_pieces_join_into_its_report(fmt: str, scan_result: ScanResult) -> None:
    reporter = get_reporter(fmt)
    chunks = reporter.chunks(scan_result)
    assert len(chunks) >= 1
    assert "".join(chunks) == reporter.render(scan_result)


def test_the_json_report_comes_in_many_pieces(scan_result: ScanResult) -> None:
    chunks = get_reporter("json").chunks(scan_result)
    assert len(chunks) > len(scan_result.findings)  # never built whole
    assert chunks[-1] == "\n"


def test_a_lone_surrogate_is_escaped_in_the_pieces_as_in_the_whole(
    scan_result: ScanResult,
) -> None:
    odd = replace(scan_result.findings[0], resource="bad-\udcff-name", message="caf\u00e9")
    result = replace(scan_result, findings=(odd, *scan_result.findings[1:]))
    chunks = get_reporter("json").chunks(result)
    for chunk in chunks:
        chunk.encode("utf-8")  # every piece can be written as it is
    text = "".join(chunks)
    assert "bad-\\udcff-name" in text
    assert "café" in text
    document = {"a": "x\udcff", "b": ["\u00e9", "plain"]}
    assert "".join(dump_json_chunks(document)) == dump_json(document)
    assert dump_json(document).encode("utf-8").decode("utf-8") == dump_json(document)


def test_findings_are_kept_in_report_order_whatever_order_they_come_in(
    scan_result: ScanResult,
) -> None:
    first = replace(scan_result.findings[0], location=Location("a.tf", 1), message="m")
    nowhere = replace(first, location=None)
    later_line = replace(first, location=Location("a.tf", 99))
    unknown = replace(first, status=FindingStatus.UNKNOWN)
    found = [*scan_result.findings, first, nowhere, later_line, unknown]
    expected = sorted(found, key=finding_order)
    # within one rule and resource: by line, unlocated last; failing before unknown
    assert expected.index(first) < expected.index(unknown) < expected.index(later_line)
    assert expected.index(later_line) < expected.index(nowhere)
    for seed in range(5):
        random.Random(seed).shuffle(found)
        result = replace(scan_result, findings=tuple(found))
        assert result.findings == tuple(expected)


def test_a_result_from_a_list_holds_a_tuple(scan_result: ScanResult) -> None:
    as_list: list[Finding] = list(reversed(scan_result.findings))
    result = ScanResult(
        tool_version="0",
        targets=(),
        inventory=scan_result.inventory,
        findings=as_list,  # type: ignore[arg-type]
        rules=(),
    )
    assert result.findings == scan_result.findings


@pytest.mark.parametrize(("slice_at", "batch_at"), [(7, 1 << 16), (7, 5), (1 << 20, 3), (50, 200)])
def test_the_cli_writes_pieces_in_batches_and_long_ones_in_slices(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scan_result: ScanResult,
    slice_at: int,
    batch_at: int,
) -> None:
    from fnguard import cli

    monkeypatch.setattr(cli, "_SLICE", slice_at)
    monkeypatch.setattr(cli, "_BATCH", batch_at)
    for fmt in FORMATS:
        reporter = get_reporter(fmt)
        target = tmp_path / "deep" / f"report.{fmt}"
        cli._write(target, reporter.chunks(scan_result))
        assert target.read_text(encoding="utf-8") == reporter.render(scan_result)
