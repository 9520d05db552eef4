"""Functions naming one folder join its target without looking it up again: the target,
its function list and its order are what the full lookup gives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.collect.package._locate import locate
from fnguard.model import Function, Inventory, Location, PackageRef, PackageType, Provider

if TYPE_CHECKING:
    from pathlib import Path


def _fn(address: str, source: str, file: str) -> Function:
    return Function(
        address=address,
        provider=Provider.AWS,
        location=Location(file, 3),
        runtime="python3.12",
        handler="app.handler",
        package=PackageRef(path=source, source_dir=source),
        package_type=PackageType.ZIP,
    )


def test_one_folder_named_many_ways_is_one_target(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "app.py").write_text("def handler(e, c):\n    return e\n")
    (tmp_path / "alias").symlink_to(tmp_path / "svc")
    inventory = Inventory(
        functions=(
            _fn("a", "svc", "svc/serverless.yml"),
            _fn("b", "svc", "svc/serverless.yml"),
            _fn("c", "alias", "svc/serverless.yml"),  # another key, the same folder
            _fn("a", "svc", "svc/serverless.yml"),  # listed once
            _fn("d", "missing", "svc/serverless.yml"),
            _fn("e", "missing", "svc/serverless.yml"),
            _fn("f", "svc", "other/serverless.yml"),
        )
    )
    targets, gaps = locate(inventory, tmp_path)
    assert [(t.shown, t.functions) for t in targets] == [("svc", ["a", "b", "c", "f"])]
    assert targets[0].location == Location("svc/serverless.yml", 3)
    assert [g.resource for g in gaps] == ["d", "e"]
    assert gaps[0].reason == gaps[1].reason
