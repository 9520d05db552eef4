"""One verdict whatever the format: the same insecure function in Terraform, CloudFormation, SAM
and serverless.yml.

Addresses and locations differ by nature (``aws_lambda_function.worker`` vs ``OrdersWorker``);
the normaliser maps each object to a canonical name from what it *is* (the function, its
role, "the SQS trigger", "the permission for s3.amazonaws.com") and drops locations.

Remaining differences, by design of the formats, are normalised here and nowhere else:
- ``Permission.source_account``: Terraform states the account, CloudFormation/SAM say
  ``${AWS::AccountId}``; both restrict the caller to the stack's account.
- ``Permission.source_arn``: the HTTP API's execution ARN is built from the API in all three;
  each collector reports the API's address, which the normaliser maps like any other.
- ``Function.tags``: SAM tags the functions it creates ``lambda:createdBy: SAM``.

serverless.yml only (the framework generates these; ``_framework_plumbing`` says what is set
aside, and ``test_serverless_plumbing_is_what_the_framework_deploys`` checks it is there):
- ``Role.name`` and the role's logging and event-source grants: the framework writes them as
  statements in its ``IamRoleLambdaExecution`` (logs on the service's log groups, SQS reads on
  the queue) where the others attach AWSLambdaBasicExecutionRole /
  AWSLambdaSQSQueueExecutionRole; the statements the user wrote are compared as written.
- ``Function.package``: the framework packages the service folder and uploads it itself.
- ``Permission.source_arn`` of the S3 permission: the framework also names the bucket's ARN.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.collect.serverless import ServerlessCollector
from fnguard.collect.terraform import TerraformCollector
from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import Inventory, Location, PackageRef
from fnguard.rules import all_rules
from fnguard.rules._base import RuleContext

FIXTURES = Path(__file__).parent.parent / "fixtures" / "equivalence"


def _collect(name: str) -> Inventory:
    path = FIXTURES / name
    collector = (
        TerraformCollector()
        if name.endswith(".tf")
        else ServerlessCollector()
        if name == "serverless.yml"
        else CloudFormationCollector()
    )
    assert collector.claims(path)
    return collector.collect([path], FIXTURES)


def _canonical_names(inv: Inventory) -> dict[str, str]:
    names: dict[str, str] = {}
    for fn in inv.functions:
        names[fn.address] = f"function:{fn.name}"
    for role in inv.roles:
        names[role.address] = "role:" + ",".join(
            names.get(f.address, f.address) for f in inv.functions_using_role(role.address)
        )
    for queue in inv.queues:
        names[queue.address] = f"queue:{queue.name}"
    for bucket in inv.buckets:
        names[bucket.address] = f"bucket:{bucket.name}"
    for door in inv.front_doors:
        names.setdefault(door.address, f"door:{door.kind}")
    for trig in inv.triggers:
        names.setdefault(trig.address, f"trigger:{trig.kind}")
        if trig.source:
            names.setdefault(trig.source, f"source:{trig.kind}")
    for perm in inv.permissions:
        names[perm.address] = f"permission:{perm.principal}:{perm.action}"
    return names


def _normalise(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, Location):
        return None
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, tuple):
        return tuple(_normalise(v, names) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _normalise(getattr(value, f.name), names) for f in dataclasses.fields(value)
        }
        if type(value).__name__ == "Permission" and changes["source_account"] is not None:
            changes["source_account"] = "<the stack's account>"
        if type(value).__name__ == "Function":
            changes["tags"] = {k: v for k, v in value.tags.items() if k != "lambda:createdBy"}
        return dataclasses.replace(value, **changes)
    return value


_PLUMBING_ACTIONS = frozenset(
    {
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:TagResource",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
    }
)
_PLUMBING_POLICIES = ("AWSLambdaBasicExecutionRole", "AWSLambdaSQSQueueExecutionRole")


def _framework_plumbing(inv: Inventory) -> Inventory:
    """Set aside what each format adds for logging and event sources (see the module doc)."""
    roles = []
    for role in inv.roles:
        statements = [
            {k: v for k, v in statement.items() if k != "Sid"}
            for policy in role.policies
            if not (policy.arn or "").endswith(_PLUMBING_POLICIES)
            for statement in policy.statements
            if not set(_actions(statement)) <= _PLUMBING_ACTIONS
        ]
        document = {"Statement": statements}
        roles.append(
            dataclasses.replace(
                role,
                name=None,
                policies=(dataclasses.replace(role.policies[0], name="", document=document),),
            )
        )
    functions = [dataclasses.replace(fn, package=PackageRef()) for fn in inv.functions]
    permissions = [
        dataclasses.replace(p, source_arn=None) if p.principal == "s3.amazonaws.com" else p
        for p in inv.permissions
    ]
    return dataclasses.replace(
        inv, roles=tuple(roles), functions=tuple(functions), permissions=tuple(permissions)
    )


def _actions(statement: Any) -> list[str]:
    action = statement.get("Action", [])
    return [action] if isinstance(action, str) else list(action)


def _normalised(inv: Inventory) -> dict[str, Any]:
    names = _canonical_names(inv)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Inventory):
        if f.name in ("sources", "gaps", "suppressions"):
            continue
        items = [_normalise(item, names) for item in getattr(inv, f.name)]
        out[f.name] = sorted(items, key=repr)
    out["gaps"] = sorted({(names.get(g.resource, g.resource), g.field) for g in inv.gaps})
    return out


def _findings(inv: Inventory) -> set[tuple[str, str, str]]:
    names = _canonical_names(inv)
    context = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return {
        (finding.rule_id, names.get(finding.resource, finding.resource), str(finding.status))
        for rule in all_rules()
        for finding in rule.check(inv, context)
    }


@pytest.fixture(scope="module")
def inventories() -> dict[str, Inventory]:
    names = ("main.tf", "template.yaml", "sam.yaml", "serverless.yml")
    return {name: _collect(name) for name in names}


@pytest.mark.parametrize("other", ["template.yaml", "sam.yaml"])
def test_same_inventory_as_terraform(inventories: dict[str, Inventory], other: str) -> None:
    expected = _normalised(inventories["main.tf"])
    actual = _normalised(inventories[other])
    for section in expected:
        assert actual[section] == expected[section], section


def test_serverless_same_inventory_but_the_framework_plumbing(
    inventories: dict[str, Inventory],
) -> None:
    expected = _normalised(_framework_plumbing(inventories["main.tf"]))
    actual = _normalised(_framework_plumbing(inventories["serverless.yml"]))
    for section in expected:
        assert actual[section] == expected[section], section


def test_serverless_plumbing_is_what_the_framework_deploys(
    inventories: dict[str, Inventory],
) -> None:
    inv = inventories["serverless.yml"]
    (role,) = inv.roles
    (policy,) = role.policies
    granted = {(a, str(s["Resource"])) for s in policy.statements for a in _actions(s)}
    assert ("sqs:ReceiveMessage", "['${Jobs.Arn}']") in granted
    assert {a for a, _ in granted} >= _PLUMBING_ACTIONS
    (fn,) = inv.functions
    assert (fn.package.path, fn.package.hash_declared) == (".", True)
    s3 = next(p for p in inv.permissions if p.principal == "s3.amazonaws.com")
    assert s3.source_arn == "S3BucketOrdersuploads"


@pytest.mark.parametrize("other", ["template.yaml", "sam.yaml", "serverless.yml"])
def test_same_findings_as_terraform(inventories: dict[str, Inventory], other: str) -> None:
    expected = _findings(inventories["main.tf"])
    assert _findings(inventories[other]) == expected


def test_the_function_is_found_insecure(inventories: dict[str, Inventory]) -> None:
    """The golden function trips the rules it was written for (so equality is not vacuous)."""
    for name in ("sam.yaml", "serverless.yml"):
        rules = {rule_id for rule_id, _, _ in _findings(inventories[name])}
        assert {"SEC001", "SEC002", "LOG001"} <= rules
        assert any(r.startswith("IAM") for r in rules)
        assert any(r.startswith("EXP") for r in rules)
