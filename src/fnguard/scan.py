"""The scan pipeline: sources -> collectors -> inventory -> rules -> findings -> ScanResult.

Everything the pipeline needs (collectors, rules, the permission checker, the date, a
progress sink) is passed in, so tests run it with fakes and the CLI with the real parts.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fnguard import __version__, _fork, limits
from fnguard.discover import discover
from fnguard.errors import RuleError, UsageError
from fnguard.model import CollectionGap, Finding, Inventory, Suppression
from fnguard.result import RuleInfo, ScanResult

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from fnguard.baseline import Baseline
    from fnguard.collect import Collector, Enricher
    from fnguard.config import Config
    from fnguard.iam import PermissionChecker
    from fnguard.rules import Rule, RuleContext

__all__ = ["HELP_URI", "Progress", "ScanRequest", "enrich", "run_rules", "scan"]

HELP_URI = "https://github.com/fnguard/fnguard/blob/main/docs/rules.md#{rule}"


class Progress(Protocol):
    """Where the pipeline reports how far it got; the CLI draws it, tests ignore it."""

    def stage(self, label: str, total: int) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class _Silent:
    def stage(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


@dataclass(frozen=True)
class ScanRequest:
    """Everything one scan needs, passed in rather than looked up: the CLI fills it with the real
    parts, tests with fakes."""

    targets: tuple[Path, ...]
    config: Config
    collectors: tuple[Collector, ...]
    # The rules, or what loads them: loaded after collection (see ``fnguard._fork``).
    rules: tuple[Rule, ...] | Callable[[], tuple[Rule, ...]]
    # The checker, or what makes it (made after collection, like ``rules``).
    permissions: PermissionChecker | Callable[[], PermissionChecker]
    baseline: Baseline | None = None
    today: _dt.date | None = None
    # Inventory read without paths (a live account); merged before the collected files.
    inventory: Inventory | None = None
    # Stages after collection (packages, advisories, handler code), run in this order; or
    # what makes them (made after collection).
    enrichers: tuple[Enricher, ...] | Callable[[], tuple[Enricher, ...]] = ()
    # --artifact FUNCTION=PATH: a local build to check as that function's code.
    artifacts: Mapping[str, Path] = dataclasses.field(default_factory=dict)
    # Work on each new finding that may run in a forked rules worker (reporters' ``prime``).
    prime: Callable[[Finding], None] | None = None


def collect(
    targets: Sequence[Path], collectors: Sequence[Collector], progress: Progress
) -> Inventory:
    pieces: list[Inventory] = []
    for target in targets:
        found = discover(target, collectors)
        pieces.append(Inventory(gaps=found.gaps))
        progress.stage(f"reading {target}", found.file_count)
        for collector in collectors:
            paths = found.claimed.get(collector.name)
            if paths:
                pieces.append(collector.collect(paths, found.root))
                progress.advance(len(paths))
    return Inventory.combine(pieces)


def use_artifacts(inventory: Inventory, artifacts: Mapping[str, Path]) -> Inventory:
    """Point the named functions' packages at local builds (by address, name or ARN)."""
    if not artifacts:
        return inventory
    functions = list(inventory.functions)
    for key, path in artifacts.items():
        hits = [i for i, fn in enumerate(functions) if key in (fn.address, fn.name)]
        if not hits:
            names = ", ".join(sorted(fn.name or fn.address for fn in functions)[:8])
            raise UsageError(
                f"--artifact {key}={path}: no scanned function is named {key!r}"
                + (f" (found: {names}, ...)" if names else " (no functions were found)")
            )
        for i in hits:
            fn = functions[i]
            package = dataclasses.replace(fn.package, path=str(path.resolve()), source_dir=None)
            functions[i] = dataclasses.replace(fn, package=package)
    return dataclasses.replace(inventory, functions=tuple(functions))


def enrich(inventory: Inventory, request: ScanRequest, progress: Progress) -> Inventory:
    """Run each enricher on everything gathered so far, merging what it adds."""
    inventory = use_artifacts(inventory, request.artifacts)
    root = request.targets[0] if len(request.targets) == 1 else None
    if root is not None and root.is_file():
        root = root.parent
    stages = request.enrichers() if callable(request.enrichers) else request.enrichers
    for enricher in stages:
        progress.stage(enricher.name, 1)
        inventory = inventory.merge(enricher.enrich(inventory, root))
        progress.advance()
    return inventory


#: below this many functions a forked half of the rules saves less than the fork costs
_FORK_MIN_FUNCTIONS = 200

#: rules that ask the permission checker about each function's role: shared out first, so
#: they fall to one process together and each role's policies are compiled there, not in both
#: (~19 ms of CPU on the 1,000-function serverless corpus)
_ROLE_RULES = frozenset(
    {"IAM001", "IAM002", "IAM003", "IAM004", "IAM008", "IAM009", "NET003", "RUN001"}
)


