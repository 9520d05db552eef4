"""Handler code analysis: taint from the event to sinks, SDK calls -> IAM actions.

``CodeEnricher`` opens each function's code (its source folder, else its package) and hands
it to every analyser that understands the function's language; the facts land in the
inventory for the INJ / SEC / RUN / IAM007 rules.
"""

from __future__ import annotations

import ast
import functools
import importlib
import os
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from fnguard import limits
from fnguard.artifact import open_artifact, source_tree
from fnguard.code._disk import Folders, joined
from fnguard.code._guard import GuardCover, guard_cover, merge_cover, policy_cover
from fnguard.code._interface import Analyser, CodeFacts, member_location
from fnguard.code._probe import Listing, code_gap
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
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from fnguard.artifact import Artifact
    from fnguard.code._probe import Probe
    from fnguard.model import CodeIssue, SdkCall

__all__ = [
    "ANALYSERS",
    "MISSING_CODE_FIELD",
    "PROBES",
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
PROBES: Mapping[str, str] = MappingProxyType(
    {
        "fnguard.code.python:PythonAnalyser": "fnguard.code.python._entry:PROBE",
        "fnguard.code.sdk:SdkAnalyser": "fnguard.code.sdk._entry:PROBE",
        "fnguard.code.javascript:JavaScriptAnalyser": "fnguard.code.javascript._entry:PROBE",
    }
)


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
    return gap.field == "code" and _says_missing(gap.reason)


def _says_missing(reason: str) -> bool:
    """Whether a ``field="code"`` gap's ``reason`` is ``_module_missing``'s."""
    return "handler module" in reason and "not found" in reason


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
    """Code locations read like IaC ones: relative to the scanned folder when inside it.

    Paths are made absolute as written, never through a symbolic link (``os.path.abspath``,
    not ``resolve``): a service whose ``src`` links to another folder shows its code under its
    own folder, as its IaC names it, and the same whether the folder was given relative or
    absolute (resolving followed links for a relative one only)."""
    prefix = f"{Path(os.path.abspath(root)).as_posix()}/" if root is not None else None  # noqa: PTH100

    @functools.cache
    def inside(archive: str) -> str | None:
        """``archive`` relative to the root, or None when outside it (worked out once each)."""
        absolute = Path(os.path.abspath(archive)).as_posix()  # noqa: PTH100
        return absolute[len(prefix) :] if prefix and absolute.startswith(prefix) else None

    moved: dict[str, str | None] = {}  # file -> where it moves (None: it stays)

    def relocate(loc: Location) -> Location:
        if prefix is None:
            return loc
        file = loc.file
        if file in moved:  # most locations are a few IaC files, each asked once
            shown = moved[file]
        else:
            archive, sep, member = file.partition("!/")  # "<archive>!/<member>" or a file
            relative = inside(archive)
            shown = moved[file] = None if relative is None else f"{relative}{sep}{member}"
        return loc if shown is None else Location(shown, loc.line)

    return relocate


def _relocated(facts: CodeFacts, relocate: Callable[[Location], Location]) -> CodeFacts:
    if not facts.handlers and not facts.issues and not facts.sdk_calls:
        # Only gaps (a handler module not in the code: most functions of an unbuilt tree):
        # the facts themselves when no gap moves.
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

    __slots__ = ("_analyser", "_inventory", "_load", "handles", "probe")

    def __init__(
        self, probe: Probe | None, load: Callable[[], Analyser], inventory: Inventory
    ) -> None:
        self.probe = probe
        self._load = load
        self._inventory = inventory
        self._analyser: Analyser | None = None
        self.handles: Callable[[Function], bool] = (
            probe.handles if probe is not None else self._analyser_handles
        )

    def analyser(self) -> Analyser:
        if self._analyser is None:
            self._analyser = _bound(self._load(), self._inventory)
        return self._analyser

    def _analyser_handles(self, fn: Function) -> bool:
        return self.analyser().handles(fn)


# A probe's gap before it is made: (location, already relocated; reason; resource; whether
# the reason says the module is not there), its field "code" (see ``code_gap``) unless
# ``_Found.inventory`` lists it as the missing code.
_Said = tuple[Location, str, str, bool]


class _Found:
    """What the probes and analysers said, in function and analyser order."""

    __slots__ = ("calls", "gaps", "handlers", "issues")

    def __init__(self) -> None:
        self.handlers: list[HandlerCode] = []
        self.issues: list[CodeIssue] = []
        self.calls: list[SdkCall] = []
        # A probe's gap stays a ``_Said`` until its field is known: it is made once, not
        # once as field "code" and again as the missing code.
        self.gaps: list[CollectionGap | _Said] = []

    def add(self, facts: CodeFacts) -> None:
        self.handlers.extend(facts.handlers)
        self.issues.extend(facts.issues)
        self.calls.extend(facts.sdk_calls)
        self.gaps.extend(facts.gaps)

    def inventory(self) -> Inventory:
        """One inventory piece: a handler record per function, and one gap where analysers
        of one language each said the handler is missing."""
        analysed = {h.function for h in self.handlers}
        gaps: dict[tuple[str, str], CollectionGap] = {}
        for said in self.gaps:
            if isinstance(said, tuple):
                location, reason, resource, absent = said
                field = MISSING_CODE_FIELD if absent and resource not in analysed else "code"
                key = (resource, field)
                if key not in gaps:
                    gaps[key] = CollectionGap(location, reason, resource, field)
                continue
            gap = said
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
            handlers=_merge_handlers(self.handlers),
            code_issues=tuple(self.issues),
            sdk_calls=tuple(self.calls),
            gaps=tuple(gaps.values()),
        )


