"""AWS::Lambda::Function and its neighbours, every model field, through intrinsics."""

from __future__ import annotations

from collect_cfn.cfn_helpers import collect_fixture

from fnguard.model import (
    Architecture,
    CodeSigningConfig,
    CollectionGap,
    EgressRule,
    EnvVar,
    Function,
    KmsKey,
    Location,
    LoggingConfig,
    LogGroup,
    PackageRef,
    Provider,
    Queue,
    SecurityGroup,
    VpcConfig,
)

FILE = "function_full.yaml"


_ENV_LINES = {"PLAIN": 51, "DB": 52, "TABLE": 53, "REGION": 54, "IMPORTED": 55, "ZONE": 56}


def _env(name: str, value: str | None, ref: bool = False, expr: str | None = None) -> EnvVar:
    return EnvVar(name, value, ref, Location(FILE, _ENV_LINES.get(name, 57)), expr)


def test_function_every_field() -> None:
    inv = collect_fixture(FILE)
    assert inv.functions == (
        Function(
            address="Api",
            provider=Provider.AWS,
            location=Location(FILE, 20),
            name="prod-api",
            runtime="python3.12",
            architectures=(Architecture.ARM64,),
            memory_mb=1024,  # FindInMap with a Ref key
            timeout_s=20,  # If on a condition that Equals a parameter default
            handler="app.handler",
            environment=(
                _env("PLAIN", "hello"),
                _env(
                    "DB",
                    "{{resolve:secretsmanager:prod/db:SecretString:password}}",
                    ref=True,
                    expr="{{resolve:secretsmanager:prod/db:SecretString:password}}",
                ),
                _env("TABLE", None, ref=True, expr="Table"),
                _env("REGION", "${AWS::Region}"),
                _env("IMPORTED", None, ref=True, expr='!ImportValue "shared-bucket"'),
                _env("ZONE", None, expr="!Select ?"),
                _env("PARTS", "a,b"),
                # DROPPED: !If [IsProd, !Ref AWS::NoValue, kept] removes the variable.
            ),
            kms_key_arn="Key",
            role="ApiRole",
            vpc=VpcConfig(subnet_ids=("subnet-aaa", "subnet-bbb"), security_group_ids=("Sg",)),
            tracing_mode="Active",
            dead_letter_target="Dlq",
            on_failure_destination="Failures",
            reserved_concurrency=5,
            layers=("Deps", "arn:aws:lambda:eu-west-1:123456789012:layer:shared:3"),
            code_signing_config="Signing",
            recursive_loop="Allow",
            logging=LoggingConfig(
                log_format="JSON", log_group="/custom/api", application_log_level="INFO"
            ),
            package=PackageRef(path="src/api", hash_declared=True, source_dir="src/api"),
            tags={"team": "orders"},
        ),
    )


def test_neighbours_with_defaults() -> None:
    inv = collect_fixture(FILE)
    assert inv.kms_keys == (KmsKey("Key", Location(FILE, 70), rotation_enabled=True),)
    assert inv.log_groups == (
        LogGroup("Logs", Location(FILE, 92), "/custom/api", retention_days=30, kms_key_id="Key"),
    )
    assert inv.code_signing_configs == (
        CodeSigningConfig(
            "Signing", Location(FILE, 86), untrusted_artifact_on_deployment="Enforce"
        ),
    )
    # No SecurityGroupEgress: EC2's default allow-all rule.
    assert inv.security_groups == (
        SecurityGroup(
            "Sg",
            Location(FILE, 98),
            vpc_id="vpc-123",
            egress=(EgressRule("-1", None, None, ("0.0.0.0/0",)),),
        ),
    )


def test_conditions_skip_false_and_keep_unknown_with_a_gap() -> None:
    inv = collect_fixture(FILE)
    assert [q.address for q in inv.queues] == ["Dlq", "DevOnly", "ProdOnly", "MaybeKeyed"]
    assert inv.queues[0] == Queue("Dlq", Location(FILE, 74), "api-dlq", visibility_timeout_s=120)
    gaps = {(g.resource, g.field, g.reason) for g in inv.gaps}
    assert ("DevOnly", "condition", "condition IsDev is not declared") in gaps
    assert (
        "MaybeKeyed",
        "condition",
        "condition HasKey depends on deploy-time values; the resource is assumed to exist",
    ) in gaps
    assert (
        "Api",
        "environment",
        "environment variable ZONE is computed at deploy time",
    ) in gaps
    # The ImportValue is a reference (another stack's export), not a gap.
    assert not any("IMPORTED" in g.reason for g in inv.gaps)


def test_false_condition_removes_the_resource(tmp_path: object) -> None:
    from pathlib import Path

    from collect_cfn.cfn_helpers import collect_source

    inv = collect_source(
        Path(str(tmp_path)),
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n"
        "Resources:\n"
        "  Q:\n    Type: AWS::SQS::Queue\n    Condition: IsProd\n"
        "  R:\n    Type: AWS::SQS::Queue\n    Condition: NotProd\n"
        "Outputs: {}\n",
    )
    assert [q.address for q in inv.queues] == ["R"]
    assert inv.gaps[0] == CollectionGap(
        Location("template.yaml", 9), "condition NotProd is not declared", "R", "condition"
    )
