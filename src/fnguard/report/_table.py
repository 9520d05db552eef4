"""The text report's tables, laid out as rich lays out ``Table(box=SIMPLE_HEAD, expand=True,
pad_edge=False)`` (byte for byte without colour: tested against rich), ~9x faster.

Why not rich's ``Table`` itself: it measures, wraps and crops every cell through its general
renderable machinery, ~0.75 ms per row; a 1,000-function scan's ~7,000 findings took 5 s to
print, several times the scan. Only what these tables need is done here: text cells (runs of
styled text) in columns that are either as wide as their widest cell or share the width by
ratio. Word wrapping, folding and cell widths (wide characters, graphemes) use rich's own
``rich.cells`` functions and its line-breaking rule, so the output does not move when
rendered by either. Anything else (a tab, a width too narrow to share out) returns ``None``
and the caller lets rich draw that table.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from math import ceil
from typing import TYPE_CHECKING

from rich.cells import cell_len as _rich_cell_len
from rich.cells import chop_cells, set_cell_size

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["Cell", "Column", "table_lines"]

#: rich's table edge, column divider, head rule and ellipsis (``box.SIMPLE_HEAD``)
_EDGE = " "
_DIVIDER = " "
_HEAD_RULE = "─"
_ELLIPSIS = "…"

_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap's word: the word and the whitespace around it
_TRAILING_SPACE = re.compile(r"\s+$")


def cell_len(text: str) -> int:
    """rich's ``cell_len``, answered by ``len`` for printable ASCII (nearly every string here,
    and its answer there): half of a table's layout went into the general one."""
    return len(text) if text.isascii() and text.isprintable() else _rich_cell_len(text)


@dataclass(frozen=True)
class Column:
    """A table column, declared as rich's ``add_column`` would be, with only the options these
    tables support."""

    header: str
    #: share of the width left by fixed columns; 0: as wide as its widest cell, never wrapped
    ratio: int = 0
    #: a word longer than the column is folded onto the next lines; else cut short with "…"
    fold: bool = False


@dataclass(frozen=True)
class Cell:
    """Runs of (text, style name) over the cell's own ``style`` (which also paints the spaces
    that fill out each of its lines, as rich's ``Text`` does)."""

    runs: tuple[tuple[str, str], ...]
    style: str = ""

    @classmethod
    def of(cls, text: str, style: str = "") -> Cell:
        return cls(((text, ""),), style)

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.runs)


def table_lines(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    width: int,
    *,
    show_lines: bool = False,
    paint: Callable[[str, str], str] | None = None,
    header_style: str = "bold",
) -> list[str] | None:
    """The table's lines (without newlines), or None when rich must draw it."""
    heads = [Cell.of(column.header, header_style) for column in columns]
    every = [heads, *rows]
    if any("\t" in text for row in every for cell in row for text, _ in cell.runs):
        return None
    count = len(columns)
    pads = [(0 if i == 0 else 1, 0 if i == count - 1 else 1) for i in range(count)]
    widths = _widths(columns, every, width - 2 - (count - 1), pads)
    if widths is None:
        return None
    inner = [w - left - right for w, (left, right) in zip(widths, pads, strict=True)]
    if min(inner) < 1:
        return None
    blank = _EDGE + _DIVIDER.join(" " * w for w in widths) + _EDGE
    lines = [blank]  # the top edge
    for index, row in enumerate(every):
        header = index == 0
        if index > 1 and show_lines:
            lines.append(blank)
        cells = [
            _cell(cell, w, no_wrap=not column.ratio, fold=column.fold, paint=paint)
            for cell, column, w in zip(row, columns, inner, strict=True)
        ]
        height = max(len(cell) for cell in cells)
        for k, (cell, w) in enumerate(zip(cells, inner, strict=True)):
            missing = [" " * w] * (height - len(cell))
            cells[k] = missing + cell if header else cell + missing  # headers sit at the bottom
        for line_no in range(height):
            parts = [
                " " * left + cells[k][line_no] + " " * right for k, (left, right) in enumerate(pads)
            ]
            lines.append(_EDGE + _DIVIDER.join(parts) + _EDGE)
        if header:
            lines.append(_EDGE + _HEAD_RULE * (sum(widths) + count - 1) + _EDGE)
    lines.append(blank)  # the bottom edge
    return lines


