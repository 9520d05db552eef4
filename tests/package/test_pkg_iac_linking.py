"""IaC -> packages: Terraform, CloudFormation, SAM and serverless.yml link functions to a zip
and a layer; the package stage then finds both and names every function deploying them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from package.pkgkit import EM_AARCH64, Item, NullInspector, elf, sha256, write_zip
from rules_network.rulekit import ctx

from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.collect.package import PackageEnricher
from fnguard.collect.serverless import ServerlessCollector
from fnguard.collect.terraform import TerraformCollector
from fnguard.model import Architecture, Inventory, Layer, Location, PackageRef
from fnguard.rules.package import ARTIFACT_RULES

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.collect import Collector


def _zips(root: Path, code: str, layer: str) -> None:
    (root / code).parent.mkdir(parents=True, exist_ok=True)
    (root / layer).parent.mkdir(parents=True, exist_ok=True)
    write_zip(root / code, [Item("app.py", b"def handler(e, c):\n    return 1\n")])
    write_zip(root / layer, [Item("python/lib/_fast.so", elf(EM_AARCH64))])


def _scan(collector: Collector, root: Path, name: str, text: str) -> Inventory:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    assert collector.claims(path)
    inv = collector.collect([path], root)
    return inv.merge(PackageEnricher(NullInspector()).enrich(inv, root))


def _summary(inv: Inventory) -> list[tuple[str, bool, tuple[str, ...]]]:
    return [(p.path, p.is_layer, p.functions) for p in inv.packages]


def _pkg001(inv: Inventory) -> list[str]:
    return [
        f.resource for r in ARTIFACT_RULES if r.meta.id == "PKG001" for f in r.check(inv, ctx())
    ]


TERRAFORM = """
resource "aws_lambda_layer_version" "deps" {
  layer_name               = "deps"
  filename                 = "build/layer.zip"
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["arm64"]
}

resource "aws_lambda_function" "api" {
  function_name    = "api"
  role             = "arn:aws:iam::111122223333:role/api"
  runtime          = "python3.12"
  handler          = "app.handler"
  filename         = "build/api.zip"
  source_code_hash = "abc"
  layers           = [aws_lambda_layer_version.deps.arn]
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::111122223333:role/api"
  runtime       = "python3.12"
  handler       = "app.handler"
  architectures = ["arm64"]
  s3_bucket     = "artifacts"
  s3_key        = "worker.zip"
  layers        = [aws_lambda_layer_version.deps.arn]
}
"""


def test_terraform_function_zip_and_layer(tmp_path: Path) -> None:
    _zips(tmp_path, "build/api.zip", "build/layer.zip")
    inv = _scan(TerraformCollector(), tmp_path, "main.tf", TERRAFORM)
    assert inv.layers == (
        Layer(
            "aws_lambda_layer_version.deps",
            Location("main.tf", 2),
            name="deps",
            package=PackageRef(path="build/layer.zip"),
            compatible_runtimes=("python3.12",),
            compatible_architectures=(Architecture.ARM64,),
        ),
    )
    assert _summary(inv) == [
        ("build/api.zip", False, ("aws_lambda_function.api",)),
        ("build/layer.zip", True, ("aws_lambda_function.api", "aws_lambda_function.worker")),
    ]
    assert inv.packages[0].sha256_hex == sha256(tmp_path / "build/api.zip")
    # The arm64 layer on the x86_64 function; the arm64 worker is fine.
    assert _pkg001(inv) == ["aws_lambda_function.api"]


SAM = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: deps
      ContentUri: layer.zip
      CompatibleRuntimes: [python3.12]
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: api.zip
      Layers: [!Ref Deps]
"""


def test_sam_code_uri_and_content_uri_relative_to_the_template(tmp_path: Path) -> None:
    _zips(tmp_path, "stack/api.zip", "stack/layer.zip")
    inv = _scan(CloudFormationCollector(), tmp_path, "stack/template.yaml", SAM)
    [layer] = inv.layers
    assert (layer.address, layer.name, layer.package.path) == ("Deps", "deps", "stack/layer.zip")
    assert layer.compatible_runtimes == ("python3.12",)
    assert _summary(inv) == [
        ("stack/api.zip", False, ("Api",)),
        ("stack/layer.zip", True, ("Api",)),
    ]
    assert _pkg001(inv) == ["Api"]


CLOUDFORMATION = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Deps:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layer.zip
      CompatibleArchitectures: [arm64]
  Api:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::111122223333:role/api
      Architectures: [arm64]
      Code: api.zip
      Layers: [!Ref Deps]
"""


def test_cloudformation_package_paths_for_code_and_content(tmp_path: Path) -> None:
    _zips(tmp_path, "api.zip", "layer.zip")
    inv = _scan(CloudFormationCollector(), tmp_path, "template.yaml", CLOUDFORMATION)
    [layer] = inv.layers
    assert layer.compatible_architectures == (Architecture.ARM64,)
    assert _summary(inv) == [("api.zip", False, ("Api",)), ("layer.zip", True, ("Api",))]
    assert _pkg001(inv) == []


SERVERLESS = """
service: shop
provider:
  name: aws
  runtime: python3.12
layers:
  deps:
    package:
      artifact: build/layer.zip
    compatibleRuntimes: [python3.12]
  shared-utils:
    path: utils
functions:
  api:
    handler: app.handler
    package:
      artifact: build/api.zip
    layers:
      - { Ref: DepsLambdaLayer }
      - { Ref: SharedDashutilsLambdaLayer }
"""


def test_serverless_layers_artifact_and_path(tmp_path: Path) -> None:
    _zips(tmp_path, "build/api.zip", "build/layer.zip")
    (tmp_path / "utils").mkdir()
    (tmp_path / "utils" / "u.py").write_text("X = 1\n")
    inv = _scan(ServerlessCollector(), tmp_path, "serverless.yml", SERVERLESS)
    assert [(x.address, x.name, x.package.path) for x in inv.layers] == [
        ("DepsLambdaLayer", "deps", "build/layer.zip"),
        ("SharedDashutilsLambdaLayer", "shared-utils", "utils"),
    ]
    assert _summary(inv) == [
        ("build/api.zip", False, ("ApiLambdaFunction",)),
        ("build/layer.zip", True, ("ApiLambdaFunction",)),
        ("utils", True, ("ApiLambdaFunction",)),
    ]
    assert _pkg001(inv) == ["ApiLambdaFunction"]
