"""Hostile trees, configurations, baselines and policies, one kind per case.

Trees: a 100 MB single-line file, symbolic-link loops, links to devices, FIFOs, unreadable files
and folders. ``fnguard.toml``: broken TOML, deep nesting, unknown keys, bad limits, regular
expressions where rule IDs belong. Baselines: not JSON, too deep, wrong shape. Policies: a
wildcard pattern that backtracks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hostile.conftest import SENTINEL, assert_error, assert_gap, write_tree
from hostile.hostile_sandbox import run_cli

from fnguard.config import load_config

if TYPE_CHECKING:
    from collections.abc import Callable

    from hostile.hostile_sandbox import Outcome

HUNDRED_MB = 100 * 1024 * 1024
REPO = Path(__file__).resolve().parents[2]


def huge_line(path: Path, head: bytes) -> None:
    """A 100 MB file of one line, written in 1 MB pieces."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chunk = b"a" * (1024 * 1024)
    with path.open("wb") as out:
        out.write(head)
        for _ in range(100):
            out.write(chunk)


# ----------------------------------------------------------------------------- trees


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("huge.tf", b'locals { a = "'),
        ("huge.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\nX: "),
        ("serverless.yml", b"service: x\ncustom: "),
    ],
    ids=["tf", "cfn_yaml", "serverless"],
)
def test_single_line_file_of_100_mb_is_a_limit_gap(
    scan: Callable[..., Outcome], tmp_path: Path, name: str, head: bytes
) -> None:
    huge_line(tmp_path / "tree" / "big" / name, head)
    size = f"{HUNDRED_MB + len(head):,}"
    assert_gap(
        scan({}),
        f"big/{name}",
        f"file of {size} bytes: exceeds the max-file-bytes limit (64MB); "
        "raise it with --limit max-file-bytes=N if the input is trusted",
    )


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("h/main.tf", "# x\n"),
        ("h/template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"),
        ("h/serverless.yml", "service: x\n"),
    ],
    ids=["tf", "cfn_yaml", "serverless"],
)
def test_file_over_a_configured_limit_names_the_limit(
    scan: Callable[..., Outcome], name: str, head: str
) -> None:
    text = head + "# padding\n" * 200
    outcome = scan({"fnguard.toml": '[limits]\nmax-file-bytes = "1KB"\n', name: text})
    size = f"{len(text):,}"
    assert_gap(outcome, name, f"file of {size} bytes: exceeds the max-file-bytes limit (1KB)")


def test_symlink_loop_of_folders_is_not_followed(
    scan: Callable[..., Outcome], tmp_path: Path
) -> None:
    (tmp_path / "tree" / "a").mkdir(parents=True)
    (tmp_path / "tree" / "a" / "loop").symlink_to("..")
    (tmp_path / "tree" / "a" / "self").symlink_to(".")
    outcome = scan({})
    assert outcome.code == 0 and not outcome.timed_out
    assert outcome.report()["gaps"] == [
        g for g in outcome.report()["gaps"] if g["location"]["file"].startswith("zz_sentinel")
    ]


def test_symlink_loop_of_files_is_a_gap(scan: Callable[..., Outcome], tmp_path: Path) -> None:
    folder = tmp_path / "tree" / "h"
    folder.mkdir(parents=True)
    (folder / "a.tf").symlink_to("b.tf")
    (folder / "b.tf").symlink_to("a.tf")
    assert_gap(scan({}), "h/a.tf", "Too many levels of symbolic links")


def test_dangling_symlink_is_a_gap(scan: Callable[..., Outcome], tmp_path: Path) -> None:
    (tmp_path / "tree" / "h").mkdir(parents=True)
    (tmp_path / "tree" / "h" / "main.tf").symlink_to("/nonexistent/main.tf")
    assert_gap(scan({}), "h/main.tf", "No such file or directory")


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
def test_source_linked_to_a_device_is_not_read(
    scan: Callable[..., Outcome], tmp_path: Path, target: str
) -> None:
    (tmp_path / "tree" / "h").mkdir(parents=True)
    (tmp_path / "tree" / "h" / "main.tf").symlink_to(target)
    assert_gap(scan({}), "h/main.tf", "not a regular file (a device, FIFO or socket): not read")


def test_fifo_named_like_a_template_does_not_block(
    scan: Callable[..., Outcome], tmp_path: Path
) -> None:
    (tmp_path / "tree" / "h").mkdir(parents=True)
    os.mkfifo(tmp_path / "tree" / "h" / "template.yaml")
    assert_gap(scan({}), "h/template.yaml", "not a regular file")


