"""Handler code analysis: taint from the event to sinks, SDK calls -> IAM actions.

``CodeEnricher`` opens each function's code (its source folder, else its package) and hands
it to every analyser that understands the function's language; the facts land in the
inventory for the INJ / SEC / RUN / IAM007 rules.
"""

from __future__ import annotations

import ast
import functools
import importlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from fnguard import limits
from fnguard.artifact import open_artifact, source_tree
from fnguard.code._guard import GuardCover, guard_cover, merge_cover, policy_cover
from fnguard.code._interface import Analyser, CodeFacts, member_location
from fnguard.code._probe import Listing
from fnguard.collect._interface import Enricher
from fnguard.errors import InputError
from fnguard.model import (
    CollectionGap,
    Function,
    HandlerCode,
    Inventory,
    Location,
    PackageType,
    Provider,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from fnguard.artifact import Artifact
    from fnguard.code._probe import Probe

__all__ = [
    "ANALYSERS",
    "MISSING_CODE_FIELD",
    "Analyser",
    "CodeEnricher",
    "CodeFacts",
    "member_location",
]

# The registry: module:class of each analyser, imported when a scan first needs code analysis.
ANALYSERS: tuple[str, ...] = (
    "fnguard.code.python:PythonAnalyser",
    "fnguard.code.sdk:SdkAnalyser",
    "fnguard.code.javascript:JavaScriptAnalyser",
)
# Each analyser's probe (module:object, see ``_probe``): light to import, it answers for a
# function whose handler module is not in the code, so the analyser itself is imported only
# once some handler module is there to read. An analyser without one is always run.
PROBES: dict[str, str] = {
    "fnguard.code.python:PythonAnalyser": "fnguard.code.python._entry:PROBE",
    "fnguard.code.sdk:SdkAnalyser": "fnguard.code.sdk._entry:PROBE",
    "fnguard.code.javascript:JavaScriptAnalyser": "fnguard.code.javascript._entry:PROBE",
}


def _attribute(spec: str) -> object:
    module_name, _, name = spec.partition(":")
    return getattr(importlib.import_module(module_name), name)


def _load(spec: str) -> Analyser:
    return cast("Callable[[], Analyser]", _attribute(spec))()


def _code_path(fn: Function, root: Path | None) -> Path | None:
    raw = fn.package.source_dir or fn.package.path
    if not raw or fn.package_type is PackageType.IMAGE:
        return None
    path = Path(raw)
    if not path.is_absolute() and root is not None:
        path = root / path
    return path


# Google Cloud Functions name only the entry point; the module is fixed by the runtime.
_GCP_MODULES = {"python": "main", "nodejs": "index"}


def _as_module_handler(fn: Function) -> Function:
    """``entry`` -> ``main.entry`` / ``index.entry``, the form the analysers resolve."""
    if fn.provider is not Provider.GCP or not fn.handler or "." in fn.handler:
        return fn
    runtime = (fn.runtime or "").lower()
    module = next((m for prefix, m in _GCP_MODULES.items() if runtime.startswith(prefix)), None)
    return replace(fn, handler=f"{module}.{fn.handler}") if module else fn


MISSING_CODE_FIELD = "code-source"


def _module_missing(gap: CollectionGap) -> bool:
    """The analysers' "handler module ... not found" gaps (the module, not a function in it)."""
    return gap.field == "code" and "handler module" in gap.reason and "not found" in gap.reason


def _bound(analyser: Analyser, inventory: Inventory) -> Analyser:
    """Analysers that resolve names through the inventory (buckets, queues) get it here."""
    bind = getattr(analyser, "with_inventory", None)
    return bind(inventory) if callable(bind) else analyser


def _merge_handlers(handlers: Iterable[HandlerCode]) -> tuple[HandlerCode, ...]:
    """One record per function: analysers of the same language each report what they read."""
    merged: dict[str, HandlerCode] = {}
    for h in handlers:
        seen = merged.get(h.function)
        if seen is None:
            merged[h.function] = h
            continue
        files = tuple(dict.fromkeys((*seen.files, *h.files)))
        dynamic = seen.dynamic_sdk_use or h.dynamic_sdk_use
        merged[h.function] = HandlerCode(seen.function, seen.language, seen.entry, files, dynamic)
    return tuple(merged.values())


def _relative_to(root: Path | None) -> Callable[[Location], Location]:
    """Code locations read like IaC ones: relative to the scanned folder when inside it."""
    prefix = f"{root.resolve().as_posix()}/" if root is not None else None

    @functools.cache
    def inside(archive: str) -> str | None:
        """``archive`` relative to the root, or None when outside it (resolved once each)."""
        path = Path(archive)
        absolute = (path if path.is_absolute() else path.resolve()).as_posix()
        return absolute[len(prefix) :] if prefix and absolute.startswith(prefix) else None

    def relocate(loc: Location) -> Location:
        if prefix is None:
            return loc
        archive, sep, member = loc.file.partition("!/")  # "<archive>!/<member>" or a file
        relative = inside(archive)
        if relative is None:
            return loc
        return Location(f"{relative}{sep}{member}", loc.line)

    return relocate


def _relocated(facts: CodeFacts, relocate: Callable[[Location], Location]) -> CodeFacts:
    if not facts.handlers and not facts.issues and not facts.sdk_calls:
        # Only gaps (a handler module not in the code: most functions of an unbuilt tree):
        # the facts themselves when no gap moves.
        if len(facts.gaps) == 1:  # a probe's answer
            gap = facts.gaps[0]
            moved = _gap_relocated(gap, relocate)
            return facts if moved is gap else CodeFacts(gaps=(moved,))
        gaps = tuple(_gap_relocated(g, relocate) for g in facts.gaps)
        same = all(a is b for a, b in zip(gaps, facts.gaps, strict=True))
        return facts if same else CodeFacts(gaps=gaps)
    return CodeFacts(
        handlers=tuple(
            replace(
                h, entry=relocate(h.entry), files=tuple(relocate(Location(f)).file for f in h.files)
            )
            for h in facts.handlers
        ),
        issues=tuple(
            replace(
                i,
                location=relocate(i.location),
                steps=tuple(replace(s, location=relocate(s.location)) for s in i.steps),
            )
            for i in facts.issues
        ),
        sdk_calls=tuple(replace(c, location=relocate(c.location)) for c in facts.sdk_calls),
        gaps=tuple(_gap_relocated(g, relocate) for g in facts.gaps),
    )


def _gap_relocated(gap: CollectionGap, relocate: Callable[[Location], Location]) -> CollectionGap:
    """A gap whose place stays (a handler module not in the code: most functions of an
    unbuilt tree) is kept as it is."""
    location = relocate(gap.location)
    return gap if location is gap.location else replace(gap, location=location)


# The issues fnguard-runtime's guard can take care of (see ``_credited``).
_GUARDED = frozenset({"INJ006", "RUN003"})


def _cover(fn: Function, artifact: Artifact) -> GuardCover:
    """What fnguard-runtime's guard does for this Python handler (decorator or env policy)."""
    env = next((v.value for v in fn.environment if v.name == "FNGUARD_POLICY"), None)
    from_env = policy_cover(env)
    runtime = (fn.runtime or "").lower()
    module, _, name = (fn.handler or "").rpartition(".")
    if not runtime.startswith("python") or not module:
        return from_env
    member = module.replace(".", "/") + ".py"
    try:
        tree = ast.parse(artifact.read(member, limit=limits.active().max_file_bytes))
    except (InputError, SyntaxError, ValueError):
        return from_env  # the analysers report an unreadable handler themselves
    return merge_cover(guard_cover(tree, name), from_env)


def _credited(facts: CodeFacts, cover: GuardCover) -> CodeFacts:
    """Drop what the guard takes care of: INJ006 when it validates, RUN003 when idempotent."""
    covered = {"INJ006"} if cover.validates else set()
    if cover.idempotent:
        covered.add("RUN003")
    if not covered:
        return facts
    return replace(facts, issues=tuple(i for i in facts.issues if i.rule_id not in covered))


def _open_once(
    opened: dict[Path, Artifact | InputError], path: Path, tree: Path | None
) -> Artifact | InputError:
    """``path`` opened (or why not) once for all the functions whose code it holds."""
    artifact = opened.get(path)
    if artifact is None:
        try:
            artifact = open_artifact(path, follow_within=tree)
        except InputError as exc:
            artifact = exc
        opened[path] = artifact
    return artifact


def _listing(artifact: Artifact) -> Listing | None:
    """The artifact's member names for the probes; None when listing fails (the analysers
    then meet that themselves, as they would without probes)."""
    try:
        names = frozenset(m.name for m in artifact.members() if not m.is_link)
    except Exception:  # whatever it is, each analyser reports or raises it itself
        return None
    return Listing(artifact.path, names)


class _Lane:
    """One analyser in one enrich run: its probe answers first; the analyser is imported, and
    bound to the inventory, only for a function the probe cannot answer."""

    __slots__ = ("_analyser", "_inventory", "_load", "probe")

    def __init__(
        self, probe: Probe | None, load: Callable[[], Analyser], inventory: Inventory
    ) -> None:
        self.probe = probe
        self._load = load
        self._inventory = inventory
        self._analyser: Analyser | None = None

    def analyser(self) -> Analyser:
        if self._analyser is None:
            self._analyser = _bound(self._load(), self._inventory)
        return self._analyser

    def handles(self, fn: Function) -> bool:
        return self.probe.handles(fn) if self.probe is not None else self.analyser().handles(fn)

    def facts(self, fn: Function, artifact: Artifact, listing: Listing | None) -> CodeFacts:
        if self.probe is not None and listing is not None:
            answer = self.probe.answer(fn, listing)
            if answer is not None:
                return answer
        return self.analyser().analyse(fn, artifact)


class CodeEnricher(Enricher):
    name = "analysing handler code"

    def __init__(self, analysers: Sequence[Analyser] | None = None) -> None:
        # Given analysers are run as they are; else the registry's, each behind its probe.
        self._analysers = analysers
        self._loaded: dict[str, Analyser] = {}

    def _registered(self, spec: str) -> Analyser:
        analyser = self._loaded.get(spec)
        if analyser is None:
            analyser = self._loaded[spec] = _load(spec)
        return analyser

    def _lanes(self, inventory: Inventory) -> list[_Lane]:
        if self._analysers is not None:
            return [_Lane(None, functools.partial(_given, a), inventory) for a in self._analysers]
        return [
            _Lane(
                cast("Probe", _attribute(PROBES[spec])) if spec in PROBES else None,
                functools.partial(self._registered, spec),
                inventory,
            )
            for spec in ANALYSERS
        ]

    def enrich(self, inventory: Inventory, root: Path | None) -> Inventory:
        facts: list[CodeFacts] = []
        relocate = _relative_to(root)
        lanes: list[_Lane] | None = None  # made once some code is on disk at all
        tree = source_tree(root)
        # Functions of one service often share one code folder (serverless.yml packages the
        # service): it is opened, and its members listed, once for all of them.
        opened: dict[Path, Artifact | InputError] = {}
        listings: dict[Path, Listing | None] = {}
        # Each code folder's path and whether it is there, looked up once for its functions.
        paths: dict[tuple[str | None, str | None, bool], Path | None] = {}
        try:
            for fn in map(_as_module_handler, inventory.functions):
                if not fn.handler:
                    continue
                key = (fn.package.source_dir, fn.package.path, fn.package_type is PackageType.IMAGE)
                if key in paths:
                    path = paths[key]
                else:
                    path = _code_path(fn, root)
                    path = paths[key] = path if path is not None and path.exists() else None
                if path is None:
                    continue  # not built or not checked out: the package stage reports it once
                if lanes is None:
                    lanes = self._lanes(inventory)
                chosen = [lane for lane in lanes if lane.handles(fn)]
                if not chosen:
                    continue
                artifact = _open_once(opened, path, tree)
                if isinstance(artifact, InputError):
                    gap = CollectionGap(Location(str(path)), str(artifact), fn.address, "code")
                    facts.append(CodeFacts(gaps=(gap,)))
                    continue
                if path not in listings:
                    listings[path] = _listing(artifact)
                found = [lane.facts(fn, artifact, listings[path]) for lane in chosen]
                if any(i.rule_id in _GUARDED for f in found for i in f.issues):
                    # the guard's cover changes only these issues: read when there are some
                    cover = _cover(fn, artifact)
                    found = [_credited(f, cover) for f in found]
                facts.extend(_relocated(f, relocate) for f in found)
        finally:
            for artifact in opened.values():
                if not isinstance(artifact, InputError):
                    artifact.close()
        return _combined(facts)


def _given(analyser: Analyser) -> Analyser:
    return analyser


def _combined(facts: Sequence[CodeFacts]) -> Inventory:
    """The functions' facts as one inventory piece: a handler record per function, and one
    gap where analysers of one language each said the handler is missing."""
    analysed = {h.function for f in facts for h in f.handlers}
    gaps: dict[tuple[str, str], CollectionGap] = {}
    for gap in (g for f in facts for g in f.gaps):
        field = gap.field
        if gap.resource not in analysed and _module_missing(gap):
            # Not built yet (TypeScript before tsc) or not in this checkout: listed once,
            # and the code rules leave the function be, as for a package not on disk.
            field = MISSING_CODE_FIELD
        key = (gap.resource, field)
        if key not in gaps:  # the first gap of a function and field is the one listed
            if field != gap.field:
                gap = CollectionGap(gap.location, gap.reason, gap.resource, field)
            gaps[key] = gap
    return Inventory(
        handlers=_merge_handlers(h for f in facts for h in f.handlers),
        code_issues=tuple(i for f in facts for i in f.issues),
        sdk_calls=tuple(c for f in facts for c in f.sdk_calls),
        gaps=tuple(gaps.values()),
    )
