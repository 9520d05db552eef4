"""Hostile CloudFormation / SAM templates and serverless.yml services, one kind per case."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hostile.conftest import assert_bounded, assert_error, assert_gap, sentinel_scanned

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from hostile.hostile_sandbox import Outcome

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\n"


def cfn_fn(extra: str = "", memory: int = 20000) -> str:
    """A template with one function whose memory is out of range (LIM001)."""
    return (
        HEAD
        + "Resources:\n"
        + "  Fn:\n"
        + "    Type: AWS::Lambda::Function\n"
        + "    Properties:\n"
        + f"      MemorySize: {memory}\n"
        + "      Role: arn:aws:iam::123456789012:role/r\n"
        + "      Runtime: python3.12\n"
        + "      Handler: h.h\n"
        + "      Code: {ZipFile: x}\n"
        + extra
    )


TRUST = (
    "{Version: '2012-10-17', Statement: [{Effect: Allow, "
    "Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}"
)
SAM = HEAD + "Transform: AWS::Serverless-2016-10-31\n"


def with_role(trust: str, policy: str) -> str:
    """``cfn_fn`` whose function uses a role declared beside it with ``policy`` inline."""
    return (
        cfn_fn("      Role: !GetAtt Role.Arn\n").replace(
            "      Role: arn:aws:iam::123456789012:role/r\n", ""
        )
        + "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        + f"      AssumeRolePolicyDocument: {trust}\n"
        + "      Policies:\n        - PolicyName: p\n          PolicyDocument:\n"
        + policy
    )


def statements(count: int) -> str:
    return "            Version: '2012-10-17'\n            Statement:\n" + "".join(
        "              - {Effect: Allow, Action: 's3:GetObject', "
        f"Resource: 'arn:aws:s3:::b{i}/*'}}\n"
        for i in range(count)
    )


JSON_FN = (
    '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Fn": {"Type": '
    '"AWS::Lambda::Function", "Properties": {"MemorySize": 20000, "Role": '
    '"arn:aws:iam::1:role/r", "Runtime": "python3.12", "Handler": "h.h", '
    '"Code": {"ZipFile": "x"}}}}}'
)


def sls(extra: str = "", fn_extra: str = "") -> str:
    return (
        "service: svc\nprovider:\n  name: aws\n  runtime: python3.12\n"
        + extra
        + "functions:\n  f:\n    handler: h.h\n    memorySize: 20000\n"
        + fn_extra
    )


def billion_laughs_yaml() -> str:
    lines = [HEAD, "Metadata:", '  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nResources: {}\n"


def sls_laughs() -> str:
    lines = ["custom:", "  a0: lollollollollollollollollollollollollollollol"]
    lines += [
        f"  a{i}: ['${{self:custom.a{i - 1}}}', '${{self:custom.a{i - 1}}}']" for i in range(1, 41)
    ]
    return sls("\n".join(lines) + "\n", "    environment:\n      X: ${self:custom.a40}\n")


ERRORS = [
    ("yaml_billion_laughs", {"t.yaml": billion_laughs_yaml()}, "t.yaml:"),
    (
        "json_deep_nesting",
        {
            "t.json": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": '
            + '{"a":' * 20000
            + "1"
            + "}" * 20001
        },
        "t.json: nested too deeply for the decoder: exceeds the max-nesting-depth limit (256)",
    ),
    (
        "json_nesting_over_limit",
        {
            "t.json": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": '
            + '{"a":' * 300
            + "1"
            + "}" * 301
        },
        "t.json:1: nested more than 256 levels: exceeds the max-nesting-depth limit (256); "
        "raise it with --limit max-nesting-depth=N if the input is trusted",
    ),
    (
        "yaml_deep_flow_nesting",
        {"t.yaml": HEAD + "Resources: " + "[" * 20000 + "]" * 20000 + "\n"},
        "t.yaml:2: nested too deeply for the decoder: exceeds the max-nesting-depth limit",
    ),
    (
        "yaml_deep_block_nesting",
        {
            "t.yaml": HEAD
            + "Resources:\n"
            + "".join(" " * i + f"k{i}:\n" for i in range(1, 400))
            + " " * 400
            + "v: 1\n"
        },
        "t.yaml",
    ),
    (
        "yaml_duplicate_keys",
        {"t.yaml": cfn_fn() + "Resources: {}\n"},
        "t.yaml:2: expected a valid template (Duplicate found 'Resources' (line 2))",
    ),
    ("yaml_control_characters", {"t.yaml": HEAD + "Resources: {}\nX: \x01\x02\n"}, "t.yaml:"),
    ("template_is_a_list", {"t.yaml": HEAD.replace("AWS", "- AWS")}, "t.yaml:"),
    (
        "resources_is_a_list",
        {"t.yaml": HEAD + "Resources:\n  - Type: AWS::Lambda::Function\n"},
        "t.yaml:1: expected a Resources mapping",
    ),
    (
        "unclosed_flow_mapping",
        {"t.yaml": HEAD + "Resources: {Fn: {Type: AWS::Lambda::Function\n"},
        "t.yaml:",
    ),
    (
        "json_truncated",
        {"t.json": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"F": {'},
        "t.json:1: expected valid JSON",
    ),
    ("sls_billion_laughs", {"svc/serverless.yml": sls_laughs()}, "svc/serverless.yml:"),
    (
        "sls_empty",
        {"svc/serverless.yml": "  \n"},
        "svc/serverless.yml:1: expected a Serverless Framework service, found an empty file",
    ),
    (
        "sls_top_level_list",
        {"svc/serverless.yml": "- service: x\n"},
        "svc/serverless.yml:1: expected a mapping",
    ),
    (
        "sls_functions_junk",
        {"svc/serverless.yml": sls() + "  g: 5\n  h: [1, 2]\n"},
        "svc/serverless.yml:9: expected function g to be a mapping",
    ),
    (
        "sls_deep_nesting",
        {"svc/serverless.yml": sls("custom: " + "[" * 20000 + "]" * 20000 + "\n")},
        "svc/serverless.yml:",
    ),
]


@pytest.mark.parametrize(("files", "line"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error(scan: Callable[..., Outcome], files: dict[str, str | bytes], line: str) -> None:
    assert_error(scan(files), line)


GAPS = [
    (
        "yaml_binary_after_header",
        {"t.yaml": HEAD.encode() + b"Resources:\n\xff\xfe\x00\x00"},
        "t.yaml",
        "not UTF-8 text",
        2,
    ),
    (
        "sls_binary",
        {"svc/serverless.yml": b"service: x\n\xc3\x28\x00"},
        "svc/serverless.yml",
        "not UTF-8 text",
        2,
    ),
    (
        "condition_cycle",
        {
            "t.yaml": cfn_fn("      Timeout: !If [A, 3, 4]\n")
            + "Conditions:\n  A: !Condition B\n  B: !Condition A\n"
        },
        "t.yaml",
        "refers to itself",
        0,
    ),
    (
        "unknown_intrinsic",
        {"t.yaml": cfn_fn("      Timeout: {'Fn::Bogus': [1, 2]}\n")},
        "t.yaml",
        "intrinsic function Fn::Bogus is not understood",
        0,
    ),
    (
        "ref_to_nothing",
        {"t.yaml": cfn_fn("      Timeout: !Ref Nowhere\n")},
        "t.yaml",
        "!Ref Nowhere names no parameter or resource",
        0,
    ),
    (
        "sls_variable_cycle",
        {
            "svc/serverless.yml": sls(
                "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n",
                "    environment:\n      X: ${self:custom.a}\n",
            )
        },
        "svc/serverless.yml",
        "variable cycle through",
        0,
    ),
    (
        "sls_variable_self_cycle",
        {
            "svc/serverless.yml": sls(
                "custom:\n  a: x${self:custom.a}\n", "    timeout: ${self:custom.a}\n"
            )
        },
        "svc/serverless.yml",
        "variable cycle through custom.a",
        0,
    ),
    (
        "sls_file_outside_root",
        {"svc/serverless.yml": sls("custom: ${file(../../../../etc/passwd)}\n")},
        "svc/serverless.yml",
        "is outside the scanned folder",
        0,
    ),
    (
        "sls_file_is_code",
        {
            "svc/serverless.yml": sls("custom: ${file(./evil.js)}\n"),
            "svc/evil.js": "require('fs').writeFileSync('/tmp/fnguard-pwned', 'x')\n",
        },
        "svc/serverless.yml",
        "file(./evil.js) is code; fnguard does not run it",
        0,
    ),
    (
        "sls_file_is_a_device",
        {"svc/serverless.yml": sls("custom: ${file(./dev.yml)}\n")},
        "svc/dev.yml",
        "not a regular file (a device, FIFO or socket): not read",
        2,
    ),
    (
        "sls_unknown_variable_source",
        {
            "svc/serverless.yml": sls(
                "custom:\n  a: ${evil:rm -rf /}\n", "    timeout: ${self:custom.a}\n"
            )
        },
        "svc/serverless.yml",
        "variable source evil is not understood",
        0,
    ),
    (
        "sls_unclosed_variable",
        {
            "svc/serverless.yml": sls(
                "custom:\n  a: ${self:custom.b\n", "    timeout: ${self:custom.a}\n"
            )
        },
        "svc/serverless.yml",
        "unclosed variable in ${self:custom.b",
        0,
    ),
    (
        "sls_variables_nested_deeply",
        {
            "svc/serverless.yml": sls(
                "custom:\n  a: " + "${opt:x, " * 40 + "1" + "}" * 40 + "\n",
                "    timeout: ${self:custom.a}\n",
            )
        },
        "svc/serverless.yml",
        "variables nested too deeply",
        0,
    ),
]


@pytest.mark.parametrize(
    ("files", "file", "reason", "code"), [g[1:] for g in GAPS], ids=[g[0] for g in GAPS]
)
def test_gap(
    scan: Callable[..., Outcome],
    tmp_path: Path,
    files: dict[str, str | bytes],
    file: str,
    reason: str,
    code: int,
) -> None:
    if "dev.yml" in str(files):
        link = tmp_path / "tree" / "svc" / "dev.yml"
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to("/dev/zero")
    outcome = scan(files)
    assert_gap(outcome, file, reason, exit_code=code)
    if "dev.yml" in str(files):  # the link leads out of the tree: the variable is a gap too
        reasons = [g["reason"] for g in outcome.report()["gaps"]]
        assert "file(./dev.yml) is outside the scanned folder" in reasons


ROLE_REFS_FN = (
    "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
    "      RoleName: !Ref Fn\n      AssumeRolePolicyDocument: !GetAtt Fn.Arn\n"
)
JUNK_POLICY = "            Statement: [{Effect: Maybe, Action: 7, Resource: {a: b}}, 5, null]\n"
SAM_JUNK = (
    "  S:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      Events: [1, 2]\n      Policies: 7\n"
)

DONE = [
    ("bom_and_crlf_yaml", {"t.yaml": "\ufeff" + cfn_fn().replace("\n", "\r\n")}),
    ("bom_json", {"t.json": "\ufeff" + JSON_FN}),
    ("unknown_yaml_tag", {"t.yaml": cfn_fn("      Timeout: !Bogus 3\n")}),
    (
        "resource_getatt_cycle",
        {
            "t.yaml": cfn_fn("      Environment: {Variables: {R: !GetAtt Role.Arn}}\n")
            + ROLE_REFS_FN
        },
    ),
    ("sub_unterminated", {"t.yaml": cfn_fn("      Description: !Sub 'abc ${AWS::Region'\n")}),
    (
        "huge_sub_string",
        {"t.yaml": cfn_fn("      Description: !Sub '" + "${AWS::Region}" * 50000 + "'\n")},
    ),
    (
        "anchors_within_limit",
        {"t.yaml": cfn_fn("      Tags: &t [{Key: a, Value: b}]\n") + "Metadata: {x: *t}\n"},
    ),
    ("policy_10000_statements", {"t.yaml": with_role(TRUST, statements(10_000))}),
    ("policy_junk_statements", {"t.yaml": with_role("[1, 2]", JUNK_POLICY)}),
    ("sam_globals_wrong_type", {"t.yaml": cfn_fn().replace(HEAD, SAM + "Globals: 5\n")}),
    ("sam_function_events_junk", {"t.yaml": cfn_fn().replace(HEAD, SAM) + SAM_JUNK}),
    ("sls_events_junk", {"svc/serverless.yml": sls(fn_extra="    events: {http: 5}\n")}),
]


@pytest.mark.parametrize("files", [d[1] for d in DONE], ids=[d[0] for d in DONE])
def test_completes(scan: Callable[..., Outcome], files: dict[str, str | bytes]) -> None:
    outcome = scan(files)
    assert_bounded(outcome)
    assert outcome.code in (0, 2), outcome.stderr
    assert sentinel_scanned(outcome)
