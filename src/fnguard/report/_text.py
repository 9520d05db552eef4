"""The human report: rich tables grouped by function, the collection gaps, a summary.

Rendered into a string with a console of a fixed width that ignores the environment
(``COLUMNS``, ``NO_COLOR``, ``FORCE_COLOR``): the caller decides colour and width, so the same
result gives the same bytes everywhere. Without colour the output has no escape codes at all
and reads well in a CI log. Every string from the scanned input goes through ``Text`` (never
markup) with control characters made visible, so a resource name cannot restyle or rewrite
the terminal.
"""

from __future__ import annotations

import functools
import io
import re
from typing import TYPE_CHECKING

from rich import box
from rich.color import ColorSystem
from rich.console import Console, Group
from rich.style import Style
from rich.table import Table
from rich.text import Text

from fnguard.model import FindingStatus, Severity
from fnguard.report._common import (
    FindingGroup,
    Summary,
    function_location,
    group_by_function,
    sorted_gaps,
    summarize,
)
from fnguard.report._interface import Reporter
from fnguard.report._table import Cell, Column, table_lines

if TYPE_CHECKING:
    from fnguard.model import CollectionGap, Finding
    from fnguard.result import ScanResult

__all__ = ["TextReporter"]

SEVERITY_STYLE: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
UNKNOWN_STYLE = "bold magenta"
GAP_STYLE = "bold magenta"

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean(text: str) -> str:
    """Control characters shown as ``\\xNN`` so input text cannot drive the terminal (and lone
    surrogates from undecodable file names as ``\\u`` escapes, so the report can be encoded).
    """
    return _CONTROL.sub(_escape, text)


