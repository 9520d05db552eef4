"""Accounts and regions: an organisation through an assumed role, every enabled region, the
progress per unit, and an account that cannot be reached (a gap, not an aborted scan)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from conftest import cli_env

from fnguard.collect.aws import Access, AwsOptions, Unit, collect_aws, run_unit
from fnguard.model import Function

if TYPE_CHECKING:
    from pathlib import Path

    from aws_seed import Seeded

REGION = "us-east-1"


@pytest.fixture(scope="module")
def member(aws_account: Seeded) -> str:
    """A member account of a new organisation, with one function, reached by assuming a role."""
    ep = aws_account.endpoint
    org = boto3.client("organizations", endpoint_url=ep, region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    status = org.create_account(AccountName="member", Email="member@example.com")
    account = str(status["CreateAccountStatus"]["AccountId"])
    creds = boto3.client("sts", endpoint_url=ep, region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/audit", RoleSessionName="seed"
    )["Credentials"]
    session = boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )
    trust = {"Version": "2012-10-17", "Statement": []}
    role = session.client("iam", endpoint_url=ep).create_role(
        RoleName="member-fn", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return {}\n")
    session.client("lambda", endpoint_url=ep).create_function(
        FunctionName="member-fn",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": buf.getvalue()},
    )
    return account


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def stage(self, label: str, total: int) -> None:
        self.calls.append(("stage", (label, total)))

    def advance(self, amount: int = 1) -> None:
        self.calls.append(("advance", amount))


def test_organisation_reads_every_account(aws_account: Seeded, member: str) -> None:
    progress = Recorder()
    options = AwsOptions(
        access=Access(endpoint_url=aws_account.endpoint), regions=(REGION,), org_role_name="audit"
    )
    inventory = collect_aws(options, progress)
    assert inventory.sources == tuple(
        sorted(
            [
                "aws://123456789012/global",
                "aws://123456789012/us-east-1",
                f"aws://{member}/global",
                f"aws://{member}/us-east-1",
            ]
        )
    )
    fn = inventory.get(f"arn:aws:lambda:{REGION}:{member}:function:member-fn")
    assert isinstance(fn, Function)
    role = inventory.role_of(fn)
    assert role is not None and role.address == f"arn:aws:iam::{member}:role/member-fn"
    assert len(inventory.functions) == len(aws_account.functions) + 1
    assert progress.calls == [
        ("stage", ("reading AWS (accounts x regions)", 4)),
        *[("advance", 1)] * 4,
    ]


def test_every_enabled_region(aws_account: Seeded) -> None:
    ec2 = boto3.client("ec2", endpoint_url=aws_account.endpoint, region_name=REGION)
    regions = sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
    inventory = collect_aws(
        AwsOptions(access=Access(endpoint_url=aws_account.endpoint), regions=("all",))
    )
    assert inventory.sources == tuple(
        sorted(["aws://123456789012/global", *(f"aws://123456789012/{r}" for r in regions)])
    )
    assert {f.address.split(":")[3] for f in inventory.functions} == {REGION}


def test_unreachable_account_is_a_gap() -> None:
    unit = Unit(Access(profile="fnguard-no-such-profile"), "210987654321", REGION, REGION)
    inventory = run_unit(unit)
    (gap,) = inventory.gaps
    assert (gap.resource, gap.location.file) == (
        "aws://210987654321/us-east-1",
        "aws://210987654321/us-east-1/sts",
    )
    assert gap.reason.startswith("aws: cannot open AWS profile fnguard-no-such-profile")


def test_live_account_and_a_folder_together(aws_account: Seeded, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "f" {\n'
        '  function_name = "iac"\n  role = "arn:aws:iam::1:role/x"\n'
        '  runtime = "python3.12"\n  handler = "a.h"\n  filename = "f.zip"\n}\n'
    )
    args = ["scan", "aws", str(tmp_path), "--format", "json", "--select", "LOG001"]
    args += ["--endpoint-url", aws_account.endpoint, "--region", REGION]
    done = subprocess.run(
        [sys.executable, "-m", "fnguard", *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=300,
    )
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["targets"] == [
        str(tmp_path),
        "aws://123456789012/global",
        "aws://123456789012/us-east-1",
    ]
    assert sorted(f["function"] for f in report["findings"]) == [
        aws_account.functions["public-api"],
        "aws_lambda_function.f",
    ]
