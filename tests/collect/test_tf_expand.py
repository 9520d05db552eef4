"""count / for_each instances with stable addresses, tfvars, locals and functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect.tf_helpers import collect_dir, collect_fixture

from fnguard.model import (
    CollectionGap,
    EnvVar,
    Function,
    InvocationType,
    Location,
    LoggingConfig,
    PackageRef,
    Provider,
    Queue,
    Trigger,
    TriggerKind,
)

if TYPE_CHECKING:
    from pathlib import Path

INV = collect_fixture("expand")
ROLE = "aws_iam_role.shared"


def loc(line: int) -> Location:
    return Location("main.tf", line)


def regional(key: str, memory: int, timeout: int) -> Function:
    env = (("STAGE", "prod"), ("OWNER", "TEAM-PROD"), ("REGION", key))
    return Function(
        address=f'aws_lambda_function.regional["{key}"]',
        provider=Provider.AWS,
        location=loc(29),
        name=f"shop-prod-{key}",
        memory_mb=memory,
        timeout_s=timeout,
        role=ROLE,
        environment=tuple(EnvVar(k, v, False, loc(36)) for k, v in env),
        logging=LoggingConfig("Text", f"/aws/lambda/shop-prod-{key}"),
        package=PackageRef(path=f"build/{key}.zip"),
    )


def worker(index: int) -> Function:
    name = f"shop-prod-worker-{index}"
    return Function(
        address=f"aws_lambda_function.worker[{index}]",
        provider=Provider.AWS,
        location=loc(41),
        name=name,
        timeout_s=60,  # max() over a for expression on the tfvars map
        role=ROLE,
        logging=LoggingConfig("Text", f"/aws/lambda/{name}"),
        package=PackageRef(path="build/worker.zip"),
    )


def test_instances_from_for_each_and_count() -> None:
    assert INV.functions == (
        regional("eu", 512, 15),
        regional("us", 128, 5),
        worker(0),
        worker(1),
        Function(
            address="aws_lambda_function.unknown_count",
            provider=Provider.AWS,
            location=loc(61),
            name="per-az",
            role=ROLE,
            logging=LoggingConfig("Text", "/aws/lambda/per-az"),
        ),
    )


def test_count_index_references_pair_instances() -> None:
    assert INV.triggers == tuple(
        Trigger(
            f"aws_lambda_event_source_mapping.per_worker[{i}]",
            TriggerKind.SQS,
            f"aws_lambda_function.worker[{i}]",
            InvocationType.POLL,
            loc(55),
            f"aws_sqs_queue.per_worker[{i}]",
            batch_size=10,
            batching_window_s=0,
        )
        for i in (0, 1)
    )
    assert INV.queues == (
        *(Queue(f"aws_sqs_queue.per_worker[{i}]", loc(49), f"q-{i}", None, 90) for i in (0, 1)),
        # for_each over another for_each resource: each.value is that resource's instance
        Queue('aws_sqs_queue.per_region["eu"]', loc(67), "q-shop-prod-eu", None, 90),
        Queue('aws_sqs_queue.per_region["us"]', loc(67), "q-shop-prod-us", None, 30),
    )


def test_tfvars_precedence_and_unknown_count() -> None:
    # terraform.tfvars and *.auto.tfvars win; dev.tfvars only fills variables still unset.
    assert INV.sources == ("dev.tfvars", "main.tf", "override.auto.tfvars", "terraform.tfvars")
    assert INV.gaps == (
        CollectionGap(
            loc(61),
            "count / for_each cannot be resolved offline; one instance is assumed",
            "aws_lambda_function.unknown_count",
            "count",
        ),
    )


def test_several_root_modules_keep_addresses_apart(tmp_path: Path) -> None:
    """Two services with the same resource names: addresses carry their folder."""
    for service in ("svc0", "svc1"):
        folder = tmp_path / service
        folder.mkdir()
        (folder / "main.tf").write_text(
            'resource "aws_lambda_function" "f" {\n'
            f'  function_name = "{service}"\n'
            "  role          = aws_iam_role.r.arn\n"
            "}\n"
            'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
        )
    inventory = collect_dir(tmp_path)
    assert [(f.address, f.role) for f in inventory.functions] == [
        ("svc0:aws_lambda_function.f", "svc0:aws_iam_role.r"),
        ("svc1:aws_lambda_function.f", "svc1:aws_iam_role.r"),
    ]
    assert [r.address for r in inventory.roles] == ["svc0:aws_iam_role.r", "svc1:aws_iam_role.r"]
