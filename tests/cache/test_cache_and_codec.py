"""The on-disk cache (atomic, tolerant of damage) and the JSON codec it stores pieces with."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from fnguard._codec import decode, encode
from fnguard.cache import Cache
from fnguard.model import (
    Architecture,
    CollectionGap,
    EnvVar,
    Function,
    Inventory,
    Location,
    Policy,
    PolicyKind,
    Provider,
    Role,
)

if TYPE_CHECKING:
    from pathlib import Path


def _inventory() -> Inventory:
    fn = Function(
        address="arn:aws:lambda:eu-west-1:1:function:f",
        provider=Provider.AWS,
        location=Location("aws://1/eu-west-1/lambda/f"),
        architectures=(Architecture.ARM64,),
        environment=(EnvVar("TOKEN", "x", is_reference=False),),
        tags={"team": "a"},
        memory_mb=None,
    )
    role = Role(
        address="r",
        provider=Provider.AWS,
        location=Location("main.tf", 3),
        policies=(
            Policy(
                name="p",
                kind=PolicyKind.INLINE,
                document={"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
            ),
        ),
    )
    gap = CollectionGap(Location("x"), "lambda:GetPolicy answered 404", fn.address, "permissions")
    return Inventory(functions=(fn,), roles=(role,), gaps=(gap,), sources=("aws://1/eu-west-1",))


def test_an_inventory_survives_a_json_round_trip() -> None:
    original = _inventory()
    assert decode(Inventory, json.loads(json.dumps(encode(original)))) == original


def test_decoding_refuses_values_of_the_wrong_type() -> None:
    data = encode(_inventory())
    data["functions"][0]["memory_mb"] = "lots"
    with pytest.raises(ValueError, match="int"):
        decode(Inventory, data)


def test_entries_are_found_by_key_and_expire(tmp_path: Path) -> None:
    cache = Cache("t", tmp_path)
    cache.put_json("k", {"a": 1})
    assert cache.get_json("k") == {"a": 1}
    assert cache.get_json("other") is None
    assert Cache("t", tmp_path, max_age_s=-1).get_json("k") is None


def test_a_damaged_entry_reads_as_absent(tmp_path: Path) -> None:
    cache = Cache("t", tmp_path)
    cache.put_json("k", [1, 2])
    cache.path_for("k", ".json").write_text('{"key": "k", "val', encoding="utf-8")
    assert cache.get_json("k") is None


def test_an_interrupted_write_leaves_nothing_behind(tmp_path: Path) -> None:
    cache = Cache("t", tmp_path)
    with pytest.raises(KeyboardInterrupt), cache.writer("k", ".bin") as handle:
        handle.write(b"half")
        raise KeyboardInterrupt
    assert list(cache.folder.iterdir()) == []
    assert cache.get_file("k", ".bin") is None
