"""The probes answer exactly as their analysers do, or leave the function to them.

A probe decides from the member names alone (no handler module there, a handler that names
none); whenever it answers, the analyser run on the same code must say the same. Trees and
handlers are drawn from parts that make the lookups disagree in every way they can: the
handler's folder searched or not, dotted and slashed module paths, packages, compiled
TypeScript output, a package.json naming the entry, modules boto3 owns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.artifact import Entry, Member
from fnguard.code import (
    PROBES,
    CodeEnricher,
    CodeFacts,
    _as_module_handler,
    _listing,
    _module_missing,
)
from fnguard.code.javascript import JavaScriptAnalyser
from fnguard.code.python import PythonAnalyser
from fnguard.code.sdk import SdkAnalyser
from fnguard.errors import InputError
from fnguard.model import (
    ArtifactKind,
    Function,
    Inventory,
    Location,
    PackageRef,
    PackageType,
    Provider,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.artifact import Problem
    from fnguard.code import Analyser
    from fnguard.code._probe import Probe

_PY = b"import json\n\ndef handler(event, context):\n    return json.dumps(event)\n"
_JS = b"exports.handler = async (event) => event;\n"

_FILES = (
    "serverless.yml",
    "app.py",
    "main.py",
    "src/app.py",
    "src/fn-1/app.py",
    "src/src/app.py",
    "pkg/mod.py",
    "pkg/mod/__init__.py",
    "src/pkg/mod.py",
    "a.b/app.py",
    "boto3/__init__.py",
    "yaml/__init__.py",
    "PyYAML-6.0.dist-info/RECORD",
    "index",
    "index.js",
    "index.mjs",
    "src/fn-1/index.js",
    "src/fn-1/index.ts",
    "dist/index.js",
    "dist/src/fn-1/index.js",
    "src/index.ts",
    "lib/x.js",
    "package.json",
    "app.pyc",
)
_HANDLERS = (
    "app.handler",
    "main.handler",
    "src/app.handler",
    "src.app.handler",
    "src/fn-1/app.handler",
    "pkg.mod.handler",
    "pkg/mod.handler",
    "src/pkg.mod.handler",
    "a.b/app.handler",
    "boto3.handler",
    "yaml.handler",
    "index.handler",
    "src/fn-1/index.handler",
    "dist/index.handler",
    "dist/src/fn-1/index.handler",
    "index.nested.handler",
    "/index.handler",
    "./index.handler",
    "src//app.handler",
    "..app.handler",
    "app.",
    ".handler",
    "handler",
    "",
    "nodot",
)
_RUNTIMES = ("python3.12", "python312", "nodejs20.x", "nodejs22", "ruby3.2")


def _content(name: str) -> bytes:
    if name.endswith(".py"):
        return _PY
    if name.endswith(".json"):
        return b'{"main": "lib/x.js"}'
    if name.endswith("RECORD"):
        return b"yaml/__init__.py,,\n"
    if name.endswith(("js", "ts")) or name == "index":
        return _JS
    return b"x: 1\n"


class _Code:
    """An artifact held in memory: a folder's shape, the given files."""

    def __init__(self, names: frozenset[str]) -> None:
        self.path = Path("/code")
        self.kind = ArtifactKind.FOLDER
        self.problems: list[Problem] = []
        self._files = {name: _content(name) for name in sorted(names)}

    def members(self) -> Iterator[Member]:
        for name, data in self._files.items():
            yield Member(name, len(data))

    def walk(self) -> Iterator[Entry]:
        for member in self.members():
            yield Entry(member, lambda: __import__("io").BytesIO(b""), str(self.path))

    def read(self, name: str, limit: int | None = None) -> bytes:
        data = self._files.get(name)
        if data is None:
            raise InputError(str(self.path / name), 0, "no such member")
        return data if limit is None else data[:limit]

    def close(self) -> None:
        return None


def _fn(handler: str, runtime: str, provider: Provider) -> Function:
    return Function(
        address="fn",
        provider=provider,
        location=Location("serverless.yml", 7),
        runtime=runtime,
        handler=handler,
        package=PackageRef(source_dir="/code"),
        package_type=PackageType.ZIP,
    )


