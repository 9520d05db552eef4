"""The code stage's shortcuts say what the plain analysers say.

A probe's gap is kept as its reason until its field is known (then made once), and a
location's move is looked up once per file: the enricher with its probes must still give
exactly the inventory the analysers give when run on every function.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.code import MISSING_CODE_FIELD, CodeEnricher, _relative_to
from fnguard.code._probe import Listing, code_gap
from fnguard.code.javascript import JavaScriptAnalyser
from fnguard.code.python import PythonAnalyser
from fnguard.code.sdk import SdkAnalyser
from fnguard.model import Function, Inventory, Location, PackageRef, PackageType, Provider

_PLAIN = "import json\n\ndef handler(event, context):\n    return json.dumps(event)\n"


def _fn(address: str, handler: str, runtime: str, where: Location, source: str) -> Function:
    return Function(
        address=address,
        provider=Provider.AWS,
        location=where,
        runtime=runtime,
        handler=handler,
        package=PackageRef(source_dir=source),
        package_type=PackageType.ZIP,
    )


def _tree(root: Path) -> Inventory:
    built = root / "built"
    built.mkdir()
    (built / "app.py").write_text(_PLAIN)
    unbuilt = root / "unbuilt"
    unbuilt.mkdir()
    (unbuilt / "serverless.yml").write_text("service: s\n")
    inside = Location(str(root / "unbuilt" / "serverless.yml"), 5)  # moves: under the root
    outside = Location("elsewhere/serverless.yml", 9)  # stays
    return Inventory(
        functions=(
            _fn("f.missing_py", "src/a/app.handler", "python3.12", inside, "unbuilt"),
            _fn("f.missing_js", "src/b/index.handler", "nodejs20.x", outside, "unbuilt"),
            _fn("f.no_dot", "nodot", "python3.12", inside, "unbuilt"),
            _fn("f.js_no_dot", "nodot", "nodejs20.x", outside, "unbuilt"),
            _fn("f.there", "app.handler", "python3.12", outside, "built"),
            _fn("f.not_there", "gone.handler", "python3.12", inside, "built"),
            # one address twice: analysed once, so its "not found" stays field "code"
            _fn("f.twice", "gone.handler", "python3.12", outside, "unbuilt"),
            _fn("f.twice", "app.handler", "python3.12", outside, "built"),
            _fn("f.twice_js", "src/c/index.handler", "nodejs20.x", inside, "unbuilt"),
            _fn("f.twice_js", "src/c/index.handler", "nodejs20.x", inside, "unbuilt"),
        )
    )


def test_the_probes_shortcuts_give_the_analysers_inventory(tmp_path: Path) -> None:
    inventory = _tree(tmp_path)
    plain = CodeEnricher([PythonAnalyser(), SdkAnalyser(), JavaScriptAnalyser()])
    expected = plain.enrich(inventory, tmp_path)
    got = CodeEnricher().enrich(inventory, tmp_path)
    assert got == expected
    fields = {(g.resource, g.field) for g in got.gaps}
    assert ("f.missing_py", MISSING_CODE_FIELD) in fields
    assert ("f.twice", "code") in fields  # analysed under the same address
    assert ("f.no_dot", "code") in fields
    moved = next(g for g in got.gaps if g.resource == "f.missing_py")
    assert moved.location == Location("unbuilt/serverless.yml", 5)


@settings(max_examples=60, deadline=None)
@given(
    handler=st.sampled_from(
        ("src/a/app.handler", "app.handler", "nodot", "a.b.c", "pkg/mod.fn", ".x", "x.")
    ),
    runtime=st.sampled_from(("python3.12", "nodejs20.x")),
    names=st.frozensets(
        st.sampled_from(("app.py", "src/a/app.py", "index.js", "package.json", "x.txt")),
        max_size=3,
    ),
)
def test_a_probes_reason_is_its_answers(handler: str, runtime: str, names: frozenset[str]) -> None:
    from fnguard.code.javascript._entry import PROBE as JS
    from fnguard.code.python._entry import PROBE as PY
    from fnguard.code.sdk._entry import PROBE as SDK

    listing = Listing(Path("/code"), names)
    fn = _fn("f", handler, runtime, Location("s.yml", 2), "/code")
    for probe in (PY, SDK, JS):
        reason = probe.reason(fn, listing)
        expected = None if reason is None else code_gap(fn, fn.location, reason)
        assert probe.answer(fn, listing) == expected


def test_a_location_moves_the_same_each_time(tmp_path: Path) -> None:
    relocate = _relative_to(tmp_path)
    inside = str(tmp_path / "a" / "t.yaml")
    member = f"{tmp_path / 'p.zip'}!/app.py"
    for _ in range(2):
        assert relocate(Location(inside, 3)) == Location("a/t.yaml", 3)
        assert relocate(Location(member, 4)) == Location("p.zip!/app.py", 4)
        outside = Location("/elsewhere/t.yaml", 1)
        assert relocate(outside) is outside
    assert _relative_to(None)(Location(inside, 3)) == Location(inside, 3)
