"""The human report: rich tables grouped by function, the collection gaps, a summary.

Rendered into a string with a console of a fixed width that ignores the environment
(``COLUMNS``, ``NO_COLOR``, ``FORCE_COLOR``): the caller decides colour and width, so the same
result gives the same bytes everywhere. Without colour the output has no escape codes at all
and reads well in a CI log. Every string from the scanned input goes through ``Text`` (never
markup) with control characters made visible, so a resource name cannot restyle or rewrite
the terminal.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
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


def _severity_cell(finding: Finding) -> Text:
    if finding.status is FindingStatus.UNKNOWN:
        return Text.assemble(
            ("UNKNOWN", UNKNOWN_STYLE), "\n", (f"({finding.severity.label})", "dim")
        )
    return Text(finding.severity.name, style=SEVERITY_STYLE[finding.severity])


def _message_cell(finding: Finding, *, fix_shown: bool) -> Text:
    cell = Text()
    if finding.status is FindingStatus.UNKNOWN:
        cell.append("unknown — could not decide because ", style=UNKNOWN_STYLE)
    cell.append(clean(finding.message))
    for evidence in finding.evidence:
        cell.append("\n")
        cell.append(f"{clean(evidence.label)}: ", style="dim")
        cell.append(clean(evidence.value))
    if finding.remediation.text:
        cell.append("\n")
        cell.append("fix: ", style="bold green")
        if fix_shown:
            cell.append(f"as for {clean(finding.rule_id)} above", style="dim")
        else:
            cell.append(clean(finding.remediation.text))
    return cell


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


def _rule_cell(finding: Finding) -> Text:
    return Text.assemble((clean(finding.rule_id), "bold"), "\n", clean(finding.title))


def _resource_cell(finding: Finding) -> Text:
    cell = Text(clean(finding.resource))
    cell.append("\n")
    if finding.location is not None:
        cell.append(clean(str(finding.location)), style="dim")
    else:
        cell.append("(no file location)", style="dim")
    return cell


def _findings_table(group: FindingGroup, fixes_shown: set[str]) -> Table:
    """Four columns so a 100-column CI log still shows whole addresses and messages.

    A rule's fix is written in full at its first finding in the report only (``fixes_shown``
    is shared by all groups): sixty findings should not repeat the same paragraph sixty times.
    """
    table = Table(
        box=box.SIMPLE_HEAD, show_lines=True, pad_edge=False, header_style="bold", expand=True
    )
    table.add_column("Severity", no_wrap=True)
    table.add_column("Rule", ratio=4)
    table.add_column("Resource / file:line", ratio=6, overflow="fold")
    table.add_column("Message, evidence, fix", ratio=10, overflow="fold")
    for finding in group.findings:
        table.add_row(
            _severity_cell(finding),
            _rule_cell(finding),
            _resource_cell(finding),
            _message_cell(finding, fix_shown=finding.rule_id in fixes_shown),
        )
        fixes_shown.add(finding.rule_id)
    return table


def _gaps_section(gaps: tuple[CollectionGap, ...]) -> Group:
    heading = Text.assemble(
        (f"Collection gaps ({len(gaps)})", GAP_STYLE),
        (
            "  input fnguard could not read or resolve; checks that needed it report"
            " unknown, never a pass",
            "dim",
        ),
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold", expand=True)
    table.add_column("File:line", ratio=3, overflow="fold")
    table.add_column("Resource", ratio=3, overflow="fold")
    table.add_column("Field", ratio=2, min_width=len("environment"), overflow="fold")
    table.add_column("Reason", ratio=5, overflow="fold")
    for gap in gaps:
        table.add_row(
            _t(str(gap.location)),
            _t(gap.resource) if gap.resource else Text("(whole source)", style="dim"),
            _t(gap.field) if gap.field else Text("(all)", style="dim"),
            _t(gap.reason),
        )
    return Group(heading, table)


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
            console.print(_findings_table(group, fixes_shown))
        gaps = sorted_gaps(result.inventory.gaps)
        if gaps:
            console.print()
            console.print(_gaps_section(gaps))
        console.print()
        console.print(_summary_section(result, summary))
        output = buffer.getvalue()
        if not self.color:
            output = "\n".join(line.rstrip() for line in output.splitlines()) + "\n"
        return output
