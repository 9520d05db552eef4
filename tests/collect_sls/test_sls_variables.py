"""Variables: each source, fallbacks, nesting, files, references, cycles and what stays unknown."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from collect_sls.sls_helpers import collect_source

from fnguard.model import CollectionGap, EnvVar, Location

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.model import Inventory

_HEAD = "service: svc\nprovider:\n  name: aws\n  runtime: python3.12\n"


def _env(inv: Inventory) -> dict[str, EnvVar]:
    (fn,) = inv.functions
    return {e.name: e for e in fn.environment}


def _service(tmp_path: Path, env_lines: str, extra: str = "") -> Inventory:
    return collect_source(
        tmp_path,
        _HEAD + extra + "functions:\n  f:\n    handler: h.h\n    environment:\n" + env_lines,
    )


def test_self_opt_sls_and_fallbacks(tmp_path: Path) -> None:
    inv = _service(
        tmp_path,
        "      A: ${self:custom.a}\n"
        "      STAGE: ${sls:stage}\n"
        "      OPT: ${opt:stage, 'fallback'}\n"
        '      MISSING_FALLBACK: ${self:custom.nope, "dflt"}\n'
        "      CHAIN: ${self:custom.nope, opt:nope, 'last'}\n"
        "      NESTED: ${self:custom.byStage.${sls:stage}}\n"
        "      TEXT: pre-${self:custom.a}-${sls:stage}\n"
        "      NUMBER: ${self:custom.n}\n",
        "custom:\n  a: alpha\n  n: 7\n  byStage:\n    dev: dev-value\n",
    )
    assert {k: v.value for k, v in _env(inv).items()} == {
        "A": "alpha",
        "STAGE": "dev",  # no stage anywhere: the framework's default
        "OPT": "fallback",
        "MISSING_FALLBACK": "dflt",
        "CHAIN": "last",
        "NESTED": "dev-value",
        "TEXT": "pre-alpha-dev",
        "NUMBER": "7",
    }
    assert inv.gaps == ()


def test_provider_stage_with_an_opt_default_drives_sls_stage(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: svc\nprovider:\n  name: aws\n  stage: ${opt:stage, 'prod'}\n"
        "functions:\n  f:\n    handler: h.h\n    environment:\n      S: ${sls:stage}\n",
    )
    (fn,) = inv.functions
    assert (fn.name, fn.environment[0].value) == ("svc-prod-f", "prod")


def test_env_is_not_read_from_the_scanning_machine(tmp_path: Path) -> None:
    os.environ["FNGUARD_SLS_TEST_VAR"] = "from-the-shell"
    try:
        inv = _service(
            tmp_path,
            "      WITH_DEFAULT: ${env:FNGUARD_SLS_TEST_VAR, 'written'}\n"
            "      WITHOUT: ${env:FNGUARD_SLS_TEST_VAR}\n",
        )
    finally:
        del os.environ["FNGUARD_SLS_TEST_VAR"]
    env = _env(inv)
    assert env["WITH_DEFAULT"].value == "written"
    assert (env["WITHOUT"].value, env["WITHOUT"].is_reference) == (None, False)
    assert (
        CollectionGap(
            Location("serverless.yml", 10),
            "${env:FNGUARD_SLS_TEST_VAR} cannot be resolved offline",
            "FLambdaFunction",
            "environment",
        )
        in inv.gaps
    )


def test_references_are_never_secrets(tmp_path: Path) -> None:
    inv = _service(
        tmp_path,
        "      DB: ${ssm:/app/db-password}\n"
        "      SECRET: ${ssm:/aws/reference/secretsmanager/app}\n"
        "      REGION: ${aws:region}\n"
        "      OUT: ${cf:other-stack.Output}\n"
        "      OBJ: ${s3:bucket/key}\n"
        "      MIXED: postgres://${ssm:/app/host}:5432\n",
    )
    env = _env(inv)
    assert {k: (v.value, v.is_reference, v.source_expr) for k, v in env.items()} == {
        "DB": (None, True, "${ssm:/app/db-password}"),
        "SECRET": (None, True, "${ssm:/aws/reference/secretsmanager/app}"),
        "REGION": (None, True, "${aws:region}"),
        "OUT": (None, True, "${cf:other-stack.Output}"),
        "OBJ": (None, True, "${s3:bucket/key}"),
        "MIXED": (None, True, "postgres://${ssm:/app/host}:5432"),
    }
    assert inv.gaps == ()


def test_files_inside_the_root_are_read(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "prod.yml").write_text("db:\n  host: db.internal\nstage: ${sls:stage}\n")
    (tmp_path / "extra.json").write_text('{"level": "warn"}')
    inv = _service(
        tmp_path,
        "      HOST: ${file(./config/prod.yml):db.host}\n"
        "      STAGE: ${file(config/prod.yml):stage}\n"
        "      LEVEL: ${file(./extra.json):level}\n"
        "      MISSING: ${file(./config/prod.yml):nope, 'none'}\n",
    )
    assert {k: v.value for k, v in _env(inv).items()} == {
        "HOST": "db.internal",
        "STAGE": "dev",
        "LEVEL": "warn",
        "MISSING": "none",
    }


def test_files_outside_the_root_code_and_broken_files_are_gaps(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.yml").write_text("secret: x\n")
    (root / "vars.js").write_text("module.exports = () => ({a: 1})\n")
    (root / "broken.yml").write_text("a: [\n")
    inv = _service(
        root,
        "      OUT: ${file(../outside.yml):secret}\n"
        "      CODE: ${file(./vars.js):a}\n"
        "      BROKEN: ${file(./broken.yml):a}\n"
        "      ABSENT: ${file(./absent.yml):a}\n",
    )
    # Each problem, then the mapper's "computed at deploy time" for the value it left unknown.
    assert len([g for g in inv.gaps if g.field == "environment"]) == 8
    messages = {g.reason for g in inv.gaps}
    assert "file(../outside.yml) is outside the scanned folder" in messages
    assert "file(./vars.js) is code; fnguard does not run it" in messages
    assert any(m.startswith("file(./broken.yml): ") for m in messages)
    assert any(m.startswith("file(./absent.yml) cannot be read") for m in messages)
    assert all(v.value is None for v in _env(inv).values())


def test_cycles_and_unknown_sources_are_gaps_not_crashes(tmp_path: Path) -> None:
    inv = _service(
        tmp_path,
        "      LOOP: ${self:custom.a}\n"
        "      ODD: ${strange:thing}\n"
        "      UNSET: ${self:custom.none}\n",
        "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n",
    )
    env = _env(inv)
    assert all(v.value is None and not v.is_reference for v in env.values())
    by_reason = {(g.resource, g.field, g.location.line): g.reason for g in inv.gaps}
    assert by_reason[("", "variables", 7)].startswith("variable cycle through custom.")
    assert by_reason[("FLambdaFunction", "environment", 13)] == (
        "variable source strange is not understood"
    )
    assert by_reason[("FLambdaFunction", "environment", 14)] == (
        "${self:custom.none} cannot be resolved offline"
    )


def test_provider_level_problems_concern_every_function(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "service: svc\nprovider:\n  name: aws\n  kmsKeyArn: ${self:custom.missing}\n"
        "functions:\n  a:\n    handler: h.h\n  b:\n    handler: h.h\n",
    )
    assert {(g.resource, g.field) for g in inv.gaps if g.location.line == 4} >= {
        ("ALambdaFunction", "kms_key_arn"),
        ("BLambdaFunction", "kms_key_arn"),
    }


def test_stage_params_with_a_default_section(tmp_path: Path) -> None:
    inv = _service(
        tmp_path,
        "      A: ${param:a}\n      B: ${param:b}\n      C: ${param:c, 'none'}\n",
        "params:\n  dev:\n    a: dev-a\n  default:\n    a: default-a\n    b: default-b\n",
    )
    assert {k: v.value for k, v in _env(inv).items()} == {
        "A": "dev-a",
        "B": "default-b",
        "C": "none",
    }


def test_long_variable_chains_stop_with_a_gap(tmp_path: Path) -> None:
    chain = "".join(f"  a{i}: ${{self:custom.a{i + 1}}}\n" for i in range(200))
    inv = _service(tmp_path, "      V: ${self:custom.a0}\n", "custom:\n" + chain + "  a200: end\n")
    assert _env(inv)["V"].value is None
    assert any(g.reason.startswith("variables nested too deeply") for g in inv.gaps)


def test_v4_stages_params_and_provider_defaults(tmp_path: Path) -> None:
    inv = _service(
        tmp_path,
        "      A: ${param:a}\n      B: ${param:b}\n"
        "      REGION: ${self:provider.region}\n      STAGE: ${self:provider.stage}\n",
        "stages:\n  dev:\n    params:\n      a: dev-a\n  default:\n    params:\n      b: def-b\n",
    )
    assert {k: v.value for k, v in _env(inv).items()} == {
        "A": "dev-a",
        "B": "def-b",
        "REGION": "us-east-1",
        "STAGE": "dev",
    }


def test_functions_from_files_are_located_where_they_are_included(tmp_path: Path) -> None:
    (tmp_path / "fns.yml").write_text("a:\n  handler: a.h\n  environment:\n    X: from-file\n")
    inv = collect_source(
        tmp_path,
        "service: parts\nprovider: {name: aws, runtime: python3.12}\nfunctions:\n"
        "  - ${file(./fns.yml)}\n  - b:\n      handler: b.h\n",
    )
    got = [
        (f.address, f.location.line, [(e.name, e.value, e.location) for e in f.environment])
        for f in inv.functions
    ]
    assert got == [
        ("ALambdaFunction", 4, [("X", "from-file", Location("serverless.yml", 4))]),
        ("BLambdaFunction", 5, []),
    ]
