"""The second statement of a public function URL (InvokedViaFunctionUrl) end to end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_cfn.cfn_helpers import collect_source

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import FindingStatus, Inventory
from fnguard.rules import RuleContext, get_rule

if TYPE_CHECKING:
    from pathlib import Path

_SAM = (
    "Transform: AWS::Serverless-2016-10-31\nResources:\n"
    "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      Runtime: python3.12\n      Handler: a.b\n      CodeUri: .\n"
    "      FunctionUrlConfig: {AuthType: NONE}\n"
)

_CFN = """Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: a.b
      Role: arn:aws:iam::111122223333:role/r
      Code: {ZipFile: x}
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: "*"
      InvokedViaFunctionUrl: %s
"""


def _fired(rule_id: str, inv: Inventory) -> list[str]:
    ctx = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return [
        f.resource
        for f in get_rule(rule_id).check(inv, ctx)
        if f.status is not FindingStatus.UNKNOWN
    ]


def test_public_sam_url_is_exp002_not_exp001(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, _SAM)
    assert _fired("EXP001", inv) == []
    assert _fired("EXP002", inv) != []


def test_cfn_property_maps_to_the_field(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, _CFN % "true")
    ((perm,),) = [inv.permissions]
    assert perm.invoked_via_function_url is True
    assert _fired("EXP001", inv) == []


def test_near_miss_a_plain_public_grant_still_fires(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, _CFN % "false")
    assert [p.invoked_via_function_url for p in inv.permissions] == [False]
    assert _fired("EXP001", inv) == ["Invoke"]