def _widths(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    room: int,
    pads: Sequence[tuple[int, int]],
) -> list[int] | None:
    """rich's ``_calculate_column_widths`` for an expanded table whose widths all come out
    of the ratios (None when they do not fit and rich would start collapsing columns)."""
    fixed = []
    for k, column in enumerate(columns):
        if column.ratio:
            fixed.append(0)
            continue
        # rich measures a cell's lines as ``str.splitlines`` cuts them
        widest = max(
            (cell_len(line) for row in rows for line in row[k].plain.splitlines()), default=0
        )
        fixed.append(min(widest + sum(pads[k]), room))
    ratios = [column.ratio for column in columns if column.ratio]
    if not ratios:
        return None
    # each flexible column at least one cell plus both paddings, as rich counts them
    share = iter(_ratio_distribute(room - sum(fixed), ratios, [3] * len(ratios)))
    widths = [
        next(share) if column.ratio else (w or 1) for w, column in zip(fixed, columns, strict=True)
    ]
    return widths if sum(widths) == room else None


def _ratio_distribute(total: int, ratios: list[int], minimums: list[int]) -> list[int]:
    """rich's ``ratio_distribute``: ``total`` split by ``ratios``, rounding up as it goes."""
    left_ratio = sum(ratios)
    left = total
    shares = []
    for ratio, minimum in zip(ratios, minimums, strict=True):
        share = max(minimum, ceil(ratio * left / left_ratio)) if left_ratio > 0 else left
        shares.append(share)
        left_ratio -= ratio
        left -= share
    return shares


def _cell(
    cell: Cell, width: int, *, no_wrap: bool, fold: bool, paint: Callable[[str, str], str] | None
) -> list[str]:
    """The cell's lines, each exactly ``width`` cells wide (painted if ``paint``)."""
    plain = cell.plain
    out: list[str] = []
    start = 0
    for line in plain.split("\n"):
        for begin, end in _wrap(line, width, no_wrap=no_wrap, fold=fold):
            text = line[begin:end]
            length = cell_len(text)
            tail = ""
            if length > width:
                if fold:
                    text = set_cell_size(text, width)
                else:
                    text = set_cell_size(text, width - 1)
                    tail = _ELLIPSIS
                end = begin + len(text)
            elif length < width:
                tail = " " * (width - length)
            out.append(_paint_span(cell, start + begin, start + end, tail, paint, text))
        start += len(line) + 1
    return out


def _wrap(line: str, width: int, *, no_wrap: bool, fold: bool) -> list[tuple[int, int]]:
    """(start, end) of each piece of ``line``: rich's ``divide_line`` then ``rstrip_end``."""
    if no_wrap or cell_len(line) <= width:
        cuts: list[int] = []
    else:
        cuts = _divide_line(line, width, fold=fold)
    edges = [0, *cuts, len(line)]
    pieces = []
    for begin, end in itertools.pairwise(edges):
        if end - begin > width:  # rich's rstrip_end: trailing space beyond the width goes
            space = _TRAILING_SPACE.search(line, begin, end)
            if space is not None:
                end -= min(end - space.start(), end - begin - width)
        pieces.append((begin, end))
    return pieces


def _divide_line(text: str, width: int, *, fold: bool) -> list[int]:
    """rich._wrap.divide_line: where ``text`` breaks to fit ``width`` cells."""
    measure = len if text.isascii() and text.isprintable() else cell_len
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start = match.start()
        word = match.group()
        length = measure(word.rstrip())
        if width - offset >= length:
            offset += measure(word)
        elif length > width:
            if fold:
                pieces = chop_cells(word, width)
                for k, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if k == len(pieces) - 1:
                        offset = measure(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = measure(word)
        elif offset and start:
            breaks.append(start)
            offset = measure(word)
    return breaks


def _paint_span(
    cell: Cell,
    begin: int,
    end: int,
    tail: str,
    paint: Callable[[str, str], str] | None,
    text: str,
) -> str:
    """``text`` (the cell's ``[begin, end)``) plus ``tail``, in the runs' and cell's styles."""
    if paint is None:
        return text + tail
    parts = []
    at = 0
    for run, style in cell.runs:
        lo, hi = max(at, begin), min(at + len(run), end)
        if lo < hi:
            combined = f"{cell.style} {style}" if cell.style and style else style or cell.style
            parts.append(_painted(run[lo - at : hi - at], combined, paint))
        at += len(run)
    return "".join(parts) + _painted(tail, cell.style, paint)


def _painted(text: str, style: str, paint: Callable[[str, str], str] | None) -> str:
    return paint(text, style) if paint is not None and style and text else text
