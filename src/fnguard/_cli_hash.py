"""``fnguard hash FILE``: the SHA-256 of a deployment package, in both forms tools print it.

A plugged CLI command (``HELP``, ``add_arguments``, ``run``). Lambda's ``CodeSha256`` and
Terraform's ``filebase64sha256`` / ``source_code_hash`` are base64 of the digest; ``sha256sum``
and ``filesha256`` print hex. A folder has no such hash (Lambda hashes the zip it receives,
and two zips of one folder differ by timestamps and order), so a folder is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from fnguard.errors import InputError, UsageError

if TYPE_CHECKING:
    import argparse

__all__ = ["HELP", "add_arguments", "run"]

HELP = "print a package's SHA-256 in hex and in base64 (Lambda CodeSha256, filebase64sha256)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the zip (or image archive)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    # here, not at the top: every command's parser imports this module (zipfile and friends
    # would cost every scan ~10 ms before it starts)
    from fnguard.artifact import code_sha256, sha256_file

    path: Path = args.file
    if path.is_dir():
        raise UsageError(
            f"{path} is a folder: Lambda hashes the zip it is given (CodeSha256), so zip it "
            "the way it is deployed and hash the zip"
        )
    try:
        hex_digest = sha256_file(path)
    except FileNotFoundError:
        raise InputError(str(path), 0, "no such file") from None
    except OSError as exc:
        raise InputError(str(path), 0, f"cannot read ({exc.strerror})") from None
    base64_digest = code_sha256(hex_digest)
    if args.format == "json":
        document = {
            "file": path.as_posix(),
            "sha256_hex": hex_digest,
            "sha256_base64": base64_digest,
        }
        stdout.write(json.dumps(document, indent=2) + "\n")
        return 0
    stdout.write(
        f"{path.as_posix()}\n"
        f"  sha256 (hex):    {hex_digest}  (sha256sum, filesha256)\n"
        f"  sha256 (base64): {base64_digest}  "
        "(Lambda CodeSha256, filebase64sha256, source_code_hash)\n"
    )
    return 0
