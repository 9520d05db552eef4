from __future__ import annotations

import subprocess
import sys

import pytest

from fnguard.errors import UsageError
from fnguard.report import FORMATS, Reporter, get_reporter
from fnguard.report._text import TextReporter


@pytest.mark.parametrize(
    ("name", "extension"), [("text", "txt"), ("json", "json"), ("sarif", "sarif"), ("junit", "xml")]
)
def test_every_format_has_a_reporter(name: str, extension: str) -> None:
    reporter = get_reporter(name)
    assert isinstance(reporter, Reporter)
    assert reporter.format == name
    assert reporter.extension == extension


def test_formats_lists_exactly_the_implemented_ones() -> None:
    assert FORMATS == ("text", "json", "sarif", "junit")


def test_format_name_is_case_and_space_insensitive() -> None:
    assert get_reporter(" SARIF ").format == "sarif"


def test_unknown_format_names_the_valid_ones() -> None:
    with pytest.raises(UsageError) as err:
        get_reporter("html5")
    assert str(err.value) == (
        "unknown report format 'html5' (expected one of: text, json, sarif, junit)"
    )


def test_text_options_reach_the_text_reporter() -> None:
    reporter = get_reporter("text", color=True, width=88)
    assert isinstance(reporter, TextReporter)
    assert (reporter.color, reporter.width) == (True, 88)


def test_too_narrow_width_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="at least 40"):
        get_reporter("text", width=10)


def test_importing_the_package_loads_no_implementation() -> None:
    code = (
        "import sys, fnguard.report\n"
        "heavy = [m for m in sys.modules if m == 'rich' or m.startswith('rich.')"
        " or m.startswith('jsonschema') or m.startswith('fnguard.report._')"
        " and m != 'fnguard.report._interface']\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_asking_for_text_loads_rich_but_not_the_other_reporters() -> None:
    code = (
        "import sys\n"
        "from fnguard.report import get_reporter\n"
        "get_reporter('text')\n"
        "print('rich' in sys.modules, 'fnguard.report._sarif' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True False"
