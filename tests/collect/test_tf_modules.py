"""Local modules with inputs, outputs and for_each; remote modules become gaps."""

from __future__ import annotations

from collect.tf_helpers import collect_fixture

from fnguard.model import (
    CollectionGap,
    Function,
    Location,
    LoggingConfig,
    PackageRef,
    Permission,
    Policy,
    PolicyKind,
    Provider,
    Role,
)

INV = collect_fixture("modules")
ROLE = "module.role.aws_iam_role.this"


def module_fn(key: str, memory: int) -> Function:
    return Function(
        address=f'module.fn["{key}"].aws_lambda_function.this',
        provider=Provider.AWS,
        location=Location("modules/fn/main.tf", 14),
        name=f"fn-{key}",
        memory_mb=memory,
        role=ROLE,  # an output of another module, traced back to the role's address
        logging=LoggingConfig("Text", f"/aws/lambda/fn-{key}"),
        package=PackageRef(path="modules/fn/dist/app.zip"),  # path.module, relative to the root
    )


def test_module_instances_and_outputs() -> None:
    assert INV.functions == (module_fn("a", 256), module_fn("b", 1024))
    location = Location("modules/role/main.tf", 5)
    assert INV.roles == (
        Role(
            ROLE,
            Provider.AWS,
            location,
            name="app",
            trust_policy=Policy(
                "assume_role_policy", PolicyKind.TRUST, {"Statement": []}, None, location
            ),
        ),
    )
    assert INV.permissions == (
        Permission(
            "aws_lambda_permission.a",
            'module.fn["a"].aws_lambda_function.this',
            Location("main.tf", 19),
            principal="sns.amazonaws.com",
            source_arn="arn:aws:sns:eu-west-1:111122223333:topic",
        ),
    )


def test_called_folders_are_not_scanned_again_and_remote_is_a_gap() -> None:
    assert INV.sources == ("main.tf", "modules/fn/main.tf", "modules/role/main.tf")
    assert INV.gaps == (
        CollectionGap(
            Location("main.tf", 14),
            "module source 'terraform-aws-modules/lambda/aws' is not a local folder; "
            "its resources are not scanned",
            "module.remote",
            "source",
        ),
    )
