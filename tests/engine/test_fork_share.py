"""The forked work queue: same answers, same order, same errors as doing it all in-process."""

from __future__ import annotations

import datetime as dt
import mmap
import os
import time

import pytest

from fnguard import _fork, scan
from fnguard.config import Config, Thresholds
from fnguard.errors import RuleError
from fnguard.iam import default_checker
from fnguard.model import Finding, Function, Inventory, Location, Provider, Severity
from fnguard.rules import Rule, RuleContext, all_rules

pytestmark = pytest.mark.skipif(not _fork.can_fork(), reason="needs fork and two CPUs")


def test_share_returns_every_answer_in_order_and_counts_progress() -> None:
    ticks: list[int] = []
    parent = os.getpid()

    def work(i: int) -> tuple[int, int]:
        time.sleep(0.002)  # slow enough that the child is up before the queue is empty
        return i * i, os.getpid()

    answers = _fork.share(200, work, ticks.append)
    assert [a for a, _ in answers] == [i * i for i in range(200)]
    assert sum(ticks) == 200
    # the queue really is shared: some items were done by the child
    assert {pid for _, pid in answers} - {parent}


def test_an_item_failing_in_the_child_is_redone_here_and_raises_here() -> None:
    parent = os.getpid()

    def work(i: int) -> int:
        if i == 3 and os.getpid() != parent:
            raise RuntimeError("child-only failure")
        if i == 5:
            raise ValueError("item 5 is bad")
        return i

    with pytest.raises(ValueError, match="item 5 is bad"):
        _fork.share(10, work, lambda n: None)
    assert _fork.share(5, work, lambda n: None) == [0, 1, 2, 3, 4]


def test_a_child_that_dies_leaves_its_items_to_the_caller() -> None:
    parent = os.getpid()

    def work(i: int) -> int:
        if os.getpid() != parent:
            os._exit(9)  # the child dies without an answer
        return -i

    assert _fork.share(50, work, lambda n: None) == [-i for i in range(50)]


def _functions(count: int) -> Inventory:
    return Inventory(
        functions=tuple(
            Function(
                address=f"aws_lambda_function.f{i}",
                provider=Provider.AWS,
                name=f"f{i}",
                location=Location("main.tf", i + 1),
            )
            for i in range(count)
        )
    )


def _ctx() -> RuleContext:
    return RuleContext(Thresholds(), default_checker(), dt.date(2026, 11, 26))