def _unprivileged_scan(root: Path) -> subprocess.CompletedProcess[str]:
    from unprivileged import permission_honouring_prefix

    prefix = permission_honouring_prefix()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    argv = [sys.executable, "-m", "fnguard", "scan", str(root), "--format", "json"]
    return subprocess.run(
        [*prefix, *argv, "--no-progress", "--fail-on", "none"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("what", ["file", "folder"])
def test_unreadable_source_is_a_gap(tmp_path: Path, what: str) -> None:
    import json

    root = write_tree(tmp_path, {"zz_sentinel/main.tf": SENTINEL, "h/main.tf": 'variable "x" {}\n'})
    locked = root / "h" / "main.tf" if what == "file" else root / "h"
    locked.chmod(0)
    try:
        done = _unprivileged_scan(root)
    finally:
        locked.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    gaps = json.loads(done.stdout)["gaps"]
    expected = "cannot read: Permission denied" if what == "file" else "cannot read folder"
    assert any(expected in g["reason"] for g in gaps), gaps
    assert any(f["rule_id"] == "LIM001" for f in json.loads(done.stdout)["findings"])


# ----------------------------------------------------------------------------- fnguard.toml


CONFIGS = [
    ("toml_syntax", 'select = ["IAM"\n', "fnguard.toml:2: invalid TOML"),
    (
        "toml_deep_arrays",
        "x = " + "[" * 5000 + "]" * 5000 + "\n",
        "fnguard.toml: invalid TOML (nested too deeply)",
    ),
    ("toml_unknown_key", "colour = 1\n", "fnguard.toml:1: colour: expected one of"),
    (
        "toml_bad_limit",
        '[thresholds]\nmin-azs = 2\n\n[limits]\nmax-file-bytes = "lots"\n',
        'fnguard.toml:5: [limits] max-file-bytes: expected a size, e.g. 67108864 or "64MB", '
        "not 'lots'",
    ),
    (
        "toml_unknown_limit",
        "[limits]\nmax-fun = 3\n",
        "fnguard.toml:2: [limits] max-fun: expected a limit name: one of max-file-bytes",
    ),
    ("toml_zero_limit", "[limits]\nmax-nesting-depth = 0\n", "fnguard.toml:2: [limits]"),
    ("toml_limits_not_a_table", "limits = 5\n", "fnguard.toml:1: limits: expected a table"),
    (
        "toml_regex_as_rule",
        'select = ["IAM.*"]\n',
        "fnguard.toml:1: select: expected a rule ID like IAM001 or a prefix like IAM, not 'IAM.*'",
    ),
    (
        "toml_backtracking_regex_as_rule",
        'ignore = ["(a+)+$"]\n',
        "fnguard.toml:1: ignore: expected a rule ID like IAM001",
    ),
    ("toml_binary", b"\xff\xfe\x00select", "fnguard.toml: cannot read configuration"),
    ("toml_bad_severity", '[severity]\nIAM001 = "apocalyptic"\n', "fnguard.toml:2: IAM001:"),
    ("toml_negative_threshold", "[thresholds]\nmin-azs = -1\n", "fnguard.toml:2: min-azs:"),
]


@pytest.mark.parametrize(("text", "line"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS])
def test_broken_configuration_is_one_line(
    scan: Callable[..., Outcome], tmp_path: Path, text: str | bytes, line: str
) -> None:
    assert_error(scan({"fnguard.toml": text}), str(tmp_path / "tree" / line))


def test_configuration_patterns_are_plain_text_not_regular_expressions(tmp_path: Path) -> None:
    """No configuration value is a regular expression: a pattern that would backtrack is kept
    as written and compared as text (``Config.rule_enabled``, ``allowed-public``)."""
    path = tmp_path / "fnguard.toml"
    path.write_text('[thresholds]\nallowed-public = ["(a+)+$", "f.*"]\n', encoding="utf-8")
    config = load_config(path)
    assert config.thresholds.allowed_public == ("(a+)+$", "f.*")
    assert config.rule_enabled("IAM001")


# ----------------------------------------------------------------------------- baselines


BASELINES = [
    ("baseline_not_json", "{nope", "base.json:1: baseline is not JSON"),
    (
        "baseline_deep",
        "[" * 100_000 + "]" * 100_000,
        "base.json:1: baseline nested too deeply to be one",
    ),
    ("baseline_wrong_version", '{"version": 9, "findings": []}', "base.json:1: expected a fnguard"),
    ("baseline_findings_not_list", '{"version": 1, "findings": 5}', "base.json:1: expected"),
    (
        "baseline_entry_without_fingerprint",
        '{"version": 1, "findings": [{"rule_id": "IAM001"}, 7]}',
        "base.json: every finding needs a fingerprint",
    ),
    ("baseline_binary", b"\x00\xff\xfe", "base.json: cannot read baseline"),
    ("baseline_empty", "", "base.json:1: baseline is not JSON"),
]


@pytest.mark.parametrize(
    ("text", "line"), [b[1:] for b in BASELINES], ids=[b[0] for b in BASELINES]
)
def test_malformed_baseline_is_one_line(
    tmp_path: Path, request: pytest.FixtureRequest, text: str | bytes, line: str
) -> None:
    write_tree(tmp_path, {"base.json": text, "tree/zz_sentinel/main.tf": SENTINEL})
    argv = ["scan", str(tmp_path / "tree"), "--baseline", str(tmp_path / "base.json")]
    outcome = run_cli([*argv, "--no-progress"], request.node.name)
    assert_error(outcome, str(tmp_path / line))


# ----------------------------------------------------------------------------- policies


BACKTRACKING_POLICY = """
resource "aws_s3_bucket" "b" {
  bucket = "BUCKET"
}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})
  inline_policy {
    name   = "p"
    policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
      Action = "s3:*", Resource = "arn:aws:s3:::PATTERN/*"}]})
  }
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.r.arn
  runtime       = "python3.12"
  handler       = "h.h"
  filename      = "f.zip"
}
resource "aws_s3_bucket_notification" "n" {
  bucket = aws_s3_bucket.b.id
  lambda_function {
    lambda_function_arn = aws_lambda_function.f.arn
    events              = ["s3:ObjectCreated:*"]
  }
}
""".replace("BUCKET", "a" * 61).replace("PATTERN", "a*" * 13 + "b")


def test_backtracking_wildcard_in_a_policy_is_bounded(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"h/main.tf": BACKTRACKING_POLICY})
    argv = ["scan", str(tmp_path), "--format", "json", "--no-progress", "--fail-on", "none"]
    outcome = run_cli(argv, request.node.name, timeout=3)
    assert not outcome.timed_out