def run_rules(
    inventory: Inventory,
    rules: Sequence[Rule],
    ctx: RuleContext,
    progress: Progress,
    prime: Callable[[Finding], None] | None = None,
) -> list[Finding]:
    """Every rule's findings, in rule order. On a big inventory the rules are shared with a
    forked child (they are pure functions of the inventory); a rule's crash is reported
    exactly as without the fork: the first crashing rule in rule order is named. ``prime``
    sees each finding where it was found."""
    progress.stage("checking rules", len(rules))

    def one(i: int) -> list[Finding]:
        found = _check(rules[i], inventory, ctx)
        for finding in found:  # kept in each finding: a forked child's come back computed
            _ = finding.fingerprint, finding.severity, finding.order
            if prime is not None:
                prime(finding)
        return found

    if len(inventory.functions) >= _FORK_MIN_FUNCTIONS and len(rules) > 1 and _fork.can_fork():
        order = sorted(range(len(rules)), key=lambda i: rules[i].meta.id not in _ROLE_RULES)

        def shared(k: int) -> list[Finding] | None:
            try:
                return one(order[k])
            except RuleError:
                return None  # done again below, in rule order, where it raises

        answers = _fork.share(len(rules), shared, progress.advance)
        by_rule: list[list[Finding] | None] = [None] * len(rules)
        for k, i in enumerate(order):
            by_rule[i] = answers[k]
        found = [one(i) if answer is None else answer for i, answer in enumerate(by_rule)]
    else:
        found = []
        for i in range(len(rules)):
            found.append(one(i))
            progress.advance()
    return [finding for answer in found for finding in answer]


def _check(rule: Rule, inventory: Inventory, ctx: RuleContext) -> list[Finding]:
    try:
        return list(rule.check(inventory, ctx))
    except Exception as exc:  # a rule crash is a fnguard bug: name it, don't hide it
        raise RuleError(f"rule {rule.meta.id} failed: {type(exc).__name__}: {exc}") from exc


def _suppressed(finding: Finding, suppressions: dict[tuple[str, str], Suppression]) -> bool:
    for resource in (finding.resource, finding.function):
        if resource and (finding.rule_id, resource) in suppressions:
            return True
    return False


def scan(request: ScanRequest, progress: Progress | None = None) -> ScanResult:
    started = time.perf_counter()
    sink = progress or _Silent()
    with limits.use(request.config.limits):
        inventory = collect(request.targets, request.collectors, sink)
        if request.inventory is not None:
            inventory = request.inventory.merge(inventory)
        inventory = enrich(inventory, request, sink)

    # Inline suppressions must say why; one without a reason is reported, not honoured.
    honoured: dict[tuple[str, str], Suppression] = {}
    notes: list[CollectionGap] = []
    for sup in inventory.suppressions:
        if sup.reason.strip():
            honoured[(sup.rule_id, sup.resource)] = sup
        else:
            notes.append(
                CollectionGap(
                    sup.location,
                    f"fnguard:ignore[{sup.rule_id}] has no reason and is not applied; "
                    f"write `fnguard:ignore[{sup.rule_id}] <why>`",
                    resource=sup.resource,
                    field="suppression",
                )
            )
    if notes:
        inventory = inventory.merge(Inventory(gaps=tuple(notes)))

    from fnguard.rules import RuleContext  # with the rules: after collection (fnguard._fork)

    config = request.config
    loaded = request.rules() if callable(request.rules) else request.rules
    rules = tuple(r for r in loaded if config.rule_enabled(r.meta.id))
    ctx = RuleContext(
        thresholds=config.thresholds,
        permissions=(
            request.permissions() if callable(request.permissions) else request.permissions
        ),
        today=request.today or _dt.date.today(),
    )
    raw = run_rules(inventory, rules, ctx, sink, request.prime)

    # The same fact reached twice (e.g. two formats) is kept once, where first found.
    unique: dict[str, Finding] = {}
    for finding in raw:
        unique.setdefault(finding.fingerprint, finding)
    suppressed = baselined = 0
    overrides = config.severity_overrides
    if not overrides and not honoured and request.baseline is None:
        kept = list(unique.values())  # the usual scan: nothing to weigh each finding against
    else:
        kept = []
        for finding in unique.values():
            override = overrides.get(finding.rule_id)
            if override is not None:
                finding = dataclasses.replace(finding, severity_override=override)
            if _suppressed(finding, honoured):
                suppressed += 1
            elif request.baseline is not None and finding in request.baseline:
                baselined += 1
            else:
                kept.append(finding)

    return ScanResult(
        tool_version=__version__,
        targets=(
            *(str(t) for t in request.targets),
            *(request.inventory.sources if request.inventory else ()),
        ),
        inventory=inventory,
        findings=tuple(kept),
        rules=tuple(rule_info(r) for r in rules),
        suppressed=suppressed,
        baselined=baselined,
        duration_s=round(time.perf_counter() - started, 3),
    )


def rule_info(rule: Rule) -> RuleInfo:
    meta = rule.meta
    return RuleInfo(
        id=meta.id,
        title=meta.title,
        impact=meta.impact,
        description=meta.description,
        remediation_text=meta.remediation.text,
        help_uri=HELP_URI.format(rule=meta.id.lower()),
    )
