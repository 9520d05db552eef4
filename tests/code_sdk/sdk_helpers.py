"""Shared helpers for the SDK analysis tests: write a handler folder, analyse it."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from fnguard.artifact import open_artifact
from fnguard.code.sdk import SdkReport, analyse_sdk
from fnguard.model import EnvVar, Function, Location, Provider

if TYPE_CHECKING:
    from pathlib import Path


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def function(
    handler: str = "app.handler",
    env: dict[str, str | None] | None = None,
    address: str = "aws_lambda_function.fn",
) -> Function:
    return Function(
        address,
        Provider.AWS,
        Location("main.tf", 1),
        runtime="python3.12",
        handler=handler,
        environment=tuple(EnvVar(k, v) for k, v in (env or {}).items()),
    )


def analyse(
    folder: Path,
    files: dict[str, str],
    handler: str = "app.handler",
    env: dict[str, str | None] | None = None,
    address: str = "aws_lambda_function.fn",
) -> SdkReport:
    write(folder, files)
    artifact = open_artifact(folder)
    try:
        return analyse_sdk(function(handler, env, address), artifact)
    finally:
        artifact.close()


def needs(report: SdkReport) -> set[tuple[str, str]]:
    """Every (action, resource) pair the report's calls need."""
    return {(a, r) for c in report.calls for a in c.actions for r in c.resources}


def ops(report: SdkReport) -> set[tuple[str, str]]:
    return {(c.service, c.operation) for c in report.calls}
