"""``fnguard policy generate PATH``: the minimal IAM policy a Python handler's code needs.

A plugged CLI command (``HELP``, ``add_arguments``, ``run``). PATH is a handler file, a
folder or a zip; the handler is ``--handler module.function`` or found by the usual names.
Environment variables the code reads come from ``--env KEY=VALUE``; ARNs built from unset
ones get wildcards, and the notes say which.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from fnguard.errors import InputError, UsageError

if TYPE_CHECKING:
    import argparse

    from fnguard.code.sdk import SdkReport

__all__ = ["HELP", "add_arguments", "run"]

HELP = "generate the minimal IAM policy a handler's code needs (from its boto3 calls)"

# Where Lambda's own templates and common frameworks put the handler, in order.
_MODULES = ("lambda_function", "handler", "app", "main", "index", "function")
_FUNCTIONS = ("lambda_handler", "handler", "main")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="policy_command", metavar="COMMAND", parser_class=type(parser))
    sub.required = True
    generate = sub.add_parser("generate", help=HELP, description=HELP)
    generate.add_argument("path", type=Path, metavar="PATH", help="handler file, folder or zip")
    generate.add_argument(
        "--handler",
        metavar="MODULE.FUNCTION",
        help="the handler as Lambda names it (default: lambda_function.lambda_handler, "
        "handler.handler, app.handler, ... whichever exists)",
    )
    generate.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an environment variable the function gets; repeat for several",
    )
    generate.add_argument("--region", help="region for the ARNs (default: '*')")
    generate.add_argument("--account", help="account ID for the ARNs (default: '*')")
    generate.add_argument("--format", choices=("text", "json"), default="text")


def _environment(pairs: list[str]) -> dict[str, str | None]:
    env: dict[str, str | None] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--env {pair!r}: expected KEY=VALUE")
        env[key.strip()] = value
    return env


def _handler_functions(source: Path) -> list[str]:
    try:
        tree = ast.parse(source.read_bytes(), filename=str(source))
    except SyntaxError as exc:
        raise InputError(str(source), exc.lineno or 0, f"cannot parse Python ({exc.msg})") from None
    except OSError as exc:
        raise InputError(str(source), 0, f"cannot read ({exc.strerror})") from None
    return [
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and len(n.args.args) == 2
    ]


def _pick_function(source: Path) -> str:
    found = _handler_functions(source)
    for name in _FUNCTIONS:
        if name in found:
            return name
    if len(found) == 1:
        return found[0]
    raise UsageError(f"{source}: no handler function found; pass --handler module.function")


def _target(path: Path, handler: str | None) -> tuple[Path, str]:
    """The artifact to open and the handler inside it."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_file() and path.suffix == ".py":
        if handler:
            function = handler.rpartition(".")[2]
            return path.parent, f"{path.stem}.{function}"
        return path.parent, f"{path.stem}.{_pick_function(path)}"
    if handler:
        if "." not in handler:
            raise UsageError(f"--handler {handler!r}: expected module.function")
        return path, handler
    if path.is_dir():
        for module in _MODULES:
            source = path / f"{module}.py"
            if source.is_file():
                return path, f"{module}.{_pick_function(source)}"
    raise UsageError(f"{path}: no handler module found; pass --handler module.function")


def _notes(report: SdkReport) -> list[str]:
    notes: list[str] = []
    for name, where in report.unresolved_env.items():
        notes.append(
            f"{name} is not set (used by the call at {where}): its ARNs use '*'; "
            f"pass --env {name}=VALUE"
        )
    notes.extend(f"{why}: the policy may lack what this call needs" for why in report.dynamic)
    notes.extend(
        f"{call} uses credentials other than the execution role's: left out"
        for call in report.foreign
    )
    notes.extend(
        f"{action} is not in the IAM action dataset; kept as the code calls it"
        for action in report.unverified
    )
    notes.extend(
        f"{c.location}: {c.service}.{c.operation} needs no permission"
        for c in report.calls
        if not c.actions
    )
    notes.extend(report.notes)
    return notes


def _document(report: SdkReport, path: Path, handler: str) -> dict[str, Any]:
    from fnguard.code.sdk import minimal_policy

    return {
        "path": path.as_posix(),
        "handler": handler,
        "files": list(report.handler.files),
        "policy": minimal_policy(report.calls),
        "calls": [
            {
                "location": str(c.location),
                "service": c.service,
                "operation": c.operation,
                "actions": list(c.actions),
                "resources": list(c.resources),
            }
            for c in report.calls
        ],
        "dynamic_sdk_use": report.handler.dynamic_sdk_use,
        "notes": _notes(report),
    }


def _text(document: dict[str, Any]) -> str:
    lines = [f"Minimal IAM policy for {document['handler']} in {document['path']}", ""]
    if document["policy"]["Statement"]:
        lines.append(json.dumps(document["policy"], indent=2))
    else:
        lines.append(
            "The code makes no AWS SDK calls that need a permission: nothing beyond what "
            "Lambda itself needs (logs) is required."
        )
    if document["calls"]:
        lines += ["", f"Calls ({len(document['calls'])}):"]
        for call in document["calls"]:
            needs = ", ".join(call["actions"]) or "no permission"
            on = ", ".join(call["resources"])
            target = f" on {on}" if on else ""
            lines.append(
                f"  {call['location']}  {call['service']}.{call['operation']} -> {needs}{target}"
            )
    if document["notes"]:
        lines += ["", "Notes:"]
        lines += [f"  - {note}" for note in document["notes"]]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from fnguard.artifact import open_artifact
    from fnguard.code.sdk import analyse_sdk
    from fnguard.model import Function, Location, Provider

    env = _environment(args.env)
    if args.account is not None and not re.fullmatch(r"\d{12}", args.account):
        raise UsageError(f"--account {args.account!r}: expected a 12-digit account ID")
    if args.region is not None and not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", args.region):
        raise UsageError(f"--region {args.region!r}: expected a region such as eu-west-1")
    root, handler = _target(args.path, args.handler)
    address = f"{args.path.as_posix()}:{handler}"
    if args.region or args.account:
        # The analysis reads the function's region and account from its ARN.
        address = f"arn:aws:lambda:{args.region or '*'}:{args.account or '*'}:function:{handler}"
    fn = Function(
        address=address,
        provider=Provider.AWS,
        location=Location(args.path.as_posix()),
        runtime="python3",
        handler=handler,
    )
    artifact = open_artifact(root)
    try:
        report = analyse_sdk(fn, artifact, env)
    finally:
        artifact.close()
    document = _document(report, args.path, handler)
    if args.format == "json":
        stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        stdout.write(_text(document))
    return 0
