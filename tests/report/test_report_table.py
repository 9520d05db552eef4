"""The text report's own table layout gives rich's bytes (without colour), whatever the cells
hold: long words, wide characters, blank lines, runs of spaces, any width the report allows."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.report._table import Cell, Column, table_lines
from fnguard.report._text import (
    _FINDING_COLUMNS,
    _GAP_COLUMNS,
    TextReporter,
    _paint,
    _rich_table,
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _by_rich(
    columns: tuple[Column, ...], rows: list[tuple[Cell, ...]], width: int, *, lines: bool
) -> str:
    buffer = io.StringIO()
    console = TextReporter(width=width)._console(buffer)  # the report's own, uncoloured
    console.print(_rich_table(columns, rows, show_lines=lines))
    return _stripped(buffer.getvalue())


def _stripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines())


def _ours(
    columns: tuple[Column, ...], rows: list[tuple[Cell, ...]], width: int, *, lines: bool
) -> str:
    drawn = table_lines(columns, rows, width, show_lines=lines)
    assert drawn is not None
    return _stripped("\n".join(drawn))


# Words of every kind the report shows: addresses, ARNs longer than any column, accented and
# double-width text, combining marks, runs of spaces and newlines.
_pieces = st.sampled_from(
    [
        "aws_lambda_function.api",
        "arn:aws:iam::123456789012:role/service-role/a-very-long-role-name-that-never-fits",
        "main.tf:12",
        "é",
        "日本語",
        "🙂",
        "e\u0301",
        " ",
        "   ",
        "\n",
        "fix:",
        "x" * 61,
        "a",
        "Rôle partagé",
        "\u2028",
    ]
)
_texts = st.lists(_pieces, max_size=14).map("".join)
_styles = st.sampled_from(["", "dim", "bold", "bold red"])
_cells = st.lists(st.tuples(_texts, _styles), min_size=1, max_size=3).map(
    lambda runs: Cell(tuple(runs))
)
_severities = st.sampled_from(
    [
        Cell.of("CRITICAL", "bold white on red"),
        Cell.of("LOW"),
        Cell((("UNKNOWN", ""), ("\n", ""), ("(critical)", "dim"))),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_severities, _cells, _cells, _cells), min_size=1, max_size=4),
    st.integers(40, 200),
)
def test_findings_tables_are_drawn_as_rich_draws_them(
    rows: list[tuple[Cell, ...]], width: int
) -> None:
    assert _ours(_FINDING_COLUMNS, rows, width, lines=True) == _by_rich(
        _FINDING_COLUMNS, rows, width, lines=True
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_cells, _cells, _cells, _cells), min_size=1, max_size=4),
    st.integers(40, 200),
)
def test_gap_tables_are_drawn_as_rich_draws_them(rows: list[tuple[Cell, ...]], width: int) -> None:
    assert _ours(_GAP_COLUMNS, rows, width, lines=False) == _by_rich(
        _GAP_COLUMNS, rows, width, lines=False
    )


def test_a_tab_is_left_to_rich() -> None:
    rows = [(Cell.of("LOW"), Cell.of("a\tb"), Cell.of("c"), Cell.of("d"))]
    assert table_lines(_FINDING_COLUMNS, rows, 80) is None


def test_colour_only_adds_escape_codes() -> None:
    rows = [
        (
            Cell.of("CRITICAL", "bold white on red"),
            Cell((("IAM001", "bold"), ("\n", ""), ("Execution role has admin", ""))),
            Cell.of("aws_iam_role.shared\niam.tf:3"),
            Cell((("message " * 20, ""), ("\n", ""), ("fix: ", "bold green"), ("do it", ""))),
        )
    ]
    plain = table_lines(_FINDING_COLUMNS, rows, 80, show_lines=True)
    painted = table_lines(_FINDING_COLUMNS, rows, 80, show_lines=True, paint=_paint)
    assert plain is not None
    assert painted is not None
    assert any("\x1b[" in line for line in painted)
    assert [ANSI.sub("", line) for line in painted] == plain