def _t(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


def _severity_cell(finding: Finding) -> Cell:
    if finding.status is FindingStatus.UNKNOWN:
        return Cell(
            (("UNKNOWN", UNKNOWN_STYLE), ("\n", ""), (f"({finding.severity.label})", "dim"))
        )
    return Cell.of(finding.severity.name, SEVERITY_STYLE[finding.severity])


def _message_cell(finding: Finding, *, fix_shown: bool) -> Cell:
    runs: list[tuple[str, str]] = []
    if finding.status is FindingStatus.UNKNOWN:
        runs.append(("unknown — could not decide because ", UNKNOWN_STYLE))
    runs.append((clean(finding.message), ""))
    for evidence in finding.evidence:
        runs += (("\n", ""), (f"{clean(evidence.label)}: ", "dim"), (clean(evidence.value), ""))
    if finding.remediation.text:
        runs += (("\n", ""), ("fix: ", "bold green"))
        if fix_shown:
            runs.append((f"as for {clean(finding.rule_id)} above", "dim"))
        else:
            runs.append((clean(finding.remediation.text), ""))
    return Cell(tuple(runs))


def _group_heading(group: FindingGroup, result: ScanResult) -> Text:
    count = len(group.findings)
    noun = "finding" if count == 1 else "findings"
    if group.function is None:
        return Text.assemble(("Not tied to one function", "bold"), (f"  {count} {noun}", "dim"))
    heading = Text.assemble(("Function ", "bold"), (clean(group.function), "bold"))
    location = function_location(result.inventory, group.function)
    if location is not None:
        heading.append(f"  {clean(str(location))}", style="dim")
    heading.append(f"  {count} {noun}", style="dim")
    return heading


def _rule_cell(finding: Finding) -> Cell:
    return Cell(((clean(finding.rule_id), "bold"), ("\n", ""), (clean(finding.title), "")))


def _resource_cell(finding: Finding) -> Cell:
    where = clean(str(finding.location)) if finding.location is not None else "(no file location)"
    return Cell(((clean(finding.resource), ""), ("\n", ""), (where, "dim")))


#: the findings table: four columns so a 100-column CI log still shows whole addresses and
#: messages
_FINDING_COLUMNS = (
    Column("Severity"),
    Column("Rule", ratio=4),
    Column("Resource / file:line", ratio=6, fold=True),
    Column("Message, evidence, fix", ratio=10, fold=True),
)
_GAP_COLUMNS = (
    Column("File:line", ratio=3, fold=True),
    Column("Resource", ratio=3, fold=True),
    Column("Field", ratio=2, fold=True),
    Column("Reason", ratio=5, fold=True),
)


def _finding_rows(group: FindingGroup, fixes_shown: set[str]) -> list[tuple[Cell, ...]]:
    """A rule's fix is written in full at its first finding in the report only (``fixes_shown``
    is shared by all groups): sixty findings should not repeat the same paragraph sixty times.
    """
    rows: list[tuple[Cell, ...]] = []
    for finding in group.findings:
        rows.append(
            (
                _severity_cell(finding),
                _rule_cell(finding),
                _resource_cell(finding),
                _message_cell(finding, fix_shown=finding.rule_id in fixes_shown),
            )
        )
        fixes_shown.add(finding.rule_id)
    return rows


def _gap_rows(gaps: tuple[CollectionGap, ...]) -> list[tuple[Cell, ...]]:
    return [
        (
            Cell.of(clean(str(gap.location))),
            Cell.of(clean(gap.resource)) if gap.resource else Cell.of("(whole source)", "dim"),
            Cell.of(clean(gap.field)) if gap.field else Cell.of("(all)", "dim"),
            Cell.of(clean(gap.reason)),
        )
        for gap in gaps
    ]


def _rich_table(
    columns: tuple[Column, ...], rows: list[tuple[Cell, ...]], *, show_lines: bool
) -> Table:
    """The same table drawn by rich: where ``table_lines`` declines (a tab, a tiny width)."""
    table = Table(
        box=box.SIMPLE_HEAD,
        show_lines=show_lines,
        pad_edge=False,
        header_style="bold",
        expand=True,
    )
    for column in columns:
        table.add_column(
            column.header,
            ratio=column.ratio or None,
            no_wrap=not column.ratio,
            overflow="fold" if column.fold else "ellipsis",
        )
    for row in rows:
        table.add_row(*(Text.assemble(*cell.runs, style=cell.style) for cell in row))
    return table


def _gaps_heading(gaps: tuple[CollectionGap, ...]) -> Text:
    return Text.assemble(
        (f"Collection gaps ({len(gaps)})", GAP_STYLE),
        (
            "  input fnguard could not read or resolve; checks that needed it report"
            " unknown, never a pass",
            "dim",
        ),
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _verdict(summary: Summary) -> Text:
    """One line that says what the result means, so an empty table is never read as a pass."""
    if summary.total == 0 and summary.gaps == 0:
        if summary.functions == 0:
            return Text(
                "No functions were found in the targets: nothing was checked.", "bold yellow"
            )
        return Text("No findings: nothing was found at all.", style="bold green")
    parts = []
    if summary.failed:
        parts.append(_plural(summary.failed, "finding"))
    if summary.unknown:
        parts.append(f"{_plural(summary.unknown, 'check')} that could not decide")
    if summary.gaps:
        parts.append(_plural(summary.gaps, "collection gap"))
    verdict = Text("Result: ", style="bold")
    verdict.append(", ".join(parts), style="bold red" if summary.failed else GAP_STYLE)
    if not summary.failed:
        verdict.append(
            ". No confirmed finding, but this is not a clean result: part of the input was"
            " not checked.",
            style="bold",
        )
    return verdict


def _summary_section(result: ScanResult, summary: Summary) -> Group:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    severities = Text()
    for i, (severity, count) in enumerate(summary.by_severity):
        if i:
            severities.append(", ")
        severities.append(
            f"{count} {severity.label}", style=SEVERITY_STYLE[severity] if count else ""
        )
    grid.add_row("Findings", severities)
    grid.add_row(
        "Unknown", Text(str(summary.unknown), style=UNKNOWN_STYLE if summary.unknown else "")
    )
    grid.add_row(
        "Collection gaps", Text(str(summary.gaps), style=GAP_STYLE if summary.gaps else "")
    )
    grid.add_row("Functions scanned", str(summary.functions))
    grid.add_row("Files read", str(summary.sources))
    grid.add_row("Rules run", str(summary.rules))
    grid.add_row("Suppressed", str(summary.suppressed))
    grid.add_row("Baselined", str(summary.baselined))
    grid.add_row("Duration", f"{result.duration_s:.2f} s")
    parts: list[Text | Table] = [
        Text("Summary", style="bold underline"),
        grid,
        Text(),
        _verdict(summary),
    ]
    if summary.total:
        parts.append(
            Text(
                "Run `fnguard explain RULE` for the fix as Terraform, CloudFormation and CLI.",
                style="dim",
            )
        )
    return Group(*parts)


@functools.cache
def _ansi(style: str) -> tuple[str, str]:
    """The escape codes rich writes before and after text in ``style`` (16 colours)."""
    before, _, after = (
        Style.parse(style).render("\0", color_system=ColorSystem.STANDARD).partition("\0")
    )
    return before, after


def _paint(text: str, style: str) -> str:
    before, after = _ansi(style)
    return f"{before}{text}{after}"


class TextReporter(Reporter):
    format = "text"
    extension = "txt"

    def __init__(self, *, color: bool = False, width: int = 120) -> None:
        self.color = color
        self.width = width

    def _console(self, buffer: io.StringIO) -> Console:
        return Console(
            file=buffer,
            force_terminal=self.color,
            force_interactive=False,
            color_system="standard" if self.color else None,
            no_color=not self.color,
            width=self.width,
            markup=False,
            emoji=False,
            highlight=False,
            soft_wrap=False,
            legacy_windows=False,
            _environ={},
        )

    def _table(
        self,
        console: Console,
        buffer: io.StringIO,
        columns: tuple[Column, ...],
        rows: list[tuple[Cell, ...]],
        *,
        show_lines: bool,
    ) -> None:
        paint = _paint if self.color else None
        lines = table_lines(columns, rows, self.width, show_lines=show_lines, paint=paint)
        if lines is None:
            console.print(_rich_table(columns, rows, show_lines=show_lines))
        else:  # between prints the console holds nothing back: the order is kept
            buffer.write("\n".join(lines) + "\n")

    def render(self, result: ScanResult) -> str:
        buffer = io.StringIO()
        console = self._console(buffer)
        summary = summarize(result)
        heading = Text.assemble(("fnguard ", "bold"), clean(result.tool_version))
        if result.targets:
            heading.append("  scanned: ", style="dim")
            heading.append(clean(", ".join(result.targets)))
        console.print(heading)
        fixes_shown: set[str] = set()
        for group in group_by_function(result.findings):
            console.print()
            console.print(_group_heading(group, result))
            rows = _finding_rows(group, fixes_shown)
            self._table(console, buffer, _FINDING_COLUMNS, rows, show_lines=True)
        gaps = sorted_gaps(result.inventory.gaps)
        if gaps:
            console.print()
            console.print(_gaps_heading(gaps))
            self._table(console, buffer, _GAP_COLUMNS, _gap_rows(gaps), show_lines=False)
        console.print()
        console.print(_summary_section(result, summary))
        output = buffer.getvalue()
        if not self.color:
            output = "\n".join(line.rstrip() for line in output.splitlines()) + "\n"
        return output
