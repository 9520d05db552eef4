"""Intrinsic functions resolved offline, probed through environment variables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_cfn.cfn_helpers import collect_source

if TYPE_CHECKING:
    from pathlib import Path

_HEAD = """\
Parameters:
  Env: {Type: String, Default: prod}
  Zones: {Type: CommaDelimitedList, Default: "a,b,c"}
  NoDefault: {Type: String}
  FromSsm: {Type: "AWS::SSM::Parameter::Value<String>", Default: /app/db-password}
Mappings:
  Regions:
    prod: {Size: large}
Conditions:
  Prod: !Equals [!Ref Env, prod]
  Unknown: !Equals [!Ref NoDefault, x]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: data}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: a.b
      Role: arn:aws:iam::123456789012:role/r
      Code: {S3Bucket: b, S3Key: k}
      Environment:
        Variables:
"""


def _env(tmp_path: Path, variables: str) -> dict[str, tuple[str | None, bool, str | None]]:
    inv = collect_source(tmp_path, _HEAD + variables)
    return {e.name: (e.value, e.is_reference, e.source_expr) for e in inv.functions[0].environment}


def test_values_that_resolve_to_text(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        "          SUB_VARS: !Sub ['${A}-${Env}', {A: x}]\n"
        "          SUB_NAME: !Sub 'arn:aws:s3:::${Bucket}/*'\n"
        "          SUB_LITERAL: !Sub '${!Literal}'\n"
        "          PARTITION: !Sub 'arn:${AWS::Partition}:s3:::x'\n"
        "          JOIN: !Join ['/', [a, !Ref Env]]\n"
        "          SELECT: !Select [1, !Ref Zones]\n"
        "          SPLIT: !Select [2, !Split [',', 'x,y,z']]\n"
        "          MAP: !FindInMap [Regions, !Ref Env, Size]\n"
        "          MAP_DEFAULT: !FindInMap [Regions, dev, Size, {DefaultValue: small}]\n"
        "          IF: !If [Prod, yes-prod, no]\n"
        "          B64: !Base64 plain\n"
        "          LONG_FORM: {'Fn::Join': ['', [a, b]]}\n",
    )
    assert env == {
        "SUB_VARS": ("x-prod", False, None),
        "SUB_NAME": ("arn:aws:s3:::data/*", False, None),  # a bucket's Ref is its name
        "SUB_LITERAL": ("${Literal}", False, None),
        "PARTITION": ("arn:aws:s3:::x", False, None),
        "JOIN": ("a/prod", False, None),
        "SELECT": ("b", False, None),
        "SPLIT": ("z", False, None),
        "MAP": ("large", False, None),
        "MAP_DEFAULT": ("small", False, None),
        "IF": ("yes-prod", False, None),
        "B64": ("plain", False, None),
        "LONG_FORM": ("ab", False, None),
    }


def test_references_and_unknowns(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        "          REF: !Ref Bucket\n"
        "          ATT: !GetAtt Bucket.Arn\n"
        "          ATT_LIST: !GetAtt [Bucket, DomainName]\n"
        "          SUB_ATT: !Sub '${Bucket.Arn}/in'\n"
        "          IMPORT: !ImportValue shared\n"
        "          SSM: '{{resolve:ssm:/app/key}}'\n"
        "          SSM_ARN: arn:aws:ssm:eu-west-1:123456789012:parameter/app/key\n"
        "          NO_DEFAULT: !Ref NoDefault\n"
        "          IF_UNKNOWN: !If [Unknown, a, b]\n"
        "          IF_SAME: !If [Unknown, same, same]\n"
        "          SSM_PARAM: !Ref FromSsm\n",
    )
    assert env == {
        "REF": (None, True, "Bucket"),
        "ATT": (None, True, "Bucket.Arn"),
        "ATT_LIST": (None, True, "Bucket.DomainName"),
        "SUB_ATT": (None, True, "${Bucket.Arn}/in"),
        "IMPORT": (None, True, '!ImportValue "shared"'),
        "SSM": ("{{resolve:ssm:/app/key}}", True, "{{resolve:ssm:/app/key}}"),
        "SSM_ARN": ("arn:aws:ssm:eu-west-1:123456789012:parameter/app/key", True, None),
        "NO_DEFAULT": (None, False, "${NoDefault}"),
        "IF_UNKNOWN": (None, False, "!If Unknown"),
        "IF_SAME": ("same", False, None),
        "SSM_PARAM": (None, True, "{{resolve:ssm:/app/db-password}}"),
    }


def test_globals_api_auth_reaches_the_implicit_api(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals:\n  Api:\n    Auth:\n      DefaultAuthorizer: AWS_IAM\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: a.b\n      CodeUri: .\n"
        "      Events:\n"
        "        Get: {Type: Api, Properties: {Path: /a, Method: get}}\n"
        "        Open:\n          Type: Api\n"
        "          Properties: {Path: /b, Method: get, Auth: {Authorizer: NONE}}\n",
    )
    assert {d.address: d.authorization for d in inv.front_doors} == {
        "FnGet": "AWS_IAM",
        "FnOpen": "NONE",
    }
