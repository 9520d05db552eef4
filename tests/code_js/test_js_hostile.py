"""Hostile or odd input becomes a gap or a bounded analysis, never a crash or a hang."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_js.js_helpers import function, rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard import limits
from fnguard.artifact import Member, open_artifact
from fnguard.code.javascript import JavaScriptAnalyser
from fnguard.errors import InputError
from fnguard.model import ArtifactKind

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from code_js.js_helpers import Analyse


def _nested(depth: int) -> str:
    inner = "(" * depth + "event.body" + ")" * depth
    head = "const { exec } = require('child_process');\n"
    return head + f"exports.handler = (event) => exec({inner});\n"


def test_nesting_past_the_limit_is_a_gap(analyse: Analyse) -> None:
    facts = analyse({"index.js": _nested(300)})
    (gap,) = facts.gaps
    assert gap.field == "code"
    assert "max-nesting-depth" in gap.reason
    assert facts.issues == ()


def test_nesting_within_the_limit_is_analysed(analyse: Analyse) -> None:
    facts = analyse({"index.js": _nested(200)})
    assert facts.gaps == ()
    assert rules(facts) == [("INJ001", 2)]


def test_python_stack_exhaustion_is_a_gap(analyse: Analyse) -> None:
    with limits.use(limits.Limits(max_nesting_depth=100_000)):
        facts = analyse({"index.js": _nested(5_000)})
    (gap,) = facts.gaps
    assert gap.reason == "handler code nests too deeply to analyse"
    assert facts.issues == ()


def test_call_graph_explosion_stops_at_the_budget(analyse: Analyse) -> None:
    functions = "\n".join(
        f"function f{i}(a) {{ f{(i * 7 + 1) % 400}(a); f{(i * 13 + 5) % 400}(a); "
        f"return f{(i * 3 + 2) % 400}(a); }}"
        for i in range(400)
    )
    source = (
        "const { exec } = require('child_process');\n"
        f"{functions}\n"
        "exports.handler = async (event) => { f0(event.body); exec(event.cmd); };\n"
    )
    facts = analyse({"index.js": source})
    assert rules(facts) == [("INJ001", 402)]
    (gap,) = facts.gaps
    assert gap.reason.startswith("handler analysis stopped at its budget of function walks")
    assert len(facts.handlers) == 1


def test_import_cycle_and_self_require(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const a = require('./a');
            const self = require('./index');
            exports.handler = async (event) => a.run(event.body);
            """,
            "a.js": """
            const index = require('./index');
            const { exec } = require('child_process');
            exports.run = (x) => exec(x);
            """,
        }
    )
    assert rules(facts) == [("INJ001", 3)]


def test_invalid_utf8_is_still_parsed(tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "index.js").write_bytes(
        b"const { exec } = require('child_process');\n// \xff\xfe latin-1 comment\n"
        b"exports.handler = async (event) => exec(event.body);\n"
    )
    artifact = open_artifact(code)
    facts = JavaScriptAnalyser().analyse(function(), artifact)
    assert rules(facts) == [("INJ001", 3)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(handler=st.text(max_size=40))
def test_any_handler_string_is_facts_or_a_gap(tmp_path: Path, handler: str) -> None:
    code = tmp_path / "code"
    code.mkdir(exist_ok=True)
    (code / "index.js").write_text("exports.handler = async (event) => event;\n")
    artifact = open_artifact(code)
    facts = JavaScriptAnalyser().analyse(function(handler=handler), artifact)
    assert facts.handlers or facts.gaps


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    source=st.binary(max_size=400)
    | st.text(alphabet="{}()[];=>.`'\"$ \nabc", max_size=200).map(str.encode)
)
def test_any_bytes_are_facts_or_a_gap(tmp_path: Path, source: bytes) -> None:
    code = tmp_path / "code"
    code.mkdir(exist_ok=True)
    (code / "index.js").write_bytes(b"exports.handler = async (event) => {" + source + b"};\n")
    artifact = open_artifact(code)
    facts = JavaScriptAnalyser().analyse(function(), artifact)
    assert facts.handlers or facts.gaps


def test_time_limit_stops_the_walk_with_a_gap(analyse: Analyse) -> None:
    with limits.use(limits.Limits(max_seconds_per_file=0.0)):
        facts = analyse({"index.js": "exports.handler = async (event) => event.body;\n"})
    (gap,) = facts.gaps
    assert gap.field == "code"
    assert gap.reason.startswith("handler analysis stopped: exceeds the max-seconds-per-file")
    assert len(facts.handlers) == 1


class _UnlistableArtifact:
    """An artifact whose member list cannot be read (a corrupt central directory)."""

    kind = ArtifactKind.ZIP

    def __init__(self, path: Path) -> None:
        self.path = path

    def members(self) -> Iterator[Member]:
        raise InputError(str(self.path), 0, "cannot read the member list")

    def read(self, name: str, limit: int | None = None) -> bytes:
        raise InputError(str(self.path), 0, f"cannot read {name}")

    def close(self) -> None:
        return None


def test_unlistable_artifact_is_a_gap(tmp_path: Path) -> None:
    facts = JavaScriptAnalyser().analyse(function(), _UnlistableArtifact(tmp_path / "code.zip"))
    (gap,) = facts.gaps
    assert gap.field == "code" and gap.reason.startswith("code not readable: ")
    assert facts.handlers == () and facts.issues == ()
