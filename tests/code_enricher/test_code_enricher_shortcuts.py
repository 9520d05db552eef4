"""The code enricher's shortcuts answer as the plain per-function loop does.

The enricher looks each code folder up once, reads the guard's cover only when an analyser
reported an issue the guard can take care of, and keeps a gap whose place does not move; the
reference below is the loop without any of that, run on odd inventories.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from typing import TYPE_CHECKING

from fnguard.artifact import source_tree
from fnguard.code import (
    MISSING_CODE_FIELD,
    CodeEnricher,
    CodeFacts,
    _as_module_handler,
    _bound,
    _code_path,
    _combined,
    _cover,
    _credited,
    _open_once,
    _relative_to,
    _relocated,
)
from fnguard.code.javascript import JavaScriptAnalyser
from fnguard.code.python import PythonAnalyser
from fnguard.code.sdk import SdkAnalyser
from fnguard.errors import InputError
from fnguard.model import (
    CollectionGap,
    EnvVar,
    Function,
    Inventory,
    InvocationType,
    Location,
    PackageRef,
    PackageType,
    Provider,
    Trigger,
    TriggerKind,
)

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.artifact import Artifact
    from fnguard.code import Analyser

_GUARDED = """
import json, os, subprocess
import boto3
from fnguard_runtime import guard, Policy, ValidationPolicy, IdempotencyPolicy

@guard(Policy(validation=ValidationPolicy(schema={"type": "object"}),
              idempotency=IdempotencyPolicy(key="body.id")))
def handler(event, context):
    body = json.loads(event["body"])
    boto3.resource("dynamodb").Table("orders").put_item(Item={"id": body["id"]})
    subprocess.run(body["cmd"], shell=True)
    open("/var/task/" + body["name"], "w").write("x")
    return {"statusCode": 200}
"""
_PLAIN = _GUARDED.replace("@guard(Policy(validation=ValidationPolicy(", "# ").replace(
    '              idempotency=IdempotencyPolicy(key="body.id")))', "#"
)
# Deduplicates and reads nothing from the event: RUN003 is its only guarded issue.
_IDEMPOTENT = """
import boto3
from fnguard_runtime import guard, Policy, IdempotencyPolicy

@guard(Policy(idempotency=IdempotencyPolicy(key="id")))
def handler(event, context):
    boto3.resource("dynamodb").Table("orders").put_item(Item={"id": "fixed"})
"""
_JS = """
const { exec } = require("child_process");
exports.handler = async (event) => { exec(event.body); return 1; };
"""


def _reference(analysers: list[Analyser], inventory: Inventory, root: Path) -> Inventory:
    """The enricher's loop without shortcuts: every function looks its folder up, every
    function's cover is read, every location goes through ``replace``."""
    facts: list[CodeFacts] = []
    relocate = _relative_to(root)
    bound = [_bound(a, inventory) for a in analysers]
    opened: dict[Path, Artifact | InputError] = {}
    tree = source_tree(root)
    for fn in map(_as_module_handler, inventory.functions):
        path = _code_path(fn, root)
        if path is None or not fn.handler or not path.exists():
            continue
        chosen = [a for a in bound if a.handles(fn)]
        if not chosen:
            continue
        artifact = _open_once(opened, path, tree)
        if isinstance(artifact, InputError):
            gap = CollectionGap(Location(str(path)), str(artifact), fn.address, "code")
            facts.append(CodeFacts(gaps=(gap,)))
            continue
        found = [analyser.analyse(fn, artifact) for analyser in chosen]
        cover = _cover(fn, artifact)
        for credited in (_credited(f, cover) for f in found):
            moved = [replace(g, location=relocate(g.location)) for g in credited.gaps]
            facts.append(replace(_relocated(credited, relocate), gaps=tuple(moved)))
    for artifact in opened.values():
        if not isinstance(artifact, InputError):
            artifact.close()
    return _combined(facts)


