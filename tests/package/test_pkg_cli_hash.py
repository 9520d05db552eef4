"""``fnguard hash``: both forms of the digest; folders and missing files refused in one line."""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
from typing import TYPE_CHECKING

import pytest
from package.pkgkit import Item, write_zip

from fnguard import _cli_hash
from fnguard.errors import InputError, UsageError

if TYPE_CHECKING:
    from pathlib import Path


def _run(*argv: str) -> str:
    parser = argparse.ArgumentParser()
    _cli_hash.add_arguments(parser)
    out = io.StringIO()
    assert _cli_hash.run(parser.parse_args(list(argv)), out) == 0
    return out.getvalue()


def test_zip_hash_in_hex_and_codesha256_form(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fn.zip", [Item("a.py", b"x = 1\n")])
    digest = hashlib.sha256(path.read_bytes())
    text = _run(str(path))
    assert f"sha256 (hex):    {digest.hexdigest()}" in text
    assert f"sha256 (base64): {base64.b64encode(digest.digest()).decode()}" in text
    document = json.loads(_run(str(path), "--format", "json"))
    assert document["sha256_hex"] == digest.hexdigest()
    assert document["sha256_base64"] == base64.b64encode(digest.digest()).decode()


def test_folder_and_missing_file_are_one_line_errors(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    _cli_hash.add_arguments(parser)
    with pytest.raises(UsageError, match="is a folder") as folder:
        _cli_hash.run(parser.parse_args([str(tmp_path)]), io.StringIO())
    assert "\n" not in str(folder.value)
    with pytest.raises(InputError, match="no such file"):
        _cli_hash.run(parser.parse_args([str(tmp_path / "gone.zip")]), io.StringIO())
