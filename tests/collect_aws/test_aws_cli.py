"""`fnguard scan aws` through the real CLI against a seeded moto server process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conftest import cli_env

if TYPE_CHECKING:
    from aws_seed import Seeded

REPO = Path(__file__).resolve().parents[2]


def fnguard(*args: str, env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fnguard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def scan(seeded: Seeded, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = fnguard(
        "scan",
        "aws",
        "--endpoint-url",
        seeded.endpoint,
        "--region",
        "us-east-1",
        "--format",
        "json",
        *extra,
        env=cli_env(),
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done, json.loads(done.stdout)


def test_findings_per_function_are_exactly_the_planted_ones(aws_account: Seeded) -> None:
    done, report = scan(aws_account)
    assert done.returncode == 1
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        assert finding["status"] == "fail"
        name = (finding["function"] or finding["resource"]).rsplit(":", 1)[-1]
        found.setdefault(name, set()).add(finding["rule_id"])
    # Every function lacks code signing (PKG008). moto 5.2 drops LoggingConfig, so every
    # function reports Text logs (LOG002); the mapping of LoggingConfig is tested elsewhere.
    assert found == {
        "public-api": {
            "EXP001",  # Principal "*" without a condition
            "EXP002",  # URL AuthType NONE
            "EXP005",  # open URL with no WAF in front
            "IAM001",  # AdministratorAccess
            "IAM004",  # ... which reads every secret
            "SEC001",  # DB_PASSWORD in plaintext
            "SEC002",  # environment under the AWS-managed key
            "LIM005",  # public and no reserved concurrency
            "LOG001",  # tracing PassThrough
            "LOG002",
            "LOG003",  # the account's trail records the hardened function only
            "PKG008",
        },
        "queue-worker": {"LIM004", "LOG002", "LOG003", "PKG008"},  # timeout > visibility / 6
        "thumbnailer": {"RUN001", "LIM006", "LOG002", "LOG003", "PKG008"},  # own bucket
        "hardened": {"LOG002", "PKG008"},
    }


def test_reports_name_arns_and_aws_locations(aws_account: Seeded) -> None:
    _, report = scan(aws_account, "--select", "EXP002")
    (finding,) = report["findings"]
    assert finding["function"] == aws_account.functions["public-api"]
    assert finding["location"] == {
        "file": "aws://123456789012/us-east-1/lambda/public-api",
        "line": 0,
    }
    assert report["targets"] == ["aws://123456789012/global", "aws://123456789012/us-east-1"]


def test_stderr_summarises_what_was_read_and_refused(aws_account: Seeded) -> None:
    done, report = scan(aws_account, "--select", "LOG001")
    summary = [line for line in done.stderr.splitlines() if line.startswith("fnguard: aws:")]
    assert summary == [
        "fnguard: aws: read 4 functions, 4 roles, 4 triggers, 2 front doors in 1 account(s) "
        "x 1 region(s); refused: lambda:GetFunctionRecursionConfig (404) x4, "
        "lambda:ListCodeSigningConfigs (404) x1"
    ]
    # moto does not serve GetFunctionRecursionConfig: one gap per function, in the report.
    gaps = [g for g in report["gaps"] if g["field"] == "recursive_loop"]
    assert sorted(g["resource"] for g in gaps) == sorted(aws_account.functions.values())


def test_endpoint_from_the_environment(aws_account: Seeded) -> None:
    done = fnguard(
        "scan", "aws", "--format", "json", "--select", "IAM001", env=cli_env(aws_account.endpoint)
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [f["function"] for f in report["findings"]] == [aws_account.functions["public-api"]]


def test_dot_slash_aws_is_a_folder(tmp_path: Path) -> None:
    done = fnguard("scan", "./aws", env=cli_env(), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "fnguard: aws: no such file or folder"
    (tmp_path / "aws").mkdir()
    (tmp_path / "aws" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    done = fnguard("scan", "./aws", "--format", "json", env=cli_env(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["targets"] == ["aws"]


def test_live_options_need_the_aws_source(tmp_path: Path) -> None:
    done = fnguard("scan", str(tmp_path), "--region", "eu-west-1", env=cli_env())
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "fnguard: --region applies to `fnguard scan aws` only",
    )
    done = fnguard("scan", "aws", "--external-id", "x", env=cli_env())
    assert (done.returncode, done.stderr.strip()) == (2, "fnguard: --external-id needs --role-arn")
    done = fnguard("scan", "aws", "--org", env=cli_env())
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "fnguard: --org and --org-role-name go together",
    )


def test_unreachable_endpoint_is_one_line_and_exit_2() -> None:
    done = fnguard("scan", "aws", "--endpoint-url", "http://127.0.0.1:9", env=cli_env())
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("fnguard: aws: no usable AWS credentials (")


def test_version_and_terraform_scans_do_not_import_boto3(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    code = (
        "import sys, io; from fnguard.cli import main; "
        f"main(['--version'], io.StringIO()); main(['scan', {str(tmp_path)!r}], io.StringIO()); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=120
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_without_boto3_the_error_says_what_to_install() -> None:
    code = (
        "import sys\n"
        "class Hide:\n"
        "    @staticmethod\n"
        "    def find_spec(name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('boto3', 'botocore'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Hide)\n"
        "from fnguard.cli import main\n"
        "sys.exit(main(['scan', 'aws']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=120
    )
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "fnguard: `fnguard scan aws` needs boto3: pip install 'fnguard[aws]'",
    )


def test_baseline_of_a_live_account_silences_its_findings(
    aws_account: Seeded, tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.json"
    live = ("aws", "--endpoint-url", aws_account.endpoint, "--region", "us-east-1")
    done = fnguard("baseline", *live, "--output", str(baseline), env=cli_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote 26 findings to {baseline}\n"
    done, report = scan(aws_account, "--baseline", str(baseline))
    assert (done.returncode, report["findings"]) == (0, [])
