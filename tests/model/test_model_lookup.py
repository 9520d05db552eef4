"""Inventory.lookup: by address, else by ARN, id or name among objects of exactly that type,
the first in address order; each kind indexed when first asked."""

from __future__ import annotations

from fnguard.model import Inventory, Location, LogGroup, Queue, Subnet

_AT = Location("t.yaml", 1)


def _inventory() -> Inventory:
    return Inventory(
        queues=(
            Queue("q.a", _AT, name="jobs", arn="arn:aws:sqs:eu-west-1:111122223333:jobs"),
            Queue("q.b", _AT, name="jobs", arn="arn:aws:sqs:eu-west-1:111122223333:other"),
        ),
        log_groups=(LogGroup("lg.jobs", _AT, name="jobs"),),
        subnets=(Subnet("sn.a", _AT, subnet_id="subnet-1"),),
    )


def test_by_address_arn_id_and_name() -> None:
    inv = _inventory()
    assert inv.lookup(Queue, "q.b") is inv.queues[1]
    assert inv.lookup(Queue, "arn:aws:sqs:eu-west-1:111122223333:other") is inv.queues[1]
    assert inv.lookup(Queue, "jobs") is inv.queues[0]  # the first in address order
    assert inv.lookup(Subnet, "subnet-1") is inv.subnets[0]
    assert inv.lookup(LogGroup, "jobs") is inv.log_groups[0]


def test_only_the_asked_kind_and_nothing_for_unknown_keys() -> None:
    inv = _inventory()
    assert inv.lookup(Subnet, "jobs") is None
    assert inv.lookup(LogGroup, "q.a") is None  # an address of another kind
    assert inv.lookup(Queue, "nope") is None
    assert inv.lookup(Queue, None) is None
    assert inv.lookup(Queue, "") is None


def test_each_kind_is_indexed_when_first_asked() -> None:
    inv = _inventory()
    inv.lookup(Queue, "jobs")
    assert set(inv._aliases) == {Queue}
    inv.lookup(Subnet, "subnet-1")
    assert set(inv._aliases) == {Queue, Subnet}
