"""No output repeats a secret: secrets planted in every place the IaC readers take them from
(environment variables written as literals, in interpolated strings, in variable defaults and
tfvars, in SAM Globals, serverless provider and function environments, serverless custom
values) never appear in full in any report format, in the baseline file or on stderr.

The scan must see them (SEC001 fires for the literal ones), or the test would prove nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Distinct, realistic, and each unlikely to appear by accident.
SECRETS = {
    "tf_literal": "sk_live_51HbQ2kLmN0pQ8rStUvWxYz1234567890ab",
    "tf_interpolated": "Zq8vL2pR9wT4xK7mN3bQ6",
    "tf_var_default": "ghp_Xy7Kp2Lm9Nq4Rs8Tv3Wz6Ab1Cd5Ef0Gh2Jk4",
    "tf_tfvars": "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
    "tf_locals_json": "AKIAQ3EGUWSHP7NOCKEX",
    "cfn_literal": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKY",
    "cfn_sub": "P4ssw0rdInS5bStr1ngQ9",
    "cfn_parameter_default": "glpat-Ab3De6Gh9Jk2Mn5Pq8St",
    "sam_globals": "SG.aBcDeFgHiJkLmNoPqRsTuV.wXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ01",
    "sls_provider": "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "sls_function": "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "sls_custom": "dapi1234567890abcdef1234567890abcdef",
    "cfn_sub_with_resource": "Hq7Wm2Xp9Lr4Tn6Vb3Zc8",
    "sls_with_reference": "Rk5Jp8Mw2Qs7Xv4Nb9Lt3",
}


TERRAFORM = f"""
variable "token" {{
  default = "{SECRETS["tf_var_default"]}"
}}
variable "slack" {{}}
locals {{
  creds = jsonencode({{ key = "{SECRETS["tf_locals_json"]}" }})
}}
resource "aws_lambda_function" "f" {{
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  runtime       = "python3.12"
  handler       = "h.h"
  filename      = "f.zip"
  environment {{
    variables = {{
      STRIPE_SECRET_KEY = "{SECRETS["tf_literal"]}"
      DATABASE_URL      = "postgres://admin:{SECRETS["tf_interpolated"]}@${{var.host}}/db"
      GITHUB_TOKEN      = var.token
      SLACK_TOKEN       = var.slack
      AWS_CREDS         = local.creds
    }}
  }}
}}
variable "host" {{}}
"""

TFVARS = f'slack = "{SECRETS["tf_tfvars"]}"\n'

TEMPLATE = f"""AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Token:
    Type: String
    Default: {SECRETS["cfn_parameter_default"]}
Globals:
  Function:
    Environment:
      Variables:
        SENDGRID_API_KEY: {SECRETS["sam_globals"]}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: h.h
      CodeUri: src/
      Environment:
        Variables:
          AWS_SECRET_ACCESS_KEY: {SECRETS["cfn_literal"]}
          DB_PASSWORD: !Sub "{SECRETS["cfn_sub"]}-${{AWS::Region}}"
          GITLAB_TOKEN: !Ref Token
          DB_URL: !Sub "mysql://app:{SECRETS["cfn_sub_with_resource"]}@${{Db.Endpoint.Address}}/x"
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
"""

SERVICE = f"""service: svc
custom:
  dbToken: {SECRETS["sls_custom"]}
provider:
  name: aws
  runtime: python3.12
  environment:
    NPM_TOKEN: {SECRETS["sls_provider"]}
functions:
  f:
    handler: h.h
    environment:
      GOOGLE_API_KEY: {SECRETS["sls_function"]}
      DATABRICKS_TOKEN: ${{self:custom.dbToken}}
      REDIS_URL: "redis://:{SECRETS["sls_with_reference"]}@${{ssm:/cache/host}}:6379"
"""


def _fnguard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fnguard", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("leaks")
    tree = root / "tree"
    (tree / "tf").mkdir(parents=True)
    (tree / "tf" / "main.tf").write_text(TERRAFORM)
    (tree / "tf" / "terraform.tfvars").write_text(TFVARS)
    (tree / "sam").mkdir()
    (tree / "sam" / "template.yaml").write_text(TEMPLATE)
    (tree / "sls").mkdir()
    (tree / "sls" / "serverless.yml").write_text(SERVICE)
    reports = {
        fmt: root / f"report.{ext}"
        for fmt, ext in (("text", "txt"), ("json", "json"), ("sarif", "sarif"), ("junit", "xml"))
    }
    argv = ["scan", str(tree), "--no-progress", "--fail-on", "none"]
    for fmt, path in reports.items():
        argv += ["--format", fmt, "--output", str(path)]
    scanned = _fnguard(*argv)
    assert scanned.returncode in (0, 2), scanned.stderr
    baseline = root / "baseline.json"
    based = _fnguard("baseline", str(tree), "--output", str(baseline))
    got = {fmt: path.read_text(encoding="utf-8") for fmt, path in reports.items()}
    got["baseline"] = baseline.read_text(encoding="utf-8")
    got["stderr"] = scanned.stderr + based.stderr + based.stdout
    return got


def test_the_scan_saw_the_literal_secrets(outputs: dict[str, str]) -> None:
    import json

    report = json.loads(outputs["json"])
    flagged = {f["resource"] for f in report["findings"] if f["rule_id"] == "SEC001"}
    assert len(flagged) >= 3, flagged  # one function per format at least


@pytest.mark.parametrize("where", ["text", "json", "sarif", "junit", "baseline", "stderr"])
@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_no_output_contains_a_secret_in_full(
    outputs: dict[str, str], where: str, secret: str
) -> None:
    assert SECRETS[secret] not in outputs[where]