class CodeEnricher(Enricher):
    name = "analysing handler code"

    def __init__(self, analysers: Sequence[Analyser] | None = None) -> None:
        # Given analysers are run as they are; else the registry's, each behind its probe.
        self._analysers = analysers
        self._loaded: dict[str, Analyser] = {}

    def preload(self) -> None:
        """Import the registry's probes now (~1.5 ms), not when the first function's code is
        looked at: for a caller whose time is free now (a parent waiting on forked work)."""
        if self._analysers is None:
            for spec in ANALYSERS:
                if spec in PROBES:
                    _attribute(PROBES[spec])

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
        found = _Found()
        relocate = _relative_to(root)
        choose: Callable[[Function], list[_Lane]] | None = None  # once some code is on disk
        tree = source_tree(root)
        # Functions of one service often share one code folder (serverless.yml packages the
        # service): it is opened, and its members listed, once for all of them.
        opened: dict[Path, Artifact | InputError] = {}
        sites: dict[Path, _Site] = {}
        on_disk = _OnDisk(root)
        # Each code folder's path and whether it is there, looked up once for its functions.
        paths: dict[tuple[str | None, str | None, bool], _Site | None] = {}
        try:
            for each in inventory.functions:
                # (a call per function only where a Cloud Function's module is to be named)
                fn = _as_module_handler(each) if each.provider is Provider.GCP else each
                if not fn.handler:
                    continue
                key = (fn.package.source_dir, fn.package.path, fn.package_type is PackageType.IMAGE)
                site = paths.get(key, _UNSEEN)
                if site is _UNSEEN:
                    site = paths[key] = _site(fn, root, on_disk, sites)
                if site is None:
                    continue  # not built or not checked out: the package stage reports it once
                if choose is None:
                    choose = _chooser(self._lanes(inventory))
                chosen = choose(fn)
                if not chosen:
                    continue
                artifact = site.open(opened, tree)
                if isinstance(artifact, InputError):
                    gap = CollectionGap(Location(str(site.path)), str(artifact), fn.address, "code")
                    found.gaps.append(gap)
                    continue
                _analyse(fn, artifact, site.listing, chosen, found, relocate)
        finally:
            for artifact in opened.values():
                if not isinstance(artifact, InputError):
                    artifact.close()
        return found.inventory()


