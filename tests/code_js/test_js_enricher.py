"""The analyser inside the code stage: an inventory's Node.js function gets its facts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_js.js_helpers import FN, write

from fnguard.code import CodeEnricher
from fnguard.code.javascript import JavaScriptAnalyser
from fnguard.model import Function, Inventory, Location, PackageRef, Provider

if TYPE_CHECKING:
    from pathlib import Path

HANDLER = """
const { exec } = require('child_process');
exports.handler = async (event) => { exec(event.queryStringParameters.cmd); };
"""


def _inventory(runtime: str, source_dir: str) -> Inventory:
    fn = Function(
        FN,
        Provider.AWS,
        Location("main.tf", 3),
        runtime=runtime,
        handler="index.handler",
        package=PackageRef(source_dir=source_dir),
    )
    return Inventory(functions=(fn,))


def test_node_function_analysed_through_the_code_stage(tmp_path: Path) -> None:
    write(tmp_path / "src", {"index.js": HANDLER})
    added = CodeEnricher([JavaScriptAnalyser()]).enrich(_inventory("nodejs20.x", "src"), tmp_path)
    assert [(i.rule_id, i.function, i.location.line) for i in added.code_issues] == [
        ("INJ001", FN, 2),
        ("INJ006", FN, 2),
    ]
    (code,) = added.handlers
    assert (code.function, code.language, code.dynamic_sdk_use) == (FN, "javascript", True)
    assert added.gaps == ()
    merged = _inventory("nodejs20.x", "src").merge(added)
    assert [i.rule_id for i in merged.code_issues_of(merged.functions[0], "INJ001")] == ["INJ001"]


def test_python_function_left_to_other_analysers(tmp_path: Path) -> None:
    write(tmp_path / "src", {"index.js": HANDLER})
    added = CodeEnricher([JavaScriptAnalyser()]).enrich(_inventory("python3.12", "src"), tmp_path)
    assert added == Inventory()
