"""Helpers for the JavaScript analyser tests: write a handler, analyse it, list its flows."""

from __future__ import annotations

import textwrap
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING

from fnguard.artifact import open_artifact
from fnguard.code import CodeFacts
from fnguard.code.javascript import JavaScriptAnalyser
from fnguard.model import CodeIssue, Function, Location, Provider

if TYPE_CHECKING:
    from pathlib import Path

FN = "aws_lambda_function.api"

Analyse = Callable[..., CodeFacts]


def function(handler: str = "index.handler", runtime: str = "nodejs20.x") -> Function:
    return Function(FN, Provider.AWS, Location("main.tf", 3), runtime=runtime, handler=handler)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def flows(
    facts: CodeFacts, *, inj006: bool = False
) -> list[tuple[str, int, str, list[tuple[int, str]]]]:
    """Each issue as (rule, sink line, sink, [(step line, note), ...]), in the order found.

    INJ006 (event data used without validation) accompanies most flows; it is left out
    unless asked for, and tested on its own.
    """
    return [
        (i.rule_id, i.location.line, i.sink, [(s.location.line, s.note) for s in i.steps])
        for i in facts.issues
        if inj006 or i.rule_id != "INJ006"
    ]


def rules(facts: CodeFacts, *, inj006: bool = False) -> list[tuple[str, int]]:
    return [(r, line) for r, line, _, _ in flows(facts, inj006=inj006)]


def issues(facts: CodeFacts) -> list[CodeIssue]:
    """The issues other than INJ006."""
    return [i for i in facts.issues if i.rule_id != "INJ006"]


def only(facts: CodeFacts) -> CodeIssue:
    assert len(facts.issues) == 1, facts.issues
    return facts.issues[0]


def analyse_files(
    root: Path,
    files: dict[str, str],
    handler: str = "index.handler",
    runtime: str = "nodejs20.x",
    zipped: bool = False,
) -> CodeFacts:
    """Write ``files`` under ``root`` (or into ``root``.zip) and analyse them."""
    code = root / "code"
    write(code, files)
    target = code
    if zipped:
        target = root / "code.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for path in sorted(code.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(code).as_posix())
    artifact = open_artifact(target)
    try:
        return JavaScriptAnalyser().analyse(function(handler, runtime), artifact)
    finally:
        artifact.close()
