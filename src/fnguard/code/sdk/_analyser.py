"""The SDK analyser: a Python handler's boto3 calls -> ``SdkCall`` records for IAM007.

``analyse_sdk`` returns everything the analysis learnt (the CLI prints its notes);
``SdkAnalyser`` is the ``Analyser`` the code enricher runs, turning that into ``CodeFacts``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard.code._interface import CodeFacts
from fnguard.code.sdk import SDK_GAP_FIELD
from fnguard.code.sdk._entry import handles
from fnguard.code.sdk._program import load_program
from fnguard.errors import InputError
from fnguard.model import CollectionGap, Function, HandlerCode, Location, SdkCall

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fnguard.artifact import Artifact
    from fnguard.code.sdk._values import Value
    from fnguard.model import Inventory

__all__ = ["SdkAnalyser", "SdkReport", "analyse_sdk"]


@dataclass(frozen=True)
class SdkReport:
    """Everything one handler's SDK analysis learnt: the calls feed IAM007; the rest is what
    ``fnguard policy generate`` notes beside its policy (what it may lack, what was left out)."""

    handler: HandlerCode
    calls: tuple[SdkCall, ...]
    dynamic: tuple[str, ...] = ()  # "file:line: why" of each call the analysis could not resolve
    notes: tuple[str, ...] = ()
    unresolved_env: Mapping[str, str] = field(default_factory=dict)  # variable -> where read
    foreign: tuple[str, ...] = ()  # calls made with credentials other than the role's
    unverified: tuple[str, ...] = ()  # actions the IAM dataset does not list


def _unset(value: Value) -> tuple[str, ...]:
    from fnguard.code.sdk._values import Dict, Text

    if isinstance(value, Text):
        return value.unset
    if isinstance(value, Dict):
        return tuple(name for _, item in value.items for name in _unset(item))
    return ()


def _entry(tree: ast.Module, name: str) -> int:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return node.lineno
    return 0


def analyse_sdk(
    fn: Function,
    artifact: Artifact,
    environment: Mapping[str, str | None] | None = None,
    inventory: Inventory | None = None,
) -> SdkReport:
    """Analyse ``fn.handler`` in ``artifact``; raises ``InputError`` if it cannot be read.

    ``environment`` overrides the function's own; ``inventory`` resolves environment
    references and the trigger-fixed parts of the event (the bucket of S3 notifications).
    """
    program = load_program(artifact, fn.handler or "")
    # The walker and the SDK tables load once some handler module is there to walk: a tree
    # whose code is not built yet needs only the "not found" above.
    from fnguard.code.sdk._environment import environment_of, event_values, where_of
    from fnguard.code.sdk._mapping import needs_of
    from fnguard.code.sdk._walker import walk_program

    env = environment_of(fn, inventory) if environment is None else dict(environment)
    walk = walk_program(program, env, event_values(fn, inventory))
    where = where_of(fn)
    main = program.modules[program.handler_module]
    calls: list[SdkCall] = []
    foreign: list[str] = []
    unverified: list[str] = []
    unresolved: dict[str, str] = {}
    for raw in walk.calls:
        location = Location(raw.file, raw.line)
        for _, value in raw.params:
            for name in _unset(value):
                unresolved.setdefault(name, str(location))
        if raw.foreign:
            foreign.append(f"{location}: {raw.service}.{raw.operation}")
            continue
        needs = needs_of(raw, where)
        if not needs:
            calls.append(SdkCall(fn.address, location, raw.service, raw.operation, (), ()))
        for need in needs:
            calls.append(
                SdkCall(
                    fn.address, location, raw.service, raw.operation, need.actions, need.resources
                )
            )
            unverified.extend(need.unverified)
    notes = list(program.notes) + walk.notes
    if not _entry(main.tree, program.handler_function):
        notes.append(f"{main.file}: no function {program.handler_function}() at module level")
    dynamic = [
        *walk.dynamic,
        *(f"{reason} (its SDK calls are unknown)" for reason in program.unparsed),
    ]
    handler = HandlerCode(
        function=fn.address,
        language="python",
        entry=Location(main.file, _entry(main.tree, program.handler_function)),
        files=tuple(m.file for m in program.modules.values()),
        dynamic_sdk_use=bool(dynamic),
    )
    return SdkReport(
        handler=handler,
        calls=tuple(calls),
        dynamic=tuple(dynamic),
        notes=tuple(notes),
        unresolved_env=unresolved,
        foreign=tuple(foreign),
        unverified=tuple(dict.fromkeys(unverified)),
    )


class SdkAnalyser:
    """boto3 use in Python handlers -> the IAM actions and resources the code needs."""

    language = "python"

    def __init__(self, inventory: Inventory | None = None) -> None:
        # With the inventory, environment variables that reference other declared
        # resources (a bucket, a queue) resolve to their names.
        self._inventory = inventory

    def with_inventory(self, inventory: Inventory) -> SdkAnalyser:
        """The same analyser resolving environment references through ``inventory``."""
        return SdkAnalyser(inventory)

    def handles(self, fn: Function) -> bool:
        return handles(fn)

    def analyse(self, fn: Function, artifact: Artifact) -> CodeFacts:
        try:
            report = analyse_sdk(fn, artifact, inventory=self._inventory)
        except InputError as exc:
            gap = CollectionGap(fn.location, str(exc), fn.address, "code")
            return CodeFacts(gaps=(gap,))
        gaps = tuple(
            CollectionGap(
                report.handler.entry,
                f"SDK use the analysis cannot resolve: {why}",
                fn.address,
                SDK_GAP_FIELD,
            )
            for why in report.dynamic
        )
        return CodeFacts(handlers=(report.handler,), sdk_calls=report.calls, gaps=gaps)