def _fn(name: str, handler: str | None, runtime: str, **package: object) -> Function:
    kind = package.pop("package_type", PackageType.ZIP)
    provider = package.pop("provider", Provider.AWS)
    env = package.pop("environment", ())
    return Function(
        address=f"aws_lambda_function.{name}",
        provider=provider,  # type: ignore[arg-type]
        location=Location("stack/template.yaml", 3),
        runtime=runtime,
        handler=handler,
        environment=env,  # type: ignore[arg-type]
        package=PackageRef(**package),  # type: ignore[arg-type]
        package_type=kind,  # type: ignore[arg-type]
    )


def _odd_tree(tmp_path: Path) -> Inventory:
    code = tmp_path / "stack" / "src"
    code.mkdir(parents=True)
    (code / "guarded.py").write_text(_GUARDED)
    (code / "plain.py").write_text(_PLAIN)
    (code / "broken.py").write_text("def handler(event, context:\n")
    (code / "index.js").write_text(_JS)
    (code / "main.py").write_text(_PLAIN)
    (code / "idempotent.py").write_text(_IDEMPOTENT)
    (code / "repeats.py").write_text(_IDEMPOTENT.replace("@guard(", "# "))
    (tmp_path / "stack" / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with zipfile.ZipFile(tmp_path / "stack" / "good.zip", "w") as zf:
        zf.writestr("guarded.py", _GUARDED)
    policy = json.dumps({"validation": {"schema": {"type": "object"}}})
    src = str(code)
    queues = tuple(
        Trigger(
            address=f"aws_lambda_event_source_mapping.{name}",
            location=Location("stack/template.yaml", 40),
            function=f"aws_lambda_function.{name}",
            kind=TriggerKind.SQS,
            invocation=InvocationType.POLL,
        )
        for name in ("guarded", "plain", "env", "zip", "idempotent", "repeats")
    )
    return Inventory(
        triggers=queues,
        functions=(
            _fn("guarded", "guarded.handler", "python3.12", source_dir=src),
            _fn("plain", "plain.handler", "python3.12", source_dir=src),
            _fn("idempotent", "idempotent.handler", "python3.12", source_dir=src),
            _fn("repeats", "repeats.handler", "python3.12", source_dir=src),
            # the same folder named relatively: the same artifact, another lookup key
            _fn("relative", "plain.handler", "python3.12", source_dir="stack/src"),
            _fn(
                "env",
                "plain.handler",
                "python3.12",
                source_dir=src,
                environment=(EnvVar("FNGUARD_POLICY", policy),),
            ),
            _fn(
                "env_junk",
                "plain.handler",
                "python3.12",
                source_dir=src,
                environment=(EnvVar("FNGUARD_POLICY", "{not json"),),
            ),
            _fn("missing", "src.fn_0001.app.handler", "python3.12", source_dir=src),
            _fn("missing_too", "src/fn-0002/index.handler", "nodejs20.x", source_dir=src),
            _fn("js", "index.handler", "nodejs20.x", source_dir=src),
            _fn("broken", "broken.handler", "python3.12", source_dir=src),
            _fn("no_function", "plain.nothing", "python3.12", source_dir=src),
            _fn("bad_name", "nodot", "python3.12", source_dir=src),
            _fn("no_handler", None, "python3.12", source_dir=src),
            _fn(
                "image",
                "guarded.handler",
                "python3.12",
                source_dir=src,
                package_type=PackageType.IMAGE,
            ),
            _fn("gone", "guarded.handler", "python3.12", source_dir=str(tmp_path / "nope")),
            _fn("bad_zip", "guarded.handler", "python3.12", path="stack/bad.zip"),
            _fn("bad_zip_again", "plain.handler", "python3.12", path="stack/bad.zip"),
            _fn("zip", "guarded.handler", "python3.12", path="stack/good.zip"),
            _fn("ruby", "guarded.handler", "ruby3.2", source_dir=src),
            _fn("gcp", "handler", "python312", source_dir=src, provider=Provider.GCP),
        ),
    )


def _analysers() -> list[Analyser]:
    return [PythonAnalyser(), SdkAnalyser(), JavaScriptAnalyser()]


def test_the_enricher_answers_as_the_plain_loop_does(tmp_path: Path) -> None:
    inventory = _odd_tree(tmp_path)
    expected = _reference(_analysers(), inventory, tmp_path)
    got = CodeEnricher(_analysers()).enrich(inventory, tmp_path)
    assert got == expected
    # the odd inputs did reach every path: credit, gaps of each kind, findings kept
    rules = {(i.function.rsplit(".", 1)[1], i.rule_id) for i in got.code_issues}
    assert ("plain", "INJ006") in rules
    assert ("guarded", "INJ006") not in rules
    assert ("env", "INJ006") not in rules and ("env_junk", "INJ006") in rules
    assert ("plain", "RUN003") in rules and ("env", "RUN003") in rules
    assert ("repeats", "RUN003") in rules and ("idempotent", "RUN003") not in rules
    assert ("guarded", "RUN003") not in rules and ("zip", "RUN003") not in rules
    fields = {(g.resource.rsplit(".", 1)[1], g.field) for g in got.gaps}
    assert {("missing", MISSING_CODE_FIELD), ("missing_too", MISSING_CODE_FIELD)} <= fields
    assert ("bad_zip", "code") in fields and ("broken", "code") in fields


def test_without_a_root_locations_stay_as_the_analysers_give_them(tmp_path: Path) -> None:
    inventory = _odd_tree(tmp_path)
    absolute = Inventory(
        functions=tuple(
            f
            for f in inventory.functions
            if f.package.source_dir
            and "/" in f.package.source_dir
            and f.package.source_dir.startswith("/")
        )
    )
    expected = _reference(_analysers(), absolute, None)  # type: ignore[arg-type]
    assert CodeEnricher(_analysers()).enrich(absolute, None) == expected


def test_a_gap_kept_in_place_is_the_same_gap() -> None:
    gap = CollectionGap(
        Location("outside/template.yaml", 4), "handler module x not found", "f", "code"
    )
    same = _relocated(CodeFacts(gaps=(gap,)), lambda loc: loc)
    assert same.gaps[0] is gap
    moved = _relocated(CodeFacts(gaps=(gap,)), lambda loc: Location("t.yaml", loc.line))
    assert moved.gaps == (replace(gap, location=Location("t.yaml", 4)),)


def test_code_not_built_does_not_load_the_analysers(tmp_path: Path) -> None:
    """A tree whose handler modules are not there needs only the "not found" gaps: the
    probes give them, and neither the analysers nor their engines are imported."""
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  a:\n    handler: src/a/app.handler\n"
        "  b:\n    handler: src/b/index.handler\n    runtime: nodejs20.x\n"
    )
    script = (
        "import io, json, sys\n"
        "from fnguard.cli import main\n"
        "out = io.StringIO()\n"
        f"code = main(['scan', {str(tmp_path)!r}, '--osv', 'off', '--format', 'json'],"
        " stdout=out)\n"
        "loaded = ('fnguard.code.python._analyser', 'fnguard.code.sdk._analyser',"
        " 'fnguard.code.javascript._analyser', 'fnguard.code.python._analysis',"
        " 'fnguard.code.sdk._walker', 'fnguard.code.sdk._mapping',"
        " 'fnguard.code.javascript._taint', 'fnguard.content', 'tarfile')\n"
        "print(sorted(m for m in loaded if m in sys.modules))\n"
        "print(json.dumps(json.loads(out.getvalue())['gaps']))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]"
    gaps = {g["resource"]: g for g in json.loads(out[1])}
    assert {g["field"] for g in gaps.values()} == {MISSING_CODE_FIELD}
    python, node = gaps["ALambdaFunction"], gaps["BLambdaFunction"]
    assert python["reason"] == (
        f"handler module src.a.app not found in {tmp_path}; code rules cannot check it"
    )
    assert node["reason"].startswith("handler module 'src/b/index' not found in the code (tried")
    assert python["location"] == {"file": "serverless.yml", "line": 6}
