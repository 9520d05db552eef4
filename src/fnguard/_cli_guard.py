"""``fnguard guard-policy PATH``: the fnguard-runtime policy a handler needs, from its code.

A plugged CLI command (``HELP``, ``add_arguments``, ``run``). It reads the Python files at
PATH (never importing them) and proposes a ``FNGUARD_POLICY`` document that blocks what the
code was not seen to do: hosts it calls, folders it writes, programs it runs. What it could not
tell (a URL built at run time) is listed so it can be added by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from fnguard.errors import InputError, UsageError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

__all__ = ["HELP", "add_arguments", "run"]

HELP = "propose a fnguard-runtime guard policy from what a handler's code does"
_SKIP = {"node_modules", "site-packages", ".venv", "venv", "__pycache__", ".git"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="PATH", help="a handler file or its folder")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: the policy and why each entry is there; json: the FNGUARD_POLICY document",
    )


def _sources(path: Path) -> Iterator[tuple[str, str]]:
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    for file in files:
        if _SKIP & set(file.parts):
            continue
        try:
            yield file.as_posix(), file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(file.as_posix(), 0, "expected UTF-8 Python source") from None
        except OSError as exc:
            raise InputError(file.as_posix(), 0, f"cannot read ({exc.strerror})") from None


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from fnguard.code._guard import describe, propose_policy

    path: Path = args.path
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    sources = list(_sources(path))
    if not sources:
        raise UsageError(f"{path}: no Python files to read")
    proposal = propose_policy(sources)
    document = json.dumps(proposal.document(), indent=2, sort_keys=True)
    if args.format == "json":
        stdout.write(document + "\n")
        return 0
    stdout.write(f"# fnguard-runtime policy for {path} (set it as FNGUARD_POLICY)\n")
    stdout.write(document + "\n\n# why\n")
    for line in describe(proposal):
        stdout.write(f"# {line}\n")
    return 0
