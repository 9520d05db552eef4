"""count / for_each instances with stable addresses, tfvars, locals and functions."""

from __future__ import annotations

from collect.tf_helpers import collect_fixture

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
    assert INV.queues == tuple(
        Queue(f"aws_sqs_queue.per_worker[{i}]", loc(49), f"q-{i}", None, 90) for i in (0, 1)
    )


def test_tfvars_precedence_and_unknown_count() -> None:
    # terraform.tfvars and *.auto.tfvars win; dev.tfvars only fills variables still unset.
    assert INV.sources == ("main.tf", "terraform.tfvars", "override.auto.tfvars", "dev.tfvars")
    assert INV.gaps == (
        CollectionGap(
            loc(61),
            "count / for_each cannot be resolved offline; one instance is assumed",
            "aws_lambda_function.unknown_count",
            "count",
        ),
    )
