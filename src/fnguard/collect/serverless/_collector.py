"""The Serverless Framework collector: serverless.yml -> variables -> CloudFormation -> model."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fnguard.collect._fork import collect_shared
from fnguard.collect._interface import Collector
from fnguard.collect.cloudformation import collect_compiled, decode, line_of, read_source
from fnguard.collect.serverless import CLAIMED_NAMES, NAME
from fnguard.collect.serverless._compile import Compiled, compile_service
from fnguard.collect.serverless._names import ROLE_ID
from fnguard.collect.serverless._variables import Problem, Variables
from fnguard.errors import InputError
from fnguard.model import CollectionGap, Inventory, Location

__all__ = ["ServerlessCollector"]

# serverless.yml key -> the model field a problem in it makes unknown.
_FIELDS = {
    "environment": "environment",
    "role": "role",
    "iam": "policies",
    "iamRoleStatements": "policies",
    "iamManagedPolicies": "policies",
    "kmsKeyArn": "kms_key_arn",
    "vpc": "vpc",
    "tracing": "tracing_mode",
    "runtime": "runtime",
    "memorySize": "memory_mb",
    "timeout": "timeout_s",
    "layers": "layers",
    "events": "triggers",
    "url": "triggers",
    "package": "package",
    "image": "package",
    "onError": "dead_letter_target",
    "destinations": "on_failure_destination",
    "reservedConcurrency": "reserved_concurrency",
    "logs": "logging",
    "architecture": "architectures",
}


class ServerlessCollector(Collector):
    """``serverless.yml`` / ``serverless.yaml`` / ``serverless.json`` services (v3 and v4)."""

    name = NAME

    def claims(self, path: Path) -> bool:
        return path.name.lower() in CLAIMED_NAMES

    def collect(self, paths: Sequence[Path], root: Path) -> Inventory:
        root_abs = Path(os.path.abspath(root))  # noqa: PTH100 - no symlink resolution per file
        return collect_shared(
            paths, root, lambda path, rel, prefix: collect_service(path, rel, root_abs, prefix)
        )


def collect_service(path: Path, rel: str, root: Path, prefix: str = "") -> Inventory:
    """One service's inventory; ``prefix`` keeps logical IDs of several services apart."""
    text = read_source(path, rel)
    if isinstance(text, Inventory):
        return text
    if not text.strip():
        raise InputError(rel, 1, "expected a Serverless Framework service, found an empty file")
    try:
        config = decode(text, rel)
    except InputError as exc:  # the decoder speaks of templates; this file is a service
        expected = exc.expected.replace("a template (a mapping with Resources)", "a mapping")
        raise InputError(rel, exc.line, expected.replace("template", "service")) from None
    variables = Variables(config, path.parent, root, text=text)
    try:
        resolved = variables.resolved()
    except RecursionError:
        raise InputError(rel, 0, "expected a service nested less deeply") from None
    if not isinstance(resolved, Mapping):
        raise InputError(rel, line_of(config, 1), "expected a mapping at the top level")
    compiled = compile_service(resolved, rel)
    gaps = _problem_gaps(variables.problems, compiled, rel, prefix)
    gaps.extend(
        CollectionGap(Location(rel, line), reason, prefix + address if address else "", field)
        for address, line, reason, field in compiled.notes
    )
    inventory = collect_compiled(
        compiled.template(), compiled.raws, text, rel, compiled.spans, prefix, path.parent
    )
    return inventory.merge(Inventory(gaps=tuple(gaps)))


def _problem_gaps(
    problems: list[Problem], compiled: Compiled, rel: str, prefix: str
) -> list[CollectionGap]:
    out: list[CollectionGap] = []
    functions = compiled.function_ids
    for problem in problems:
        location = Location(rel, problem.line)
        for address, field in _owners(problem.path, functions):
            out.append(
                CollectionGap(location, problem.message, prefix + address if address else "", field)
            )
    return out


def _owners(path: tuple[str, ...], functions: Mapping[str, str]) -> list[tuple[str, str]]:
    """Which resources and fields an unresolved variable at ``path`` leaves unknown."""
    head: Any = path[0] if path else ""
    if head == "functions" and len(path) >= 2 and path[1] in functions:
        field = _FIELDS.get(path[2], path[2]) if len(path) >= 3 else ""
        return [(functions[path[1]], field)]
    if head == "provider" and len(path) >= 2:
        if path[1] in ("iam", "iamRoleStatements", "iamManagedPolicies"):
            if (
                len(path) >= 4
                and path[2] == "role"
                and path[3] not in ("statements", "managedPolicies")
            ):
                return [(fn, "role") for fn in functions.values()]
            return [(ROLE_ID, "policies")]
        field = _FIELDS.get(path[1], path[1])
        return [(fn, field) for fn in functions.values()] or [("", field)]
    if head == "resources" and len(path) >= 3 and path[1] == "Resources":
        field = path[4].lower() if len(path) >= 5 and path[3] == "Properties" else ""
        return [(path[2], field)]
    return [("", "variables")]