class _Site:
    """Where some functions' code is on disk: opened, and listed, when one first needs it."""

    __slots__ = ("_artifact", "listing", "path")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._artifact: Artifact | InputError | None = None
        self.listing: Listing | None = None

    def open(
        self, opened: dict[Path, Artifact | InputError], tree: Path | None
    ) -> Artifact | InputError:
        if self._artifact is None:
            self._artifact = _open_once(opened, self.path, tree)
            if not isinstance(self._artifact, InputError):
                self.listing = _listing(self._artifact)
        return self._artifact


_UNSEEN = _Site(Path())


class _OnDisk:
    """Which code paths are certainly not there, from the folders above them: most code
    paths of an unbuilt tree are below one that is not (a source or build folder per
    function), and they are answered without a ``Path`` or a system call each."""

    __slots__ = ("_base", "_folders")

    def __init__(self, root: Path | None) -> None:
        self._base = root.as_posix() if root is not None else "."
        self._folders = Folders()

    def below_absent(self, raw: str) -> bool:
        """True only when ``_code_path`` of a function naming ``raw`` cannot exist."""
        text = joined(self._base, raw)  # None when pathlib must decide (absolute, odd parts)
        return text is not None and self._folders.below_absent(text)


def _site(
    fn: Function, root: Path | None, on_disk: _OnDisk, sites: dict[Path, _Site]
) -> _Site | None:
    """Where ``fn``'s code is, when it is on disk (one ``_Site`` per distinct place)."""
    raw = fn.package.source_dir or fn.package.path
    if raw and on_disk.below_absent(raw):
        return None
    path = _code_path(fn, root)
    if path is None or not path.exists():
        return None
    return sites.setdefault(path, _Site(path))


def _analyse(
    fn: Function,
    artifact: Artifact,
    listing: Listing | None,
    lanes: list[_Lane],
    found: _Found,
    relocate: Callable[[Location], Location],
) -> None:
    """Each lane's say on ``fn`` into ``found``, in lane order: its probe's gap, else its
    analyser's facts (less what fnguard-runtime's guard takes care of)."""
    held: list[CollectionGap | CodeFacts] | None = None  # from the first analyser's facts on
    guarded = False
    missing = False  # a probe said the handler module is not there
    for lane in lanes:
        probe = lane.probe
        if probe is not None and listing is not None:
            if missing and probe.module_absent(fn, listing):
                continue  # its "not found" too: only the first of a function's is kept
            reason = probe.reason(fn, listing)
            if reason is not None:  # its gap: code_gap(fn, fn.location, reason)
                absent = _says_missing(reason)
                missing = missing or absent
                if held is None:
                    found.gaps.append((relocate(fn.location), reason, fn.address, absent))
                else:
                    held.append(code_gap(fn, fn.location, reason))
                continue
        facts = lane.analyser().analyse(fn, artifact)
        guarded = guarded or any(i.rule_id in _GUARDED for i in facts.issues)
        held = [facts] if held is None else [*held, facts]
    if held is None:
        return
    cover = _cover(fn, artifact) if guarded else None  # read only when it changes something
    for said in held:
        if isinstance(said, CollectionGap):
            found.gaps.append(_gap_relocated(said, relocate))
        else:
            found.add(_relocated(said if cover is None else _credited(said, cover), relocate))


def _chooser(lanes: list[_Lane]) -> Callable[[Function], list[_Lane]]:
    """The lanes taking a function. Probes decide from the provider, package type and
    runtime alone, so with a probe in every lane each combination is asked once."""
    if any(lane.probe is None for lane in lanes):
        return lambda fn: [lane for lane in lanes if lane.handles(fn)]
    known: dict[tuple[Provider, PackageType, str | None], list[_Lane]] = {}

    def choose(fn: Function) -> list[_Lane]:
        key = (fn.provider, fn.package_type, fn.runtime)
        chosen = known.get(key)
        if chosen is None:
            chosen = known[key] = [lane for lane in lanes if lane.handles(fn)]
        return chosen

    return choose


def _given(analyser: Analyser) -> Analyser:
    return analyser


def _combined(facts: Sequence[CodeFacts]) -> Inventory:
    """The functions' facts as one inventory piece (see ``_Found.inventory``)."""
    found = _Found()
    for f in facts:
        found.add(f)
    return found.inventory()
