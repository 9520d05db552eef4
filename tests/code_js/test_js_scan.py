"""End to end: a Node.js function through ``fnguard.scan`` with the code stage and rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_js.js_helpers import FN, write

from fnguard.code import CodeEnricher
from fnguard.code.javascript import JavaScriptAnalyser
from fnguard.config import Config
from fnguard.iam import default_checker
from fnguard.model import FindingStatus, Function, Inventory, Location, PackageRef, Provider
from fnguard.rules import get_rule, load_pack
from fnguard.scan import ScanRequest, scan

if TYPE_CHECKING:
    from pathlib import Path

HANDLER = """
const { exec } = require('child_process');
const serialize = require('node-serialize');
exports.handler = async (event) => {
  const order = serialize.unserialize(event.body);
  exec(`cat /data/orders/${order.id}.json`);
  console.log('env', process.env);
  return { statusCode: 200 };
};
"""


def _request(tmp_path: Path, handler: str) -> ScanRequest:
    fn = Function(
        FN,
        Provider.AWS,
        Location("main.tf", 3),
        name="orders",
        runtime="nodejs20.x",
        handler=handler,
        package=PackageRef(source_dir="src"),
    )
    rules = (*load_pack("INJ"), get_rule("SEC004"), get_rule("SEC005"), get_rule("RUN002"))
    return ScanRequest(
        targets=(tmp_path,),
        config=Config(),
        collectors=(),
        rules=rules,
        permissions=default_checker(),
        inventory=Inventory(functions=(fn,)),
        enrichers=(CodeEnricher([JavaScriptAnalyser()]),),
    )


def test_findings_on_the_code_lines_with_their_flows(tmp_path: Path) -> None:
    write(tmp_path / "src", {"index.js": HANDLER})
    result = scan(_request(tmp_path, "index.handler"))
    found = sorted(
        (f.rule_id, f.location.line if f.location else 0, f.status) for f in result.findings
    )
    assert found == [
        ("INJ001", 5, FindingStatus.FAIL),
        ("INJ002", 4, FindingStatus.FAIL),
        ("INJ006", 4, FindingStatus.FAIL),
        ("SEC004", 6, FindingStatus.FAIL),
    ]
    inj001 = next(f for f in result.findings if f.rule_id == "INJ001")
    assert inj001.resource == FN
    assert inj001.location is not None and inj001.location.file.endswith("src/index.js")
    assert [(e.label, e.value.rsplit("/", 1)[-1]) for e in inj001.evidence] == [
        ("sink", "child_process.exec"),
        ("step 1", "index.js:4: event.body read"),
        ("step 2", "index.js:4: assigned to order"),
        ("step 3", "index.js:5: reaches child_process.exec"),
    ]


def test_a_handler_module_not_in_the_code_is_one_gap_not_an_unknown_per_rule(
    tmp_path: Path,
) -> None:
    """Not built yet (TypeScript before tsc) or not checked out: like a package not on disk,
    listed once as a gap, and the code rules leave the function be."""
    write(tmp_path / "src", {"index.js": HANDLER})
    result = scan(_request(tmp_path, "missing.handler"))
    assert not [f for f in result.findings if f.status is FindingStatus.UNKNOWN]
    [gap] = [g for g in result.inventory.gaps if g.field == "code-source"]
    assert "missing" in gap.reason and "not found" in gap.reason


def test_a_handler_function_missing_from_its_module_stays_unknown(tmp_path: Path) -> None:
    write(tmp_path / "src", {"index.js": HANDLER})
    result = scan(_request(tmp_path, "index.nothere"))
    statuses = {(f.rule_id, f.status) for f in result.findings}
    assert ("INJ001", FindingStatus.UNKNOWN) in statuses
