"""fnguard._data: shipped tables read through the package loader, failures as OSError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fnguard
from fnguard._data import package_text, shipped_text


def test_shipped_text_is_the_file_on_disk() -> None:
    on_disk = (Path(fnguard.__file__).parent / "data" / "runtimes.json").read_text("utf-8")
    assert shipped_text("runtimes.json") == on_disk
    assert isinstance(json.loads(shipped_text("runtimes.json")), dict)


def test_another_package_data_file() -> None:
    text = package_text("samtranslator", "internal/data/aws_managed_policies.json")
    assert "AWSLambdaBasicExecutionRole" in text


def test_missing_file_is_an_os_error() -> None:
    with pytest.raises(OSError):
        shipped_text("no-such-table.json")


def test_missing_package_is_file_not_found() -> None:
    with pytest.raises(FileNotFoundError, match=r"no_such_package_xyz/data\.json"):
        package_text("no_such_package_xyz", "data.json")
