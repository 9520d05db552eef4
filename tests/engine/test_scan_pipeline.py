"""The pipeline on fakes: collectors and rules are injected, so nothing here parses HCL."""

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from fnguard.baseline import Baseline
from fnguard.collect import Collector
from fnguard.config import Config
from fnguard.iam import Decision
from fnguard.model import (
    CollectionGap,
    Finding,
    Function,
    Inventory,
    Location,
    Policy,
    Provider,
    Remediation,
    Severity,
    Suppression,
)
from fnguard.rules import Mappings, Rule, RuleContext, RuleMeta
from fnguard.scan import ScanRequest, scan


class NoPermissions:
    def identity_allows(
        self, policies: Sequence[Policy], action: str, resource: str = "*"
    ) -> Decision:
        return Decision(False)

    def resource_allows_anonymous(
        self, statements: Sequence[Mapping[str, Any]], action: str, resource: str = "*"
    ) -> Decision:
        return Decision(False)

    def expand_action(self, pattern: str) -> tuple[str, ...]:
        return ()

    def access_level(self, action: str) -> str | None:
        return None


class FakeCollector(Collector):
    name = "fake"

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.seen: list[Path] = []

    def claims(self, path: Path) -> bool:
        return path.suffix == ".fake"

    def collect(self, paths: Sequence[Path], root: Path) -> Inventory:
        self.seen.extend(paths)
        return self.inventory


def fn(name: str, memory: int) -> Function:
    return Function(
        address=f"fake_function.{name}",
        provider=Provider.AWS,
        location=Location("app.fake", 1),
        memory_mb=memory,
    )


def big_memory_rule(rule_id: str = "LIM001", impact: int = 6) -> Rule:
    meta = RuleMeta(
        id=rule_id,
        title="memory too big",
        impact=impact,
        description="d",
        remediation=Remediation("lower it"),
        mappings=Mappings(iso27001=("A.8.6",)),
    )

    def check(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
        for f in inv.functions:
            if f.memory_mb and f.memory_mb > ctx.thresholds.memory_max_mb:
                yield meta.finding(
                    resource=f.address, location=f.location, message="too big", function=f
                )

    return Rule(meta, check)


def request(tmp_path: Path, inventory: Inventory, **kwargs: Any) -> ScanRequest:
    (tmp_path / "app.fake").write_text("")
    base: dict[str, Any] = {
        "targets": (tmp_path,),
        "config": Config(),
        "collectors": (FakeCollector(inventory),),
        "rules": (big_memory_rule(),),
        "permissions": NoPermissions(),
    }
    base.update(kwargs)
    return ScanRequest(**base)


def test_findings_flow_from_inventory_through_rules(tmp_path: Path) -> None:
    inv = Inventory(functions=(fn("a", 20000), fn("b", 512)))
    result = scan(request(tmp_path, inv))
    assert [f.resource for f in result.findings] == ["fake_function.a"]
    assert result.findings[0].severity is Severity.MEDIUM
    assert [r.id for r in result.rules] == ["LIM001"]
    assert result.inventory.functions == inv.functions


def test_ignored_rules_do_not_run(tmp_path: Path) -> None:
    inv = Inventory(functions=(fn("a", 20000),))
    result = scan(request(tmp_path, inv, config=Config(ignore=("LIM",))))
    assert result.findings == ()
    assert result.rules == ()


def test_severity_override(tmp_path: Path) -> None:
    inv = Inventory(functions=(fn("a", 20000),))
    config = Config(severity_overrides={"LIM001": Severity.CRITICAL})
    result = scan(request(tmp_path, inv, config=config))
    assert result.findings[0].severity is Severity.CRITICAL


def test_suppression_with_reason_hides_finding(tmp_path: Path) -> None:
    sup = Suppression("LIM001", "fake_function.a", "batch job needs it", Location("app.fake", 1))
    inv = Inventory(functions=(fn("a", 20000),), suppressions=(sup,))
    result = scan(request(tmp_path, inv))
    assert result.findings == ()
    assert result.suppressed == 1


def test_suppression_without_reason_is_reported_not_honoured(tmp_path: Path) -> None:
    sup = Suppression("LIM001", "fake_function.a", "  ", Location("app.fake", 1))
    inv = Inventory(functions=(fn("a", 20000),), suppressions=(sup,))
    result = scan(request(tmp_path, inv))
    assert [f.rule_id for f in result.findings] == ["LIM001"]
    assert result.suppressed == 0
    gap = result.inventory.gaps[-1]
    assert gap.field == "suppression" and "has no reason" in gap.reason


def test_baseline_hides_known_findings_only(tmp_path: Path) -> None:
    inv = Inventory(functions=(fn("a", 20000), fn("b", 30000)))
    first = scan(request(tmp_path, Inventory(functions=(fn("a", 20000),))))
    baseline = Baseline.of(first.findings)
    result = scan(request(tmp_path, inv, baseline=baseline))
    assert [f.resource for f in result.findings] == ["fake_function.b"]
    assert result.baselined == 1


def test_findings_sorted_by_severity_then_rule(tmp_path: Path) -> None:
    inv = Inventory(functions=(fn("a", 20000),))
    rules = (big_memory_rule("LIM001", 6), big_memory_rule("IAM001", 10))
    result = scan(request(tmp_path, inv, rules=rules))
    assert [f.rule_id for f in result.findings] == ["IAM001", "LIM001"]


def twice_rule(impacts: tuple[int, ...]) -> Rule:
    """One finding per function, made again with each impact: the same fact reached twice."""
    meta = big_memory_rule().meta

    def check(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
        for f in inv.functions:
            for impact in impacts:
                yield meta.finding(
                    resource=f.address, location=f.location, message="m", function=f, impact=impact
                )

    return Rule(meta, check)


def test_the_same_fact_twice_is_reported_once_as_first_found(tmp_path: Path) -> None:
    inv = Inventory(functions=(fn("a", 1), fn("b", 1)))
    result = scan(request(tmp_path, inv, rules=(twice_rule((9, 2)),)))
    assert [(f.resource, f.impact) for f in result.findings] == [
        ("fake_function.a", 9),
        ("fake_function.b", 9),
    ]


def test_the_same_fact_twice_is_reported_once_with_an_override_too(tmp_path: Path) -> None:
    inv = Inventory(functions=(fn("a", 1),))
    config = Config(severity_overrides={"LIM001": Severity.LOW})
    result = scan(request(tmp_path, inv, rules=(twice_rule((2, 9)),), config=config))
    assert [(f.impact, f.severity) for f in result.findings] == [(2, Severity.LOW)]


def test_collector_gaps_are_kept(tmp_path: Path) -> None:
    gap = CollectionGap(Location("app.fake", 4), "var.x has no value", "fake_function.a", "role")
    result = scan(request(tmp_path, Inventory(gaps=(gap,))))
    assert gap in result.inventory.gaps