def _probe(spec: str) -> Probe:
    module, _, name = PROBES[spec].partition(":")
    probe: Probe = getattr(__import__(module, fromlist=[name]), name)
    return probe


def _pairs() -> list[tuple[Probe, Analyser]]:
    return [
        (_probe("fnguard.code.python:PythonAnalyser"), PythonAnalyser()),
        (_probe("fnguard.code.sdk:SdkAnalyser"), SdkAnalyser()),
        (_probe("fnguard.code.javascript:JavaScriptAnalyser"), JavaScriptAnalyser()),
    ]


_TREES = st.frozensets(st.sampled_from(_FILES), max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    names=_TREES,
    handler=st.sampled_from(_HANDLERS),
    runtime=st.sampled_from(_RUNTIMES),
    provider=st.sampled_from((Provider.AWS, Provider.GCP)),
)
def test_a_probe_answers_as_its_analyser_does(
    names: frozenset[str], handler: str, runtime: str, provider: Provider
) -> None:
    code = _Code(names)
    listing = _listing(code)
    assert listing is not None
    fn = _as_module_handler(_fn(handler, runtime, provider))
    for probe, analyser in _pairs():
        assert probe.handles(fn) == analyser.handles(fn)
        answer = probe.answer(fn, listing)
        if answer is not None:
            assert CodeFacts(gaps=(answer,)) == analyser.analyse(fn, code)
        said_missing = answer is not None and _module_missing(answer)
        assert probe.module_absent(fn, listing) == said_missing


def test_the_probes_answer_for_a_tree_without_its_code() -> None:
    """The point of them: nothing built, every answer given."""
    listing = _listing(_Code(frozenset({"serverless.yml"})))
    assert listing is not None
    for handler, runtime in (("src/fn-1/app.handler", "python3.12"), ("index.h", "nodejs20.x")):
        fn = _fn(handler, runtime, Provider.AWS)
        answers = [probe.answer(fn, listing) for probe, a in _pairs() if a.handles(fn)]
        assert answers and all(a is not None and a.field == "code" for a in answers)


def test_a_package_json_leaves_node_functions_to_the_analyser() -> None:
    """Its ``main`` may name the module, and reading it may fail: only the analyser knows."""
    listing = _listing(_Code(frozenset({"package.json"})))
    assert listing is not None
    probe = _probe("fnguard.code.javascript:JavaScriptAnalyser")
    assert probe.answer(_fn("index.handler", "nodejs20.x", Provider.AWS), listing) is None


def test_a_listing_that_fails_leaves_every_function_to_the_analysers() -> None:
    class _Broken(_Code):
        def members(self) -> Iterator[Member]:
            raise InputError("/code", 0, "cannot list")

    assert _listing(_Broken(frozenset())) is None


@settings(max_examples=60, deadline=None)
@given(trees=st.lists(_TREES, min_size=1, max_size=3), data=st.data())
def test_the_enricher_with_probes_answers_as_without(
    tmp_path_factory: object, trees: list[frozenset[str]], data: st.DataObject
) -> None:
    """The registry's enricher (probes first) and the bare analysers give one inventory."""
    root = Path(tmp_path_factory.mktemp("tree"))  # type: ignore[attr-defined]
    functions = []
    for i, names in enumerate(trees):
        folder = root / f"svc{i}"
        folder.mkdir()
        for name in names:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(_content(name))
        for j in range(data.draw(st.integers(1, 4))):
            fn = _fn(
                data.draw(st.sampled_from(_HANDLERS)),
                data.draw(st.sampled_from(_RUNTIMES)),
                data.draw(st.sampled_from((Provider.AWS, Provider.GCP))),
            )
            package = PackageRef(source_dir=f"svc{i}")
            functions.append(
                Function(
                    address=f"svc{i}/serverless.yml:F{j}",
                    provider=fn.provider,
                    location=Location(f"svc{i}/serverless.yml", j + 1),
                    runtime=fn.runtime,
                    handler=fn.handler,
                    package=package,
                )
            )
    inventory = Inventory(functions=tuple(functions))
    bare: list[Analyser] = [PythonAnalyser(), SdkAnalyser(), JavaScriptAnalyser()]
    assert CodeEnricher().enrich(inventory, root) == CodeEnricher(bare).enrich(inventory, root)
