"""Bad input: one-line errors with file and line, or a gap when the rest can be scanned."""

from __future__ import annotations

from pathlib import Path

import pytest
from collect_sls.sls_helpers import collect_source

from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.collect.serverless import ServerlessCollector
from fnguard.collect.terraform import TerraformCollector
from fnguard.errors import InputError
from fnguard.model import CollectionGap, Location


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "serverless.yml",
            "service: s\nresources:\n  Resources:\n    Q: {Type: AWS::SQS::Queue}\n",
        ),
        ("serverless.yaml", "service: s\n"),
        ("Serverless.YML", "service: s\n"),
        (
            "serverless.json",
            '{"service": "s", "resources": {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}}',
        ),
    ],
)
def test_claims_serverless_files_only(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert ServerlessCollector().claims(path)
    assert not CloudFormationCollector().claims(path)
    assert not TerraformCollector().claims(path)


@pytest.mark.parametrize("name", ["template.yaml", "serverless.ts", "serverless-extra.yml"])
def test_does_not_claim_other_files(name: str) -> None:
    assert not ServerlessCollector().claims(Path(name))


def _error(tmp_path: Path, text: str) -> InputError:
    with pytest.raises(InputError) as info:
        collect_source(tmp_path, text)
    return info.value


def test_broken_yaml_is_one_line_with_its_line(tmp_path: Path) -> None:
    err = _error(tmp_path, "service: s\nprovider:\n  name: aws\nfunctions: [\n")
    assert (err.path, err.line) == ("serverless.yml", 5)
    assert "\n" not in str(err)


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("- a\n- b\n", 1, "expected a mapping"),
        ("provider: {name: aws}\n", 1, "expected a service name"),
        ("service: s\nfunctions: [a]\n", 2, "expected functions to be a mapping"),
        ("service: s\nfunctions:\n  f: 3\n", 3, "expected function f to be a mapping"),
        ("service: s\nresources:\n  Resources:\n    X: {Properties: {}}\n", 4, "expected a Type"),
        ("", 1, "found an empty file"),
    ],
)
def test_shapes_that_are_not_a_service(tmp_path: Path, text: str, line: int, expected: str) -> None:
    err = _error(tmp_path, text)
    assert err.line == line
    assert expected in err.expected


def test_alias_bombs_are_refused_quickly(tmp_path: Path) -> None:
    lines = ["service: s", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 20)]
    err = _error(tmp_path, "\n".join(lines) + "\n")
    assert "alias" in err.expected


def test_unreadable_and_non_utf8_files_are_file_gaps(tmp_path: Path) -> None:
    path = tmp_path / "serverless.yml"
    path.write_bytes(b"service: s\nprovider: {name: \xff}\n")
    inv = ServerlessCollector().collect([path], tmp_path)
    assert inv.gaps == (
        CollectionGap(Location("serverless.yml"), "not UTF-8 text (byte 28)", "", "file"),
    )
    missing = ServerlessCollector().collect([tmp_path / "sub" / "serverless.yml"], tmp_path)
    assert [(g.location.file, g.field) for g in missing.gaps] == [("sub/serverless.yml", "file")]


def test_json_services_and_several_services_in_one_scan(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "serverless.json").write_text(
        '{"service": "a", "provider": {"name": "aws", "runtime": "go1.x"},'
        ' "functions": {"f": {"handler": "h.h"}}}'
    )
    (tmp_path / "b" / "serverless.yml").write_text(
        "service: b\nprovider: {name: aws, runtime: go1.x}\nfunctions:\n  f:\n    handler: h.h\n"
    )
    paths = [tmp_path / "a" / "serverless.json", tmp_path / "b" / "serverless.yml"]
    inv = ServerlessCollector().collect(paths, tmp_path)
    assert [(f.address, f.role) for f in inv.functions] == [
        ("a/serverless.json:FLambdaFunction", "a/serverless.json:IamRoleLambdaExecution"),
        ("b/serverless.yml:FLambdaFunction", "b/serverless.yml:IamRoleLambdaExecution"),
    ]
    assert inv.gaps == ()


def test_other_providers_are_a_gap(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path, "service: s\nprovider:\n  name: google\nfunctions:\n  f:\n    handler: h\n"
    )
    assert (inv.functions, [(g.location.line, g.reason) for g in inv.gaps]) == (
        (),
        [(3, "provider google is not analysed (fnguard reads AWS services)")],
    )
