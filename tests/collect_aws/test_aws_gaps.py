"""Refused calls become gaps and UNKNOWN verdicts; answers moto cannot give are injected.

The clients are real boto3 clients to the moto server; botocore's event hooks refuse chosen
operations (``before-call`` answering AccessDenied) or add fields moto drops (``after-call``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from fnguard.collect.aws import Access, AwsOptions, collect_aws, summary
from fnguard.collect.aws._session import client_factory
from fnguard.config import Config
from fnguard.iam import default_checker
from fnguard.model import FindingStatus, Inventory
from fnguard.rules import all_rules
from fnguard.scan import ScanRequest, scan

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from aws_seed import Seeded

    from fnguard.collect.aws import Unit
    from fnguard.collect.aws._api import ClientFactory
    from fnguard.result import ScanResult


def _refuse(operation: str) -> Callable[..., None]:
    def handler(**_: Any) -> None:
        error = {"Error": {"Code": "AccessDeniedException", "Message": "denied"}}
        raise ClientError(error, operation)  # type: ignore[arg-type]

    return handler


def _hooked(
    refuse: tuple[str, ...] = (),
    after: Mapping[str, Callable[..., None]] | None = None,
) -> Callable[[Unit], ClientFactory]:
    def clients(unit: Unit) -> ClientFactory:
        region = unit.client_region
        base = client_factory(unit.access, region)

        def make(service: str) -> Any:
            client = base(service)
            prefix = client.meta.service_model.service_id.hyphenize()
            for op in refuse:
                client.meta.events.register(f"before-call.{prefix}.{op}", _refuse(op))
            for op, hook in (after or {}).items():
                client.meta.events.register(f"after-call.{prefix}.{op}", hook)
            return client

        return make

    return clients


def _collect(seeded: Seeded, clients: Callable[[Unit], ClientFactory]) -> Inventory:
    options = AwsOptions(access=Access(endpoint_url=seeded.endpoint), regions=("us-east-1",))
    return collect_aws(options, clients=clients)


def _scan(inventory: Inventory, *rules: str) -> ScanResult:
    request = ScanRequest(
        targets=(),
        config=Config(select=rules),
        collectors=(),
        rules=all_rules(),
        permissions=default_checker(),
        inventory=inventory,
    )
    return scan(request)


def _verdicts(result: ScanResult) -> set[tuple[str, str, FindingStatus]]:
    return {
        (f.rule_id, (f.function or f.resource).rsplit(":", 1)[-1], f.status)
        for f in result.findings
    }


def test_iam_refused_makes_iam_rules_unknown(aws_account: Seeded) -> None:
    inventory = _collect(aws_account, _hooked(refuse=("GetAccountAuthorizationDetails",)))
    assert inventory.roles == ()
    public = aws_account.functions["public-api"]
    (gap,) = inventory.gaps_for(public, "role")
    assert gap.reason == (
        "the account's roles could not be read "
        "(iam:GetAccountAuthorizationDetails answered AccessDeniedException)"
    )
    result = _scan(inventory, "IAM001")
    assert _verdicts(result) == {
        ("IAM001", name, FindingStatus.UNKNOWN) for name in aws_account.functions
    }
    assert "refused: iam:GetAccountAuthorizationDetails (AccessDeniedException) x1" in summary(
        inventory
    )


def test_policy_refused_is_a_gap_on_the_function(aws_account: Seeded) -> None:
    inventory = _collect(aws_account, _hooked(refuse=("GetPolicy",)))
    assert inventory.permissions == ()
    for arn in aws_account.functions.values():
        (gap,) = inventory.gaps_for(arn, "permissions")
        assert gap.reason == "lambda:GetPolicy answered AccessDeniedException"
        assert gap.location.file.startswith("aws://123456789012/us-east-1/lambda/")


def test_log_groups_refused_makes_log002_unknown(aws_account: Seeded) -> None:
    inventory = _collect(aws_account, _hooked(refuse=("DescribeLogGroups",)))
    result = _scan(inventory, "LOG002")
    assert _verdicts(result) == {
        ("LOG002", name, FindingStatus.UNKNOWN) for name in aws_account.functions
    }


def _add_to_hardened(fields: Mapping[str, Any]) -> Callable[..., None]:
    def hook(parsed: dict[str, Any], **_: Any) -> None:
        for fn in parsed.get("Functions") or ():
            if fn["FunctionName"] == "hardened":
                fn.update(fields)

    return hook


def _answer(fields: Mapping[str, Any]) -> Callable[..., Any]:
    """A before-call hook answering in place of the server (which does not serve the API)."""

    def hook(**_: Any) -> Any:
        return AWSResponse("http://127.0.0.1/", 200, {}, None), dict(fields)

    return hook


@pytest.mark.parametrize("loop", ["Allow", "Terminate"])
def test_fields_moto_drops_are_mapped(aws_account: Seeded, loop: str) -> None:
    queue = aws_account.queue_arn
    clients = _hooked(
        after={
            "ListFunctions": _add_to_hardened(
                {
                    "LoggingConfig": {"LogFormat": "JSON", "LogGroup": "/custom/hardened"},
                    "DeadLetterConfig": {"TargetArn": queue},
                }
            )
        }
    )

    def with_recursion(unit: Unit) -> ClientFactory:
        make = clients(unit)

        def factory(service: str) -> Any:
            client = make(service)
            if service == "lambda":
                client.meta.events.register(
                    "before-call.lambda.GetFunctionRecursionConfig",
                    _answer({"RecursiveLoop": loop}),
                )
            return client

        return factory

    inventory = _collect(aws_account, with_recursion)
    fn = inventory.get(aws_account.functions["hardened"])
    assert fn is not None
    assert getattr(fn, "dead_letter_target", None) == queue
    assert getattr(fn, "recursive_loop", None) == loop
    logging = getattr(fn, "logging", None)
    assert logging is not None
    assert (logging.log_format, logging.log_group) == ("JSON", "/custom/hardened")
    assert not inventory.gaps_for(aws_account.functions["hardened"], "recursive_loop")