class _Quiet:
    def stage(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


def test_rules_forked_give_the_findings_of_rules_run_alone() -> None:
    inventory = _functions(scan._FORK_MIN_FUNCTIONS)
    rules = all_rules()
    forked = scan.run_rules(inventory, rules, _ctx(), _Quiet())
    alone = [f for rule in rules for f in rule.check(inventory, _ctx())]
    assert forked == alone
    assert any(f.severity >= Severity.LOW for f in forked)


def test_every_finding_is_primed_where_it_was_found_even_in_the_child() -> None:
    inventory = _functions(scan._FORK_MIN_FUNCTIONS)
    here = os.getpid()

    def prime(finding: Finding) -> None:
        finding.__dict__["_primed_in"] = os.getpid()
        if os.getpid() == here:
            time.sleep(0.001)  # this process slower: the child surely finds some

    found = scan.run_rules(inventory, all_rules(), _ctx(), _Quiet(), prime)
    where = {f.__dict__.get("_primed_in") for f in found}
    assert None not in where  # none missed, the child's come back with theirs
    assert here in where and len(where) == 2  # both processes found some
    assert all("fingerprint" in f.__dict__ for f in found)


def test_a_crashing_rule_is_named_whether_or_not_it_ran_in_the_child() -> None:
    def crash(inventory: Inventory, ctx: RuleContext) -> list[object]:
        raise KeyError("boom")

    good = all_rules()[:6]
    bad = Rule(good[0].meta, crash)  # type: ignore[arg-type]
    rules = (*good, bad, *good)
    with pytest.raises(RuleError, match=rf"rule {good[0].meta.id} failed: KeyError"):
        scan.run_rules(_functions(scan._FORK_MIN_FUNCTIONS), rules, _ctx(), _Quiet())


def test_of_two_crashing_rules_the_first_in_rule_order_is_named() -> None:
    def crash(inventory: Inventory, ctx: RuleContext) -> list[object]:
        raise KeyError("boom")

    good = all_rules()[:8]
    first = Rule(good[1].meta, crash)  # type: ignore[arg-type]
    last = Rule(good[6].meta, crash)  # type: ignore[arg-type]
    rules = (good[0], first, *good[2:6], last, good[7])
    with pytest.raises(RuleError, match=rf"rule {good[1].meta.id} failed"):
        scan.run_rules(_functions(scan._FORK_MIN_FUNCTIONS), rules, _ctx(), _Quiet())


def test_both_ends_meet_and_nothing_is_left_undone() -> None:
    parent = os.getpid()
    for count in (1, 2, 3, 17):
        answers = _fork.share(count, lambda i: (i, os.getpid() == parent), lambda n: None)
        assert [i for i, _ in answers] == list(range(count))


def test_tasks_registered_while_forked_run_here_once_the_child_is_working() -> None:
    ran: list[int] = []
    _fork.while_forked(lambda: ran.append(os.getpid()))

    def work(i: int) -> int:
        time.sleep(0.001)
        return i

    assert _fork.share(20, work, lambda n: None) == list(range(20))
    assert ran == [os.getpid()]
    _fork.run_idle()  # nothing left to run
    assert ran == [os.getpid()]


def test_a_scan_request_may_carry_a_rule_loader() -> None:
    loads: list[int] = []

    def loader() -> tuple[Rule, ...]:
        loads.append(1)
        return all_rules()

    inventory = _functions(3)
    request = scan.ScanRequest(
        targets=(),
        config=Config(),
        collectors=(),
        rules=loader,
        inventory=inventory,
        permissions=default_checker(),
        today=dt.date(2026, 11, 26),
    )
    result = scan.scan(request)
    assert loads == [1] and len(result.rules) == len(all_rules())


def test_a_child_sends_on_the_way_and_the_caller_takes_it_without_waiting() -> None:
    go_on = mmap.mmap(-1, 1)  # shared: the caller sets it once it has the first message

    def work() -> str:
        _fork.send("first")
        deadline = time.monotonic() + 10
        while not go_on[0] and time.monotonic() < deadline:
            time.sleep(0.001)
        _fork.send("second")
        return "done"

    pending = _fork.start(work)
    got: list[object] = []
    deadline = time.monotonic() + 10
    while not got and time.monotonic() < deadline:
        got = pending.received()
        time.sleep(0.001)
    assert got == ["first"]  # while the child still works
    go_on[0] = 1
    assert pending.result() == "done"
    assert pending.received() == ["second"]
    assert pending.received() == []


def test_a_message_torn_by_a_dying_child_is_dropped_whole_ones_kept() -> None:
    def work() -> str:
        _fork.send("whole")
        assert _fork._writer is not None
        os.write(_fork._writer, (1000).to_bytes(8, "little") + b"\x80\x05only part")
        os._exit(1)

    pending = _fork.start(work)
    with pytest.raises(_fork.ForkFailedError):
        pending.result()
    assert pending.received() == ["whole"]


def test_a_child_that_dies_midway_leaves_only_its_unsent_items() -> None:
    parent = os.getpid()

    def work(i: int) -> tuple[int, int]:
        pid = os.getpid()
        if pid != parent and i == 20:
            os._exit(9)
        time.sleep(0.002)
        return -i, pid

    answers = _fork.share(60, work, lambda n: None)
    assert [a for a, _ in answers] == [-i for i in range(60)]
    assert {pid for _, pid in answers} - {parent}, "what the child sent before dying is kept"


def test_send_outside_a_forked_child_is_refused() -> None:
    with pytest.raises(RuntimeError, match="only a child"):
        _fork.send("x")


def test_role_rules_are_shared_out_first_but_crashes_are_named_in_rule_order() -> None:
    def crash(inventory: Inventory, ctx: RuleContext) -> list[object]:
        raise KeyError("boom")

    catalog = {r.meta.id: r for r in all_rules()}
    early = Rule(catalog["EXP001"].meta, crash)  # type: ignore[arg-type]
    role = Rule(catalog["IAM001"].meta, crash)  # type: ignore[arg-type]
    assert "IAM001" in scan._ROLE_RULES and "EXP001" not in scan._ROLE_RULES
    rules = (catalog["EXP002"], early, catalog["LOG001"], role, catalog["NET003"])
    with pytest.raises(RuleError, match=r"rule EXP001 failed"):
        scan.run_rules(_functions(scan._FORK_MIN_FUNCTIONS), rules, _ctx(), _Quiet())
