"""Helpers for the Python analyser tests: run it on a folder or on sources written inline."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnguard.artifact import open_artifact
from fnguard.code.python import PythonAnalyser
from fnguard.model import Function, Location, Provider

if TYPE_CHECKING:
    from fnguard.code import CodeFacts

HANDLERS = Path(__file__).parent / "handlers"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9 ]+)")


def function(handler: str = "app.handler", **kwargs: Any) -> Function:
    values: dict[str, Any] = {"runtime": "python3.12", "handler": handler}
    values.update(kwargs)
    return Function("aws_lambda_function.fn", Provider.AWS, Location("main.tf", 1), **values)


def analyse(folder: Path, handler: str = "app.handler", **kwargs: Any) -> CodeFacts:
    artifact = open_artifact(folder)
    try:
        return PythonAnalyser().analyse(function(handler, **kwargs), artifact)
    finally:
        artifact.close()


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source).lstrip("\n"))
    return folder


def analyse_source(folder: Path, source: str, **more: str) -> CodeFacts:
    return analyse(write(folder, {"app.py": source, **more}))


def found(facts: CodeFacts, rule: str | None = None) -> set[tuple[str, int]]:
    return {(i.rule_id, i.location.line) for i in facts.issues if rule is None or i.rule_id == rule}


def expected(files: tuple[str, ...]) -> set[tuple[str, str, int]]:
    """(rule, file, line) for every ``# expect: RULE ...`` marker in the files."""
    marks: set[tuple[str, str, int]] = set()
    for file in files:
        for number, line in enumerate(Path(file).read_text().splitlines(), 1):
            match = _EXPECT.search(line)
            if match:
                marks.update((rule, file, number) for rule in match.group(1).split())
    return marks
