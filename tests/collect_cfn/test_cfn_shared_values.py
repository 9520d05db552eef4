"""Values the mapper shares between functions (one frozen object for equal values) are the
ones the general way builds: a Code that is only a local path, the default architectures."""

from __future__ import annotations

from fnguard.collect.cloudformation._collector import collect_text
from fnguard.model import Architecture, PackageRef

TEMPLATE = """\
Resources:
  One:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: src/api
  Two:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code:
        LocalPath: src/api
  Three:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Architectures: [arm64]
      Code:
        LocalPath: src/other
        S3Key: built.zip
"""


def test_local_path_packages_equal_the_general_way() -> None:
    functions = {f.address: f for f in collect_text(TEMPLATE, "infra/t.yaml").functions}
    shared = PackageRef(path="infra/src/api", hash_declared=True, source_dir="infra/src/api")
    assert functions["One"].package == shared
    assert functions["Two"].package == shared
    # a Code with more than the path takes the general way: its other fields are read
    assert functions["Three"].package == PackageRef(
        path="infra/src/other",
        hash_declared=True,
        s3_key="built.zip",
        source_dir="infra/src/other",
    )


def test_architectures_default_and_given() -> None:
    functions = {f.address: f for f in collect_text(TEMPLATE, "infra/t.yaml").functions}
    assert functions["One"].architectures == (Architecture.X86_64,)
    assert functions["Three"].architectures == (Architecture.ARM64,)
