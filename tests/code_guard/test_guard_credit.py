"""The scanner knows fnguard-runtime: guarded handlers get credit; guard-policy proposes one."""

from __future__ import annotations

import ast
import io
import json
from typing import TYPE_CHECKING

import pytest

from fnguard.cli import main
from fnguard.code import CodeEnricher
from fnguard.code._guard import GuardCover, guard_cover, policy_cover, propose_policy
from fnguard.code.python import PythonAnalyser
from fnguard.model import (
    EnvVar,
    Function,
    Inventory,
    InvocationType,
    Location,
    PackageRef,
    Provider,
    Trigger,
    TriggerKind,
)

if TYPE_CHECKING:
    from pathlib import Path

_HANDLER = """
import json
import boto3
{imports}

TABLE = boto3.resource("dynamodb").Table("orders")

{decorator}
def handler(event, context):
    body = json.loads(event["body"])
    TABLE.put_item(Item={{"id": body["id"], "amount": body["amount"]}})
    return {{"statusCode": 200}}
"""
_IMPORTS = "from fnguard_runtime import guard, Policy, ValidationPolicy, IdempotencyPolicy"
_FULL = (
    '@guard(Policy(validation=ValidationPolicy(schema={"type": "object"}),\n'
    '              idempotency=IdempotencyPolicy(key="body.id")))'
)


def _cover(source: str) -> GuardCover | None:
    return guard_cover(ast.parse(source), "handler")


def test_the_cover_of_a_guard_is_read_from_its_policy() -> None:
    assert _cover(_HANDLER.format(imports=_IMPORTS, decorator=_FULL)) == GuardCover(True, True)
    assert _cover(_HANDLER.format(imports=_IMPORTS, decorator="@guard()")) == GuardCover()
    off = '@guard(Policy(validation=ValidationPolicy(schema={}, mode="off")))'
    assert _cover(_HANDLER.format(imports=_IMPORTS, decorator=off)) == GuardCover()
    aliased = _HANDLER.format(imports="import fnguard_runtime as fr", decorator="@fr.guard()")
    assert _cover(aliased) == GuardCover()


def test_a_decorator_named_guard_from_elsewhere_is_no_guard() -> None:
    source = _HANDLER.format(imports="from mylib import guard", decorator=_FULL)
    assert _cover(source) is None
    assert _cover(_HANDLER.format(imports=_IMPORTS, decorator="")) is None


def test_the_environment_policy_counts_too() -> None:
    document = json.dumps({"validation": {"schema": {"type": "object"}}, "idempotency": {}})
    assert policy_cover(document) == GuardCover(True, True)
    assert policy_cover('{"validation": {"mode": "off", "schema": {}}}') == GuardCover()
    assert policy_cover("not json") == GuardCover()


def _facts(tmp_path: Path, decorator: str, env: tuple[EnvVar, ...] = ()) -> set[str]:
    code = tmp_path / "code"
    code.mkdir(exist_ok=True)
    imports = _IMPORTS if decorator else ""
    (code / "app.py").write_text(_HANDLER.format(imports=imports, decorator=decorator))
    fn = Function(
        address="aws_lambda_function.orders",
        provider=Provider.AWS,
        location=Location("main.tf", 1),
        runtime="python3.12",
        handler="app.handler",
        environment=env,
        package=PackageRef(source_dir=str(code)),
    )
    queue = Trigger(
        address="aws_lambda_event_source_mapping.orders",
        location=Location("main.tf", 9),
        function=fn.address,
        kind=TriggerKind.SQS,
        invocation=InvocationType.POLL,
    )
    inventory = Inventory(functions=(fn,), triggers=(queue,))
    piece = CodeEnricher([PythonAnalyser()]).enrich(inventory, tmp_path)
    return {issue.rule_id for issue in piece.code_issues}


def test_a_guard_that_validates_and_deduplicates_satisfies_inj006_and_run003(
    tmp_path: Path,
) -> None:
    unguarded = _facts(tmp_path, "")
    assert {"INJ006", "RUN003"} <= unguarded
    assert not {"INJ006", "RUN003"} & _facts(tmp_path, _FULL)
    # A bare guard() neither validates nor deduplicates: no credit.
    assert {"INJ006", "RUN003"} <= _facts(tmp_path, "@guard()")
    policy = json.dumps({"validation": {"schema": {"type": "object"}}})
    credited = _facts(tmp_path, "@guard()", (EnvVar("FNGUARD_POLICY", policy),))
    assert "INJ006" not in credited and "RUN003" in credited


def test_guard_policy_proposes_what_the_code_was_seen_to_do(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(
        "import subprocess, requests\n"
        "def handler(event, context):\n"
        '    requests.post("https://api.stripe.com/v1/charges", json=event)\n'
        '    with open("/tmp/out/report.json", "w") as f:\n'
        "        f.write('x')\n"
        '    subprocess.run(["convert", "a.png", "b.jpg"], check=True)\n'
    )
    out = io.StringIO()
    assert main(["guard-policy", str(tmp_path), "--format", "json"], stdout=out) == 0
    document = json.loads(out.getvalue())
    assert document["network"]["allow"] == ["api.stripe.com:443"]
    assert document["filesystem"]["allow_write"] == ["/tmp", "/tmp/out"]
    assert document["process"]["allow"] == ["convert"]
    assert document["process"]["mode"] == document["network"]["mode"] == "block"


def test_guard_policy_notes_what_it_cannot_tell() -> None:
    proposal = propose_policy(
        [
            (
                "h.py",
                "import os, requests\ndef h(e, c):\n    os.system(e['cmd'])\n    requests.get()\n",
            )
        ]
    )
    assert proposal.programs == {"/bin/sh": ["h.py:3"]}
    assert any("without a literal URL" in note for note in proposal.notes)
    broken = propose_policy([("b.py", "def (:\n")])
    assert broken.notes and broken.notes[0].startswith("b.py:1:")


@pytest.mark.parametrize("args", [["guard-policy", "/no/such/place"]])
def test_guard_policy_bad_path_is_one_line_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert capsys.readouterr().err.count("\n") == 1
