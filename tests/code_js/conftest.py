"""The ``analyse`` fixture: handler files in a temporary folder, analysed as Lambda loads them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from code_js.js_helpers import analyse_files

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from fnguard.code import CodeFacts


@pytest.fixture
def analyse(tmp_path: Path) -> Callable[..., CodeFacts]:
    """``analyse(files, handler=..., runtime=..., zipped=False)``: the analyser's facts."""

    def run(files: dict[str, str], **options: Any) -> CodeFacts:
        return analyse_files(tmp_path, files, **options)

    return run
